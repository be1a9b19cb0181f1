import { type Connection, createConnection, type FieldPacket, type ResultSetHeader } from 'mysql2/promise';
import type { ClusterTarget } from './cluster-spec';
import { type Credentials, DbFailure, type DbSession, type StatementResult } from './engine';
import { mysqlColumn, mysqlField } from './mysql-fields';
import { rewritePlaceholders } from './named-parameters';
import type { ParameterValue, ResultSetOptions } from './wire-types';

const CONNECT_TIMEOUT_MS = 10_000;

/** Translates `:name` placeholders to `?` (one per occurrence) with the values in order. */
export function bindMySql(
  sql: string,
  parameters: ReadonlyMap<string, ParameterValue>,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = rewritePlaceholders(sql, 'mysql', (name) => {
    const value = parameters.get(name);
    if (value === undefined) return undefined;
    values.push(value.kind === 'null' ? null : value.value);
    return '?';
  });
  return { text, values };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** Sorts a mysql2 failure; server errors read like the service's `Database error code: N. Message: ...`. */
export function mysqlFailure(error: unknown): DbFailure {
  const e = error as { errno?: number; sqlMessage?: string; code?: string; message?: string };
  if (typeof e.errno === 'number' && typeof e.sqlMessage === 'string') {
    return new DbFailure('database', `Database error code: ${e.errno}. Message: ${e.sqlMessage}`);
  }
  const message = e.message ?? String(error);
  if ((e.code !== undefined && NETWORK_CODES.has(e.code)) || /timeout/i.test(message)) {
    return new DbFailure('unavailable', `Communications link failure: ${message}`);
  }
  return new DbFailure('database', message);
}

class MySqlSession implements DbSession {
  constructor(private readonly connection: Connection) {}

  async execute(
    sql: string,
    parameters: ReadonlyMap<string, ParameterValue>,
    options: ResultSetOptions,
  ): Promise<StatementResult> {
    const { text, values } = bindMySql(sql, parameters);
    let rows: unknown;
    let fields: FieldPacket[] | undefined;
    try {
      // Raw bytes for every value: the column metadata decides how each maps to a Field.
      [rows, fields] = await this.connection.query({
        sql: text,
        values,
        rowsAsArray: true,
        typeCast: (field, _next) => field.buffer(),
      });
    } catch (error) {
      throw mysqlFailure(error);
    }
    if (!Array.isArray(rows) || fields === undefined) {
      const header = rows as ResultSetHeader;
      const generatedFields = header.insertId > 0 ? [{ longValue: header.insertId }] : [];
      return { numberOfRecordsUpdated: header.affectedRows ?? 0, generatedFields };
    }
    const columns = fields;
    return {
      columns: columns.map(mysqlColumn),
      rows: (rows as (Buffer | null)[][]).map((row) =>
        row.map((raw, i) => mysqlField(columns[i] as FieldPacket, raw, options)),
      ),
      numberOfRecordsUpdated: 0,
    };
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

/** Opens a session on a MySQL-compatible cluster as the secret's user. */
export async function connectMySql(
  target: ClusterTarget,
  credentials: Credentials,
  database: string,
): Promise<DbSession> {
  let connection: Connection;
  try {
    connection = await createConnection({
      host: target.host,
      port: target.port,
      user: credentials.username,
      password: credentials.password,
      database: database === '' ? undefined : database,
      connectTimeout: CONNECT_TIMEOUT_MS,
      timezone: 'Z',
    });
  } catch (error) {
    throw mysqlFailure(error);
  }
  // A dropped idle connection (e.g. in a transaction) must not crash the emulator; the next query fails instead.
  connection.on('error', () => undefined);
  return new MySqlSession(connection);
}
