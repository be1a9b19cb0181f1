/*
 * Issue 4's acceptance, against a real PostgreSQL: for adversarial user names (quotes, backslashes, spaces, SQL comment
 * and statement characters, multibyte and emoji, up to the 63-byte limit, also where `_clone` must be cut to fit) and
 * passwords with every punctuation character, a rotation (createSecret -> setSecret -> testSecret, driven through
 * DatabaseRotationStrategy with an in-memory context, direct connection without TLS on loopback) succeeds, and nothing
 * else in the server changes; no password appears in a log line or an error message. The properties are in
 * properties-harness.ts; this file says how PostgreSQL names, creates, snapshots and drops users.
 *
 * Seedable: PROPERTY_SEED=<n> npx jest test/integration/database/properties-postgres.test.ts (fast-check prints the
 * seed and the counterexample of a failure).
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { PUNCTUATION } from '../../../lambdas/core/password';
import { DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import { POSTGRES_ENGINE } from '../../../lambdas/postgres/engine';
import { sharedPostgres } from '../../support';
import { pgSnapshot } from '../../support/db-snapshot';
import { pgPrivilegePair, pgPrivileges } from '../../support/pg-privileges';
import { postgresUnderTest } from './db-fixture';
import { type NameRules, PropertyHarness } from './properties-harness';

const server = sharedPostgres();
const MAX_BYTES = 63;
const SCHEMA = `prop "s" \\ 'q'`;
const GROUP = `prop grp "g"`;

let admin: Client;

const q = (name: string): string => Client.prototype.escapeIdentifier(name);
const lit = (value: string): string => Client.prototype.escapeLiteral(value);

beforeAll(async () => {
  admin = new Client({ host: server().host, port: server().port, user: server().user, password: server().password });
  admin.on('error', () => undefined); // the shared server stops before this file's afterAll
  await admin.connect();
  // Objects whose privileges the alternating-users property gives to the source user, and expects on the clone.
  await admin.query(`CREATE SCHEMA ${q(SCHEMA)}`);
  await admin.query(`CREATE TABLE ${q(SCHEMA)}.t (a int, "b ""x""" text)`);
  await admin.query(`CREATE SEQUENCE ${q(SCHEMA)}.seq`);
  await admin.query(`CREATE FUNCTION ${q(SCHEMA)}.f(int) RETURNS int LANGUAGE sql AS 'SELECT $1'`);
  await admin.query(`CREATE ROLE ${q(GROUP)} NOLOGIN`);
  await admin.query(`ALTER TABLE ${q(SCHEMA)}.t ENABLE ROW LEVEL SECURITY`);
  await admin.query(`CREATE POLICY p ON ${q(SCHEMA)}.t TO ${q(GROUP)} USING (a > 0)`);
});

afterAll(async () => {
  await admin?.end();
});

/** NAMEDATALEN cut, written apart from the dialect's: the longest prefix of whole code points within `max` bytes. */
function cutBytes(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > max) break;
    out += char;
  }
  return out;
}

const RESERVED = new Set(['public', 'none', 'current_user', 'session_user', 'current_role', 'postgres']);
/** User names up to 63 bytes: quotes, SQL marks, multibyte and emoji. */
const NAMES: NameRules = {
  max: MAX_BYTES,
  measure: (name) => Buffer.byteLength(name),
  cut: cutBytes,
  marks: ["'", '"', '\\', '`', ' ', '%', '_', ';', '--', '/*', '*/', '$1', '?', '$$'],
  letters: ['é', 'ß', 'Ж', '中文', 'ﬀ', '\u00a0', '\u200b', '😀', '👩‍💻', '🇩🇪', 'e\u0301'],
  keywords: ['SELECT', 'user', 'ALL', 'Public', 'NONE', 'CURRENT_USER'],
  /** 63-byte names made of one troublesome character, and names whose clone must be cut inside a multibyte run. */
  extremes: [
    '中'.repeat(21),
    `${'😀'.repeat(15)}xxx`,
    `${'👩‍💻'.repeat(5)}${'x'.repeat(8)}`,
    "'".repeat(MAX_BYTES),
    '"'.repeat(MAX_BYTES),
    '\\'.repeat(MAX_BYTES),
    ' '.repeat(MAX_BYTES),
    `${'a'.repeat(56)}é${'x'.repeat(5)}`,
    `${'é'.repeat(28)}x`,
  ],
  longPieces: { minLength: 20, maxLength: 60 },
  accept: (name) => name.length > 0 && !name.startsWith('pg_') && !RESERVED.has(name) && name !== GROUP,
};

/** Role attributes the clone must copy. */
interface Attributes {
  readonly createdb: boolean;
  readonly inherit: boolean;
  readonly connlimit: number;
}

const harness = new PropertyHarness<Attributes>({
  strategy: new DatabaseRotationStrategy(POSTGRES_ENGINE),
  secretName: 'prop/pg',
  functionName: 'rotation-postgres',
  master: () => ({ username: server().user, password: server().password }),
  secretValue: (user, password, extra = {}) =>
    JSON.stringify({
      engine: 'postgres',
      host: '127.0.0.1',
      port: server().port,
      username: user,
      password,
      dbname: 'postgres',
      ssl: false,
      dbInstanceIdentifier: 'prop-db',
      ...extra,
    }),
  names: NAMES,
  fixedPasswords: [
    PUNCTUATION,
    `'; DROP ROLE postgres; --`,
    `\\'\\"\\\\\\`,
    `E'\\x41' || '$$'; $1 ? :p1`,
    `password 'with' "quotes" and spaces `,
    `/* not a comment */ -- nor this\\`,
    `${PUNCTUATION}${PUNCTUATION}${PUNCTUATION}`.slice(0, 90),
  ],
  createUser: async (user, password, withLimits) => {
    const limits = withLimits ? ` CONNECTION LIMIT 11 VALID UNTIL '2999-01-01'` : '';
    await admin.query(`CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(password)}${limits}`);
  },
  tryLogin: postgresUnderTest(server).tryLogin,
  refused: '28P01',
  /** Quoted as an SQL literal (doubled quotes, E'' with doubled backslashes). */
  literalForms: (password) => [lit(password).trim()],
  snapshot: (options) => pgSnapshot(admin, options),
  dropUsers: async (...users) => {
    for (const user of users) {
      const { rows } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
      if (rows.length === 0) continue;
      await admin.query(`DROP OWNED BY ${q(user)}`);
      await admin.query(`DROP ROLE ${q(user)}`);
    }
  },
  alternating: {
    setups: fc.record({ createdb: fc.boolean(), inherit: fc.boolean(), connlimit: fc.constantFrom(-1, 3) }),
    createWithPrivileges: async (user, password, attrs) => {
      const clauses = `${attrs.createdb ? 'CREATEDB' : 'NOCREATEDB'} ${attrs.inherit ? 'INHERIT' : 'NOINHERIT'}`;
      await admin.query(
        `CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(password)} ${clauses} CONNECTION LIMIT ${attrs.connlimit}`,
      );
      await grantEverything(user);
    },
    privileges: (user) => pgPrivileges(admin, user),
    /** Each role's privileges with the other as partner: the same once the names are swapped. */
    expectClonePrivileges: async (user, clone) => {
      const [left, right] = await pgPrivilegePair(admin, user, clone);
      expect(right).toEqual(left);
    },
  },
});

harness.describeProperties(
  'PostgreSQL',
  'alternating users: the clone gets the new password and the same privileges, nothing else changes; a second ' +
    'rotation sets the first user again',
);

/** Gives `user` one of every kind of privilege the sync copies, on the fixture objects. */
async function grantEverything(user: string): Promise<void> {
  const u = q(user);
  const s = q(SCHEMA);
  await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE postgres TO ${u}`);
  await admin.query(`GRANT USAGE ON SCHEMA ${s} TO ${u} WITH GRANT OPTION`);
  await admin.query(`GRANT SELECT, INSERT ON ${s}.t TO ${u}`);
  await admin.query(`GRANT UPDATE ("b ""x""") ON ${s}.t TO ${u}`);
  await admin.query(`GRANT USAGE ON SEQUENCE ${s}.seq TO ${u}`);
  await admin.query(`GRANT EXECUTE ON FUNCTION ${s}.f(int) TO ${u}`);
  await admin.query(`GRANT ${q(GROUP)} TO ${u}`);
  await admin.query(`ALTER ROLE ${u} SET search_path = ${lit(SCHEMA)}, public`);
  await admin.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${u}`);
  await admin.query(`ALTER POLICY p ON ${s}.t TO ${q(GROUP)}, ${u}`);
}
