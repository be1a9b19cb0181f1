import type { SqlSession } from '../database/types';

/** What the dialect needs to know about a session before it writes SQL. */
export interface MysqlSessionInfo {
  /** NO_BACKSLASH_ESCAPES: a backslash in a string literal is an ordinary character. */
  readonly noBackslashEscapes: boolean;
  /** ANSI_QUOTES: "x" is a name, not a string (SHOW GRANTS then quotes names with "). */
  readonly ansiQuotes: boolean;
  /** MariaDB (roles in mysql.user, SET PASSWORD = PASSWORD(...)), else MySQL / Aurora MySQL. */
  readonly mariadb: boolean;
}

/**
 * Reads the session's sql_mode and the server's flavour. The direct driver already removes NO_BACKSLASH_ESCAPES and
 * ANSI_QUOTES; reading them here keeps the quoting right over any transport (the Data API sets no session state).
 */
export async function sessionInfo(session: SqlSession): Promise<MysqlSessionInfo> {
  const [row] = await session.query('SELECT @@SESSION.sql_mode AS mode, VERSION() AS version');
  const modes = String(row?.mode ?? '').split(',');
  return {
    noBackslashEscapes: modes.includes('NO_BACKSLASH_ESCAPES'),
    ansiQuotes: modes.includes('ANSI_QUOTES'),
    mariadb: /mariadb/i.test(String(row?.version ?? '')),
  };
}

/** A name (database, table, column, routine) in backticks, backticks doubled: right in every sql_mode. */
export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

const BACKSLASH_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '\\': '\\\\',
  "'": "\\'",
};

/**
 * A string literal in single quotes (a string in every sql_mode, ANSI_QUOTES included). Without NO_BACKSLASH_ESCAPES
 * backslashes and quotes are escaped with a backslash; with it, a backslash is literal and only quotes are doubled.
 */
export function quoteString(value: string, info: Pick<MysqlSessionInfo, 'noBackslashEscapes'>): string {
  if (info.noBackslashEscapes) return `'${value.replace(/'/g, "''")}'`;
  let out = '';
  for (const char of value) out += BACKSLASH_ESCAPES[char] ?? char;
  return `'${out}'`;
}

/** `'user'@'host'`, both as string literals. */
export function quoteAccount(user: string, host: string, info: Pick<MysqlSessionInfo, 'noBackslashEscapes'>): string {
  return `${quoteString(user, info)}@${quoteString(host, info)}`;
}
