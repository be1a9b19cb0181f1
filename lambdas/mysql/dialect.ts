import type { Logger } from '../core/logger';
import { redactText } from '../core/redaction';
import type { DatabaseDialect, SqlRow, SqlSession } from '../database/types';
import { atomKey, type GrantAtom, type GrantLine, parseGrantLine, revokeOrder, revokeStatement } from './grants';
import { type MysqlSessionInfo, quoteAccount, quoteString, sessionInfo } from './quote';

const CLONE_SUFFIX = '_clone';

/** Longest user name: 32 characters on MySQL 5.7.8+ / 8.x and Aurora MySQL, 80 on MariaDB 10.x. */
export function maxUsernameLength(engine: string): number {
  return engine === 'mariadb' ? 80 : 32;
}

/** A server error as one line without the statement (which may hold a password): code and number only. */
class MysqlStatementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MysqlStatementError';
  }
}

/** The error of a statement that carried a password: its code, and the server's message unless it quotes SQL. */
function passwordStatementError(what: string, error: unknown): MysqlStatementError {
  const { code, errno, message } = error as { code?: string; errno?: number; message?: string };
  // ER_PARSE_ERROR (1064) quotes the statement "near '...'": that may be the password, so it is left out.
  const detail = errno === 1064 || message === undefined ? 'syntax error' : redactText(message);
  return new MysqlStatementError(`${what} failed: ${detail} (${code ?? 'no code'}${errno ? ` ${errno}` : ''})`);
}

async function hostsOf(session: SqlSession, user: string, info: MysqlSessionInfo): Promise<string[]> {
  // MariaDB keeps roles in mysql.user too (is_role = 'Y', empty host): they are not accounts to log in with.
  // Quoted, not bound: mysql2 escapes bound values with backslashes whatever the session's sql_mode.
  const rows = await session.query(
    `SELECT CAST(Host AS CHAR) AS host FROM mysql.user WHERE User = ${quoteString(user, info)}` +
      `${info.mariadb ? " AND is_role = 'N'" : ''} ORDER BY Host`,
  );
  return rows.map((row) => String(row.host));
}

/** REQUIRE and WITH clauses that give an account the same TLS requirements and resource limits as `row`. */
function accountOptions(row: SqlRow, info: MysqlSessionInfo): string {
  const text = (column: string): string => (row[column] === null ? '' : String(row[column]));
  let require = 'NONE';
  if (text('ssl_type') === 'ANY') require = 'SSL';
  else if (text('ssl_type') === 'X509') require = 'X509';
  else if (text('ssl_type') === 'SPECIFIED') {
    const parts = [
      ['ISSUER', text('x509_issuer')],
      ['SUBJECT', text('x509_subject')],
      ['CIPHER', text('ssl_cipher')],
    ]
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name} ${quoteString(value, info)}`);
    require = parts.length === 0 ? 'SSL' : parts.join(' AND ');
  }
  const limit = (column: string): string => {
    const value = text(column);
    if (!/^\d+(\.\d+)?$/.test(value)) throw new MysqlStatementError(`unexpected ${column} "${value}" in mysql.user`);
    return value;
  };
  const limits = [
    `MAX_QUERIES_PER_HOUR ${limit('max_questions')}`,
    `MAX_UPDATES_PER_HOUR ${limit('max_updates')}`,
    `MAX_CONNECTIONS_PER_HOUR ${limit('max_connections')}`,
    `MAX_USER_CONNECTIONS ${limit('max_user_connections')}`,
  ];
  if (info.mariadb) limits.push(`MAX_STATEMENT_TIME ${limit('max_statement_time')}`);
  return `REQUIRE ${require} WITH ${limits.join(' ')}`;
}

async function accountRow(session: SqlSession, user: string, host: string, info: MysqlSessionInfo): Promise<SqlRow> {
  const columns = [
    'CAST(ssl_type AS CHAR) AS ssl_type',
    'CONVERT(ssl_cipher USING utf8mb4) AS ssl_cipher',
    'CONVERT(x509_issuer USING utf8mb4) AS x509_issuer',
    'CONVERT(x509_subject USING utf8mb4) AS x509_subject',
    'CAST(max_questions AS CHAR) AS max_questions',
    'CAST(max_updates AS CHAR) AS max_updates',
    'CAST(max_connections AS CHAR) AS max_connections',
    'CAST(max_user_connections AS CHAR) AS max_user_connections',
    ...(info.mariadb ? ['CAST(max_statement_time AS CHAR) AS max_statement_time'] : []),
  ];
  const [row] = await session.query(
    `SELECT ${columns.join(', ')} FROM mysql.user WHERE User = ${quoteString(user, info)} AND Host = ${quoteString(host, info)}`,
  );
  if (row === undefined) throw new MysqlStatementError(`user ${user}@${host} is not in mysql.user`);
  return row;
}

async function showGrants(
  session: SqlSession,
  user: string,
  host: string,
  info: MysqlSessionInfo,
): Promise<GrantLine[]> {
  const rows = await session.query(`SHOW GRANTS FOR ${quoteAccount(user, host, info)}`);
  return rows.map((row) => {
    const text = String(Object.values(row)[0]);
    try {
      return parseGrantLine(text, info);
    } catch (error) {
      throw new MysqlStatementError(
        `cannot read a SHOW GRANTS line of ${user}@${host} (${(error as Error).message}); it starts with ` +
          `"${text.split(' ').slice(0, 3).join(' ')}"`,
      );
    }
  });
}

async function run(session: SqlSession, sql: string, what: string): Promise<void> {
  try {
    await session.query(sql);
  } catch (error) {
    const { code, errno, message } = error as { code?: string; errno?: number; message?: string };
    throw new MysqlStatementError(
      `${what}: ${sql} failed: ${redactText(message ?? String(error))} (${code ?? 'no code'}${errno ? ` ${errno}` : ''})`,
    );
  }
}

/** Makes the grants of target@host those of source@host. */
async function syncHost(
  admin: SqlSession,
  source: string,
  target: string,
  host: string,
  info: MysqlSessionInfo,
): Promise<{ granted: number; revoked: number }> {
  const wanted = await showGrants(admin, source, host, info);
  const held = await showGrants(admin, target, host, info);
  const wantedKeys = new Set(wanted.flatMap((line) => line.atoms.map(atomKey)));
  const heldKeys = new Set(held.flatMap((line) => line.atoms.map(atomKey)));
  const account = quoteAccount(target, host, info);
  const what = `copying the privileges of ${source}@${host} to ${target}@${host}`;
  // Revoke first: a broader grant of the target (ALL) revoked after a narrower re-grant would take that one too.
  const extra = new Map<string, GrantAtom>();
  for (const atom of held.flatMap((line) => line.atoms)) {
    if (!wantedKeys.has(atomKey(atom))) extra.set(atomKey(atom), atom);
  }
  const revokes = [...extra.values()].sort((a, b) => revokeOrder(a) - revokeOrder(b));
  const statements = new Set<string>();
  for (const atom of revokes) {
    const sql = revokeStatement(atom, account);
    if (statements.has(sql)) continue; // one SET DEFAULT ROLE NONE is enough
    statements.add(sql);
    await run(admin, sql, what);
  }
  // Then re-issue every source line the target lacks a part of. Re-granting what it holds is harmless.
  let granted = 0;
  for (const line of wanted) {
    if (line.atoms.every((atom) => heldKeys.has(atomKey(atom)))) continue;
    await run(admin, line.replay(account), what);
    granted += 1;
  }
  return { granted, revoked: statements.size };
}

/**
 * MySQL 5.7+/8.x, Aurora MySQL and MariaDB 10.2+. Accounts are `'user'@'host'`: the alternating-users methods work on
 * every host the current user exists on, never on an assumed '%'. Names are quoted with backticks and strings with
 * single quotes, escaped for the session's sql_mode (see quote.ts).
 */
export const MYSQL_DIALECT: DatabaseDialect = {
  cloneUsername(username: string, engine: string): string {
    if (username.endsWith(CLONE_SUFFIX) && username.length > CLONE_SUFFIX.length) {
      return username.slice(0, -CLONE_SUFFIX.length);
    }
    // Characters, not UTF-16 units: both servers count characters.
    const room = maxUsernameLength(engine) - CLONE_SUFFIX.length;
    return [...username].slice(0, room).join('') + CLONE_SUFFIX;
  },

  async setOwnPassword(session: SqlSession, password: string): Promise<void> {
    const info = await sessionInfo(session);
    // MariaDB: SET PASSWORD = '<x>' takes a hash, and ALTER USER needs the CREATE USER privilege, so PASSWORD() it
    // is (MariaDB 10.4+ hashes it for the account's plugin). MySQL 5.7.6+/8.x: SET PASSWORD = '<plaintext>' (there
    // is no PASSWORD() on 8.x); neither needs a privilege for one's own account.
    const literal = quoteString(password, info);
    const sql = info.mariadb ? `SET PASSWORD = PASSWORD(${literal})` : `SET PASSWORD = ${literal}`;
    try {
      await session.query(sql);
    } catch (error) {
      throw passwordStatementError(`SET PASSWORD for ${session.username}`, error);
    }
  },

  async userExists(admin: SqlSession, user: string): Promise<boolean> {
    return (await hostsOf(admin, user, await sessionInfo(admin))).length > 0;
  },

  async upsertUser(admin: SqlSession, user: string, password: string, like: string): Promise<'created' | 'updated'> {
    const info = await sessionInfo(admin);
    const hosts = await hostsOf(admin, like, info);
    if (hosts.length === 0) {
      throw new MysqlStatementError(`user ${like} does not exist (no row in mysql.user), so ${user} cannot copy it`);
    }
    const existing = new Set(await hostsOf(admin, user, info));
    let created = false;
    for (const host of hosts) {
      const options = accountOptions(await accountRow(admin, like, host, info), info);
      const account = quoteAccount(user, host, info);
      const verb = existing.has(host) ? 'ALTER' : 'CREATE';
      try {
        await admin.query(`${verb} USER ${account} IDENTIFIED BY ${quoteString(password, info)} ${options}`);
      } catch (error) {
        throw passwordStatementError(`${verb} USER ${user}@${host}`, error);
      }
      created ||= verb === 'CREATE';
    }
    return created ? 'created' : 'updated';
  },

  async syncPrivileges(
    admin: SqlSession,
    source: string,
    target: string,
    logger: Logger,
  ): Promise<{ readonly granted: number; readonly revoked: number }> {
    const info = await sessionInfo(admin);
    const hosts = await hostsOf(admin, source, info);
    if (hosts.length === 0) throw new MysqlStatementError(`user ${source} does not exist (no row in mysql.user)`);
    const targetHosts = await hostsOf(admin, target, info);
    const missing = hosts.filter((host) => !targetHosts.includes(host));
    if (missing.length > 0) {
      throw new MysqlStatementError(`user ${target} does not exist on host(s) ${missing.join(', ')} of ${source}`);
    }
    const others = targetHosts.filter((host) => !hosts.includes(host));
    if (others.length > 0) {
      logger.warn('the other user also exists on hosts the current user does not; left unchanged', {
        user: target,
        hosts: others,
      });
    }
    let granted = 0;
    let revoked = 0;
    for (const host of hosts) {
      const result = await syncHost(admin, source, target, host, info);
      granted += result.granted;
      revoked += result.revoked;
    }
    return { granted, revoked };
  },
};
