import type { Connection } from 'mysql2/promise';

/**
 * Every privilege of `user` read straight from the grant tables, independently of SHOW GRANTS and of the dialect's
 * parser: one sorted line per host and grant-table row, without the user name, so that the lists of two users with
 * the same privileges on the same hosts are equal. Covers mysql.user (global privileges, REQUIRE, resource limits,
 * default role), mysql.db, mysql.tables_priv, mysql.columns_priv, mysql.procs_priv, mysql.proxies_priv and (MariaDB)
 * mysql.roles_mapping. Grantor and timestamps are left out (they name who ran the GRANT, and when).
 */
export async function mysqlPrivileges(connection: Connection, user: string): Promise<string[]> {
  const lines: string[] = [];
  const tables: Array<[string, string]> = [
    ['user', 'User'],
    ['db', 'User'],
    ['tables_priv', 'User'],
    ['columns_priv', 'User'],
    ['procs_priv', 'User'],
    ['proxies_priv', 'User'],
    ['roles_mapping', 'User'],
  ];
  for (const [table, userColumn] of tables) {
    if (!(await tableExists(connection, table))) continue;
    // MariaDB stores procs_priv user names double-encoded and cut to 128 characters when they are not ASCII (SHOW
    // GRANTS still shows them right): match that form too, or a clone's missing EXECUTE would go unseen.
    const [rows] =
      table === 'procs_priv'
        ? await connection.query(
            `SELECT * FROM mysql.\`${table}\` WHERE \`${userColumn}\` IN (?, LEFT(CONVERT(CAST(? AS BINARY) USING latin1), 128))`,
            [user, user],
          )
        : await connection.query(`SELECT * FROM mysql.\`${table}\` WHERE \`${userColumn}\` = ?`, [user]);
    for (const row of rows as Array<Record<string, unknown>>) {
      lines.push(`${table} ${describeRow(table, row)}`);
    }
  }
  return lines.sort();
}

/** Columns that say who granted or when, or hold the password: not privileges. */
const IGNORED = new Set([
  'user',
  'grantor',
  'timestamp',
  'password',
  'authentication_string',
  'plugin',
  'password_last_changed',
  'password_expired',
  'password_lifetime',
  'account_locked',
  'password_reuse_history',
  'password_reuse_time',
  'password_require_current',
  'user_attributes',
]);

function describeRow(table: string, row: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [column, raw] of Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) {
    if (IGNORED.has(column.toLowerCase())) continue;
    // mysql.user: only the privilege, TLS, limit and role columns.
    if (table === 'user' && !/(_priv|^ssl_|^x509_|^max_|^default_role$|^is_role$|^host$)/i.test(column)) continue;
    const value = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw === null ? 'NULL' : String(raw);
    parts.push(`${column}=${JSON.stringify(value)}`);
  }
  return parts.join(' ');
}

async function tableExists(connection: Connection, table: string): Promise<boolean> {
  const [rows] = await connection.query(
    "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = 'mysql' AND table_name = ?",
    [table],
  );
  return (rows as unknown[]).length > 0;
}
