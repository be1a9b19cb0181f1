/*
 * Issue 4's acceptance, against a real PostgreSQL: for adversarial user names (quotes, backslashes, spaces, SQL comment
 * and statement characters, multibyte and emoji, up to the 63-byte limit, also where `_clone` must be cut to fit) and
 * passwords with every punctuation character, a rotation (createSecret -> setSecret -> testSecret, driven through
 * DatabaseRotationStrategy with an in-memory context, direct connection without TLS on loopback) succeeds, and nothing
 * else in the server changes; no password appears in a log line or an error message.
 *
 * Seedable: PROPERTY_SEED=<n> npx jest test/integration/database/properties-postgres.test.ts (fast-check prints the
 * seed and the counterexample of a failure).
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { ApplyFailedError, VerificationFailedError } from '../../../lambdas/core/errors';
import type { RotationStep } from '../../../lambdas/core/event';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { generatePassword, PUNCTUATION } from '../../../lambdas/core/password';
import { registerSecretString, registerSecretValue } from '../../../lambdas/core/redaction';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import { DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import { POSTGRES_ENGINE } from '../../../lambdas/postgres/engine';
import { sharedPostgres } from '../../support';
import { pgSnapshot, snapshotDiff } from '../../support/db-snapshot';
import { pgPrivilegePair, pgPrivileges } from '../../support/pg-privileges';

const server = sharedPostgres();
const strategy = new DatabaseRotationStrategy(POSTGRES_ENGINE);
const MAX_BYTES = 63;
const SUFFIX = '_clone';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prop/pg-AbCdEf';
const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prop/pg-master-AbCdEf';
const SCHEMA = `prop "s" \\ 'q'`;
const GROUP = `prop grp "g"`;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
/**
 * fast-check settings: a seed from PROPERTY_SEED; a run (shrinking included: each step is a database round trip) stops
 * after 90 s and reports the smallest counterexample found so far, inside the test's timeout, so that no sample of one
 * property still runs while the next test takes its snapshots.
 */
const FC_PARAMS = {
  ...(process.env.PROPERTY_SEED === undefined ? {} : { seed: Number(process.env.PROPERTY_SEED) }),
  interruptAfterTimeLimit: 90_000,
  markInterruptAsFailure: false,
};
const TEST_TIMEOUT_MS = 150_000;

let admin: Client;
const logLines: string[] = [];
let restoreSink: ((line: string) => void) | undefined;

const q = (name: string): string => Client.prototype.escapeIdentifier(name);
const lit = (value: string): string => Client.prototype.escapeLiteral(value);

beforeAll(async () => {
  restoreSink = setLogSink((line) => logLines.push(line));
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
  if (restoreSink !== undefined) setLogSink(restoreSink);
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

function expectedClone(user: string): string {
  return `${cutBytes(user, MAX_BYTES - SUFFIX.length)}${SUFFIX}`;
}

/** Pieces of user names: quotes, backslashes, spaces, LIKE wildcards, SQL comment and statement marks, unicode. */
const namePiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("'", '"', '\\', '`', ' ', '%', '_', ';', '--', '/*', '*/', '$1', '?', '$$') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('é', 'ß', 'Ж', '中文', 'ﬀ', '\u00a0', '\u200b', '😀', '👩‍💻', '🇩🇪', 'e\u0301'),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019'), minLength: 1, maxLength: 6 }) },
  /** Control characters (MySQL escapes some with a backslash) and keywords that mean something where a name goes. */
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\n',
      '\t',
      '\r',
      '\b',
      '\x1a',
      'SELECT',
      'user',
      'ALL',
      'Public',
      'NONE',
      'CURRENT_USER',
    ),
  },
);

/** 'free': any length that fits; 'limit': exactly 63 bytes (the clone is cut); 'fits': 57 bytes (the clone is 63). */
const RESERVED = new Set(['public', 'none', 'current_user', 'session_user', 'current_role', 'postgres']);
/** 63-byte names made of one troublesome character, and names whose clone must be cut inside a multibyte run. */
const EXTREME_NAMES = [
  '中'.repeat(21),
  `${'😀'.repeat(15)}xxx`,
  `${'👩‍💻'.repeat(5)}${'x'.repeat(8)}`,
  "'".repeat(MAX_BYTES),
  '"'.repeat(MAX_BYTES),
  '\\'.repeat(MAX_BYTES),
  ' '.repeat(MAX_BYTES),
  `${'a'.repeat(56)}é${'x'.repeat(5)}`,
  `${'é'.repeat(28)}x`,
];
const username = fc
  .oneof(
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...EXTREME_NAMES), fc.constant('extreme' as const)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.array(namePiece, { minLength: 1, maxLength: 12 }), fc.constant('free' as const)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.array(namePiece, { minLength: 20, maxLength: 60 }),
        fc.constantFrom('limit' as const, 'fits' as const),
      ),
    },
  )
  .map(([pieces, size]) => {
    if (typeof pieces === 'string') return pieces;
    const joined = pieces.join('').replace(/\0/g, '0');
    if (size === 'free') return cutBytes(joined, MAX_BYTES);
    const target = size === 'limit' ? MAX_BYTES : MAX_BYTES - SUFFIX.length;
    const cut = cutBytes(joined, target);
    return cut + 'x'.repeat(target - Buffer.byteLength(cut));
  })
  .filter(
    (name) =>
      name.length > 0 && !name.startsWith('pg_') && !name.endsWith(SUFFIX) && !RESERVED.has(name) && name !== GROUP,
  );

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A password of every allowed character (the initial one: the rotation must log in with it). */
const anyPassword = fc.string({
  unit: fc.constantFrom(...`${PUNCTUATION}${ALPHANUMERIC}`),
  minLength: 8,
  maxLength: 48,
});
const FIXED_PASSWORDS = [
  PUNCTUATION,
  `'; DROP ROLE postgres; --`,
  `\\'\\"\\\\\\`,
  `E'\\x41' || '$$'; $1 ? :p1`,
  `password 'with' "quotes" and spaces `,
  `/* not a comment */ -- nor this\\`,
  `${PUNCTUATION}${PUNCTUATION}${PUNCTUATION}`.slice(0, 90),
];
/** How the new password comes: generated with every character allowed (tags), or fixed adversarial ones. */
const newPassword = fc.oneof(
  fc.record({
    kind: fc.constant('generated' as const),
    length: fc.integer({ min: 8, max: 128 }),
    space: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('fixed' as const), value: fc.constantFrom(...FIXED_PASSWORDS) }),
);
type NewPassword = { kind: 'generated'; length: number; space: boolean } | { kind: 'fixed'; value: string };

/** Secrets Manager's side of a rotation, in memory: the versions by stage, and the master secret. */
class Versions {
  pending: string | undefined;
  previous: string | undefined;
  readonly generated: string[] = [];

  constructor(
    public current: string,
    private readonly password: NewPassword,
  ) {}

  private tags(): Record<string, string> {
    if (this.password.kind === 'fixed') return { 'rotation:exclude-characters': '' };
    return {
      'rotation:exclude-characters': '',
      'rotation:password-length': String(this.password.length),
      'rotation:include-space': String(this.password.space),
    };
  }

  /** A context like the engine's: every value it reads is registered for redaction, as the secrets gateway does. */
  context(step: RotationStep): RotationContext {
    const tags = this.tags();
    const settings = new Settings('prop/pg', tags, {});
    const read = (value: string | undefined, stage: string): SecretVersionValue => {
      if (value === undefined) throw new Error(`no ${stage} version`);
      registerSecretString(value);
      return { versionId: stage, secretString: value };
    };
    return {
      secretArn: SECRET_ARN,
      secretName: 'prop/pg',
      token: 'token-1',
      step,
      tags,
      settings,
      logger: new Logger('rotation-postgres', { step }, 'DEBUG'),
      current: async () => read(this.current, 'AWSCURRENT'),
      pending: async () => read(this.pending, 'AWSPENDING'),
      previous: async () => (this.previous === undefined ? undefined : read(this.previous, 'AWSPREVIOUS')),
      otherSecret: async (id) => {
        if (id !== MASTER_ARN) throw new Error(`unexpected secret ${id}`);
        return read(JSON.stringify({ username: server().user, password: server().password }), 'AWSCURRENT');
      },
      generatePassword: (overrides) => {
        const value =
          this.password.kind === 'fixed'
            ? this.password.value
            : generatePassword({ ...settings.passwordOptions(strategy.passwordDefaults), ...overrides });
        registerSecretValue(value);
        this.generated.push(value);
        return value;
      },
      registerSecret: registerSecretValue,
    };
  }

  /**
   * createSecret -> setSecret -> testSecret, then finishSecret's label move. Returns the new value. `retried`: Secrets
   * Manager runs setSecret and testSecret a second time (a timeout, a throttled call), which must change nothing more.
   */
  async rotate(retried = false): Promise<Record<string, unknown>> {
    this.pending = await strategy.createCredential(this.context('createSecret'));
    for (let run = retried ? 2 : 1; run > 0; run -= 1) {
      await strategy.applyCredential(this.context('setSecret'));
      await strategy.verifyCredential(this.context('testSecret'));
    }
    await strategy.revokePrevious(this.context('finishSecret'));
    this.previous = this.current;
    this.current = this.pending;
    this.pending = undefined;
    return JSON.parse(this.current);
  }
}

function secretValue(user: string, password: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    engine: 'postgres',
    host: '127.0.0.1',
    port: server().port,
    username: user,
    password,
    dbname: 'postgres',
    ssl: false,
    dbInstanceIdentifier: 'prop-db',
    ...extra,
  });
}

/** The SQLSTATE of a login, or 'ok'. */
async function tryLogin(user: string, password: string): Promise<string> {
  const client = new Client({ host: server().host, port: server().port, user, password, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The forms a password could leak in: as is, JSON-escaped, and quoted as an SQL literal (doubled quotes/backslashes). */
function leakForms(password: string): string[] {
  if (password.length < 8) return [];
  return [
    ...new Set([
      password,
      JSON.stringify(password).slice(1, -1),
      password.replace(/'/g, "''"),
      password.replace(/\\/g, '\\\\'),
      lit(password).trim(),
    ]),
  ];
}

/** Fails naming the form and where, never printing the log line (the password would then be in the test output). */
function expectNoPassword(texts: readonly string[], passwords: readonly string[]): void {
  for (const password of passwords) {
    for (const form of leakForms(password)) {
      const at = texts.findIndex((text) => text.includes(form));
      expect({ leakedIn: at === -1 ? 'nowhere' : `text #${at}`, formLength: form.length }).toEqual({
        leakedIn: 'nowhere',
        formLength: form.length,
      });
    }
  }
}

async function dropUsers(...users: string[]): Promise<void> {
  for (const user of users) {
    const { rows } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    if (rows.length === 0) continue;
    await admin.query(`DROP OWNED BY ${q(user)}`);
    await admin.query(`DROP ROLE ${q(user)}`);
  }
}

/** Runs `work`; a thrown error fails the sample, after its message is checked for passwords. */
async function checked<T>(passwords: () => readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const texts = [String(error), (error as Error).stack ?? ''];
    expectNoPassword(texts, passwords());
    throw error;
  }
}

describe('the password settings these properties rely on', () => {
  it('generates from every punctuation character when the tag rotation:exclude-characters is empty', async () => {
    const versions = new Versions(secretValue('app', 'Initial-pw-1'), { kind: 'generated', length: 4096, space: true });
    const value = JSON.parse(await strategy.createCredential(versions.context('createSecret')));
    const missing = [...`${PUNCTUATION} `].filter((char) => !String(value.password).includes(char));
    expect(missing).toEqual([]);
  });
});

describe('DatabaseRotationStrategy (PostgreSQL) with adversarial user names and passwords (property)', () => {
  it(
    'single user: the new password logs in, the old one is refused, nothing else changes, no password is logged',
    async () => {
      await fc.assert(
        fc.asyncProperty(username, anyPassword, newPassword, fc.boolean(), async (user, initial, password, retried) => {
          await admin.query(
            `CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(initial)} CONNECTION LIMIT 11 VALID UNTIL '2999-01-01'`,
          );
          const versions = new Versions(secretValue(user, initial, { note: 'kept' }), password);
          const secrets = () => [initial, server().password, ...versions.generated];
          const logStart = logLines.length;
          try {
            const before = await pgSnapshot(admin, { passwordChanges: [user] });
            const next = await checked(secrets, () => versions.rotate(retried));
            const { password: newOne, ...rest } = next;
            const { password: _old, ...restBefore } = JSON.parse(secretValue(user, initial, { note: 'kept' }));
            expect(rest).toEqual(restBefore);
            expect(newOne).not.toBe(initial);
            if (password.kind === 'fixed') expect(newOne).toBe(password.value);
            else expect(String(newOne)).toHaveLength(password.length);
            expect(await tryLogin(user, String(newOne))).toBe('ok');
            expect(await tryLogin(user, initial)).toBe('28P01');
            const after = await pgSnapshot(admin, { passwordChanges: [user] });
            expect(snapshotDiff(before, after)).toEqual({ added: [], removed: [] });
            expect(logLines.length).toBeGreaterThan(logStart);
            expectNoPassword(logLines.slice(logStart), secrets());
          } finally {
            await dropUsers(user);
          }
        }),
        { numRuns: RUNS, ...FC_PARAMS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'alternating users: the clone gets the new password and the same privileges, nothing else changes; a second rotation sets the first user again',
    async () => {
      const attributes = fc.record({
        createdb: fc.boolean(),
        inherit: fc.boolean(),
        connlimit: fc.constantFrom(-1, 3),
      });
      await fc.assert(
        fc.asyncProperty(
          username,
          anyPassword,
          newPassword,
          attributes,
          fc.boolean(),
          async (user, initial, password, attrs, retried) => {
            const clone = expectedClone(user);
            const clauses = `${attrs.createdb ? 'CREATEDB' : 'NOCREATEDB'} ${attrs.inherit ? 'INHERIT' : 'NOINHERIT'}`;
            await admin.query(
              `CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(initial)} ${clauses} CONNECTION LIMIT ${attrs.connlimit}`,
            );
            const versions = new Versions(secretValue(user, initial, { masterarn: MASTER_ARN }), password);
            const secrets = () => [initial, server().password, ...versions.generated];
            const logStart = logLines.length;
            try {
              await grantEverything(user);
              const sourcePrivileges = await pgPrivileges(admin, user);
              const before = await pgSnapshot(admin, { ignoreUsers: [clone] });

              const first = await checked(secrets, () => versions.rotate(retried));
              expect(first.username).toBe(clone);
              expect(Buffer.byteLength(clone)).toBeLessThanOrEqual(MAX_BYTES);
              expect(await tryLogin(clone, String(first.password))).toBe('ok');
              expect(await tryLogin(user, initial)).toBe('ok');
              const [left, right] = await pgPrivilegePair(admin, user, clone);
              expect(right).toEqual(left);
              expect(await pgPrivileges(admin, user)).toEqual(sourcePrivileges);
              const afterFirst = await pgSnapshot(admin, { ignoreUsers: [clone] });
              expect(snapshotDiff(before, afterFirst)).toEqual({ added: [], removed: [] });

              // Back to the first user (a cut clone name does not map back by stripping `_clone`: AWSPREVIOUS says).
              const beforeSecond = await pgSnapshot(admin, { passwordChanges: [user] });
              const second = await checked(secrets, () => versions.rotate(!retried));
              expect(second.username).toBe(user);
              expect(await tryLogin(user, String(second.password))).toBe('ok');
              expect(await tryLogin(user, initial)).toBe('28P01');
              expect(await tryLogin(clone, String(first.password))).toBe('ok');
              const afterSecond = await pgSnapshot(admin, { passwordChanges: [user] });
              expect(snapshotDiff(beforeSecond, afterSecond)).toEqual({ added: [], removed: [] });
              expect(logLines.length).toBeGreaterThan(logStart);
              expectNoPassword(logLines.slice(logStart), secrets());
            } finally {
              await dropUsers(clone, user);
            }
          },
        ),
        { numRuns: RUNS, ...FC_PARAMS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refused logins fail with errors that name the user and no password',
    async () => {
      await fc.assert(
        fc.asyncProperty(username, anyPassword, anyPassword, async (user, initial, wrong) => {
          fc.pre(wrong !== initial);
          await admin.query(`CREATE ROLE ${q(user)} LOGIN PASSWORD ${lit(initial)}`);
          const logStart = logLines.length;
          try {
            // setSecret when neither the current nor the pending password logs in.
            const stale = new Versions(secretValue(user, wrong), { kind: 'fixed', value: `${wrong}!2` });
            stale.pending = secretValue(user, `${wrong}!2`);
            const applyError = await strategy.applyCredential(stale.context('setSecret')).catch((e: unknown) => e);
            expect(applyError).toBeInstanceOf(ApplyFailedError);
            expect((applyError as Error).message).toContain(user);
            // testSecret with a pending password that does not log in.
            const verifyError = await strategy.verifyCredential(stale.context('testSecret')).catch((e: unknown) => e);
            expect(verifyError).toBeInstanceOf(VerificationFailedError);
            // alternating users with a master whose password is wrong: the master's password must not leak either.
            const badMaster = new Versions(secretValue(user, initial, { masterarn: MASTER_ARN }), {
              kind: 'fixed',
              value: wrong,
            });
            const masterContext = badMaster.context('setSecret');
            const withWrongMaster: RotationContext = {
              ...masterContext,
              otherSecret: async () => ({
                versionId: 'm',
                secretString: JSON.stringify({ username: server().user, password: `${wrong}#m` }),
              }),
            };
            badMaster.pending = secretValue(expectedClone(user), wrong, { masterarn: MASTER_ARN });
            const masterError = await strategy.applyCredential(withWrongMaster).catch((e: unknown) => e);
            expect(masterError).toBeInstanceOf(ApplyFailedError);
            expect(await tryLogin(user, initial)).toBe('ok');
            const texts = [applyError, verifyError, masterError].map((e) => `${String(e)} ${(e as Error).stack}`);
            expectNoPassword([...texts, ...logLines.slice(logStart)], [initial, wrong, `${wrong}!2`, `${wrong}#m`]);
          } finally {
            await dropUsers(user);
          }
        }),
        { numRuns: Math.ceil(RUNS / 2), ...FC_PARAMS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});

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
