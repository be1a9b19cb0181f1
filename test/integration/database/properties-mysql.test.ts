/*
 * Issue 4's acceptance, against a real MariaDB: for adversarial user names (quotes, backslashes, backticks, spaces,
 * LIKE wildcards, SQL comment and statement characters, multibyte characters, up to the 80-character limit, also where
 * `_clone` must be cut to fit) and passwords with every punctuation character, a rotation (createSecret -> setSecret
 * -> testSecret, driven through DatabaseRotationStrategy with an in-memory context, direct connection without TLS on
 * loopback) succeeds, and nothing else in the server changes; no password appears in a log line or an error message.
 * The properties are in properties-harness.ts; this file says how MariaDB names, creates, snapshots and drops users.
 *
 * No characters outside the Basic Multilingual Plane (emoji): MariaDB keeps user names in utf8mb3 columns, and
 * `CREATE USER 'a😀b'` creates the account 'a?b' (the server's own mangling, not something a rotation can fix).
 *
 * Seedable: PROPERTY_SEED=<n> npx jest test/integration/database/properties-mysql.test.ts (fast-check prints the
 * seed and the counterexample of a failure).
 */
import fc from 'fast-check';
import { type Connection, createConnection } from 'mysql2/promise';
import { ApplyFailedError } from '../../../lambdas/core/errors';
import { PUNCTUATION } from '../../../lambdas/core/password';
import { DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import { MYSQL_DRIVER } from '../../../lambdas/mysql/connect';
import { MYSQL_ENGINE } from '../../../lambdas/mysql/engine';
import { sharedMariaDb } from '../../support';
import { DOUBLE_ENCODED, mysqlSnapshot, snapshotDiff } from '../../support/db-snapshot';
import { mysqlPrivileges } from '../../support/mysql-privileges';
import { type NameRules, PropertyHarness, SUFFIX } from './properties-harness';

const server = sharedMariaDb();
const strategy = new DatabaseRotationStrategy(MYSQL_ENGINE);
/** MariaDB's longest user name, in characters. */
const MAX_CHARS = 80;
const DB = `prop "d" \\ 'q' \`b\``;
const ROLE = `prop role 'r'`;
/** The hosts of the alternating pair: the rotation must work on every host the user exists on, not an assumed '%'. */
const HOSTS = ['%', 'localhost'];

let admin: Connection;

/** A name in backticks (database, table, column, role as a name). */
const name = (value: string): string => `\`${value.replace(/`/g, '``')}\``;

beforeAll(async () => {
  admin = await createConnection({
    host: server().host,
    port: server().port,
    user: server().rootUser,
    password: server().rootPassword,
    charset: 'UTF8MB4_UNICODE_CI',
    dateStrings: true,
  });
  admin.on('error', () => undefined); // the shared server stops before this file's afterAll
  // mysql2 escapes `?` values with backslashes: right in the default sql_mode, which this session keeps.
  await admin.query(`CREATE DATABASE ${name(DB)}`);
  await admin.query(`CREATE TABLE ${name(DB)}.t (a int, \`b\`\`x\` int)`);
  await admin.query(`CREATE PROCEDURE ${name(DB)}.p() SELECT 1`);
  await admin.query(`CREATE ROLE ${name(ROLE)}`);
  await admin.query(`GRANT SELECT ON ${name(DB)}.t TO ${name(ROLE)}`);
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
});

/** Characters outside the BMP (4 bytes of UTF-8) become '¤': MariaDB stores user names as utf8mb3. */
const bmp = (text: string): string => text.replace(/[\u{10000}-\u{10FFFF}]/gu, '¤');

/**
 * The server strips one pair of single quotes around the name a client logs in with (MariaDB 10.11 and MySQL:
 * sql_acl.cc, "If username starts and ends in \"'\", chop them off"), so a user named `'ab'` can never log in over the
 * protocol, whatever the client. Such names are tested apart (see the last test).
 */
function quotedLoginName(user: string): boolean {
  return user.length >= 2 && user.startsWith("'") && user.endsWith("'");
}

/** User names up to 80 characters: quotes, backticks, LIKE wildcards and their escapes, SQL marks, BMP letters. */
const NAMES: NameRules = {
  max: MAX_CHARS,
  measure: (user) => [...user].length,
  cut: (user, max) => Array.from(user).slice(0, max).join(''),
  marks: ["'", '"', '\\', '`', ' ', '%', '_', ';', '--', '/*', '*/', '?', '@', '\\%', "\\'"],
  letters: ['é', 'ß', 'Ж', '中文', 'ﬀ', '\u00a0', '\u200b', 'e\u0301', '€', 'Ω'],
  keywords: ['SELECT', 'user', 'ALL', 'PUBLIC', 'NONE', 'CURRENT_USER', 'localhost'],
  graphemes: bmp,
  /** Names at the limit made of one troublesome character: each must be quoted 80 times over. */
  extremes: [
    '中'.repeat(MAX_CHARS),
    `x${"'".repeat(MAX_CHARS - 1)}`,
    '\\'.repeat(MAX_CHARS),
    '`'.repeat(MAX_CHARS),
    '%'.repeat(MAX_CHARS),
    '"'.repeat(MAX_CHARS),
    `${'é'.repeat(MAX_CHARS - SUFFIX.length - 1)}\\`,
    `${' '.repeat(MAX_CHARS - 1)}x`,
  ],
  longPieces: { minLength: 25, maxLength: 70 },
  accept: (user) =>
    // Only spaces would be the anonymous account '': MariaDB's user columns drop trailing spaces ('ab ' is 'ab').
    user.trimEnd().length > 0 && !quotedLoginName(user) && user !== 'root' && user !== 'mariadb.sys',
};

/** 'ok', 'refused' (the server refused the name or password), or the reason of another failure. */
async function tryLogin(user: string, password: string): Promise<string> {
  const result = await MYSQL_DRIVER.connect(
    { host: server().host, port: server().port, username: user, password, dbname: undefined },
    false,
  );
  if (result.session === undefined) return result.authFailure ? 'refused' : result.reason;
  try {
    await result.session.query('SELECT 1');
    return 'ok';
  } finally {
    await result.session.close();
  }
}

/**
 * Drops the users, and the grant-table rows MariaDB 10.11's DROP USER leaves behind: a roles_mapping row of a name
 * with trailing spaces (stored without them), a procs_priv row of a non-ASCII name (stored double-encoded, see
 * db-snapshot.ts). Left there, the next sample's GRANT of the role to a similar name fails with a duplicate key.
 */
async function dropUsers(...users: string[]): Promise<void> {
  let orphans = 0;
  for (const user of users) {
    const [rows] = await admin.query("SELECT Host AS host FROM mysql.user WHERE User = ? AND is_role = 'N'", [user]);
    for (const { host } of rows as Array<{ host: string }>) {
      await admin.query('DROP USER ?@?', [user, host]);
    }
    const [mapping] = await admin.query('DELETE FROM mysql.roles_mapping WHERE User = ?', [user]);
    const [procs] = await admin.query(`DELETE FROM mysql.procs_priv WHERE User IN (?, ${DOUBLE_ENCODED})`, [
      user,
      user,
    ]);
    orphans += (mapping as { affectedRows: number }).affectedRows + (procs as { affectedRows: number }).affectedRows;
  }
  if (orphans > 0) await admin.query('FLUSH PRIVILEGES');
}

/**
 * The privileges of `user`, read two ways: the grant tables (test/support/mysql-privileges.ts, which cannot see
 * procs_priv rows of non-ASCII names, see db-snapshot.ts) and SHOW GRANTS on each host, with the account and the
 * password hash taken out.
 */
async function privileges(user: string): Promise<string[]> {
  const lines = await mysqlPrivileges(admin, user);
  const account = (host: string) => `${name(user)}@${name(host)}`;
  for (const host of HOSTS) {
    const [rows] = await admin.query('SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?', [user, host]);
    if ((rows as unknown[]).length === 0) continue;
    const [grants] = await admin.query('SHOW GRANTS FOR ?@?', [user, host]);
    for (const row of grants as Array<Record<string, unknown>>) {
      const text = String(Object.values(row)[0]).split(account(host)).join('<account>');
      lines.push(`show grants ${host}: ${text.replace(/ IDENTIFIED BY PASSWORD '[^']*'/, '')}`);
    }
  }
  return lines.sort();
}

/**
 * Creates `user` on both hosts with resource limits and one of every kind of privilege the sync copies: database,
 * table (with grant option), column, procedure, a role (the default role on '%'), and a different database grant on
 * 'localhost'; `withGlobal` adds a global privilege.
 */
async function createWithPrivileges(user: string, password: string, withGlobal: boolean): Promise<void> {
  for (const host of HOSTS) {
    await admin.query('CREATE USER ?@? IDENTIFIED BY ? WITH MAX_QUERIES_PER_HOUR 100 MAX_USER_CONNECTIONS 7', [
      user,
      host,
      password,
    ]);
  }
  const db = name(DB);
  await admin.query(`GRANT SELECT ON ${db}.* TO ?@?`, [user, '%']);
  await admin.query(`GRANT INSERT, UPDATE ON ${db}.t TO ?@? WITH GRANT OPTION`, [user, '%']);
  await admin.query(`GRANT SELECT (\`b\`\`x\`) ON ${db}.t TO ?@?`, [user, '%']);
  await admin.query(`GRANT EXECUTE ON PROCEDURE ${db}.p TO ?@?`, [user, '%']);
  await admin.query(`GRANT ${name(ROLE)} TO ?@?`, [user, '%']);
  await admin.query(`SET DEFAULT ROLE ${name(ROLE)} FOR ?@?`, [user, '%']);
  await admin.query(`GRANT CREATE, DROP ON ${db}.* TO ?@?`, [user, 'localhost']);
  if (withGlobal) await admin.query('GRANT PROCESS, SHOW DATABASES ON *.* TO ?@?', [user, '%']);
}

function secretValue(user: string, password: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    engine: 'mariadb',
    host: '127.0.0.1',
    port: server().port,
    username: user,
    password,
    ssl: false,
    dbInstanceIdentifier: 'prop-db',
    ...extra,
  });
}

/** `withGlobal` in the alternating-users property: the source user also holds a global privilege. */
const harness = new PropertyHarness<boolean>({
  strategy,
  secretName: 'prop/mysql',
  functionName: 'rotation-mysql',
  master: () => ({ username: server().rootUser, password: server().rootPassword }),
  secretValue,
  names: NAMES,
  fixedPasswords: [
    PUNCTUATION,
    `'; DROP USER root@'%'; --`,
    `\\'\\"\\\\\\`,
    `\\0\\Z\\n\\%\\_ ?? ? :p1 %s`,
    `password 'with' "quotes" and \`ticks\` `,
    `/* not a comment */ -- nor this # or this\\`,
    `${PUNCTUATION}${PUNCTUATION}${PUNCTUATION}`.slice(0, 90),
  ],
  createUser: async (user, password, withLimits) => {
    const limits = withLimits ? ' WITH MAX_USER_CONNECTIONS 11' : '';
    await admin.query(`CREATE USER ?@? IDENTIFIED BY ?${limits}`, [user, '%', password]);
  },
  tryLogin,
  refused: 'refused',
  /** Quoted as a string literal with quotes and backslashes backslash-escaped, as in the default sql_mode. */
  literalForms: (password) => [password.replace(/[\\']/g, (char) => `\\${char}`), admin.escape(password).slice(1, -1)],
  snapshot: (options) => mysqlSnapshot(admin, options),
  dropUsers,
  alternating: {
    setups: fc.boolean(),
    createWithPrivileges,
    privileges,
    expectClonePrivileges: async (_user, clone, source) => {
      expect(await privileges(clone)).toEqual(source);
    },
  },
});

harness.describeProperties(
  'MariaDB',
  'alternating users: the clone gets the new password and the same privileges on every host, nothing else ' +
    'changes; a second rotation sets the first user again',
  () => {
    it('fails setSecret cleanly for a user named in single quotes, which the server never lets log in', async () => {
      const user = "'quoted app'";
      const initial = `Initial-${PUNCTUATION}`;
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', initial]);
      try {
        const versions = harness.versions(secretValue(user, initial), { kind: 'fixed', value: `New-${PUNCTUATION}` });
        const before = await mysqlSnapshot(admin);
        versions.pending = await strategy.createCredential(versions.context('createSecret'));
        const error = await strategy.applyCredential(versions.context('setSecret')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApplyFailedError);
        expect((error as Error).message).toMatch(/cannot log into MySQL .* as 'quoted app' .*Access denied/);
        harness.expectNoPassword([String(error), (error as Error).stack ?? ''], [initial, `New-${PUNCTUATION}`]);
        expect(snapshotDiff(before, await mysqlSnapshot(admin))).toEqual({ added: [], removed: [] });
      } finally {
        await dropUsers(user);
      }
    });
  },
);
