import { Client, type CustomTypesConfig, DatabaseError, type QueryArrayResult, types } from 'pg';
import type { ClusterTarget } from './cluster-spec';
import { type Credentials, DbFailure, type DbSession, type StatementResult } from './engine';
import { rewritePlaceholders } from './named-parameters';
import { isKnownArray, postgresColumn, postgresField } from './postgres-fields';
import type { ParameterValue, ResultSetOptions, TypeHint } from './wire-types';

const CONNECT_TIMEOUT_MS = 10_000;

/** Keep every value as the server's text (we map it ourselves); let pg parse only the arrays we return. */
const RAW_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number) =>
    isKnownArray(oid)
      ? types.getTypeParser(oid, 'text')
      : (text: string) => text) as CustomTypesConfig['getTypeParser'],
};

const HINT_CASTS: Readonly<Record<TypeHint, string>> = {
  JSON: 'json',
  UUID: 'uuid',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  TIME: 'time',
  DECIMAL: 'numeric',
};

/**
 * The SQL type each parameter is sent as. The Data API binds through JDBC, which types a string as varchar
 * unless `typeHint` says otherwise: that is why AWS fails `INSERT INTO t (uuid_col) VALUES (:id)` without the
 * UUID hint, and the emulator fails it the same way.
 */
function castOf(value: ParameterValue): string {
  switch (value.kind) {
    case 'null':
      return '';
    case 'boolean':
      return '::boolean';
    case 'long':
      return '::int8';
    case 'double':
      return '::float8';
    case 'blob':
      return '::bytea';
    default:
      return `::${value.typeHint === undefined ? 'varchar' : HINT_CASTS[value.typeHint]}`;
  }
}

function driverValue(value: ParameterValue): unknown {
  switch (value.kind) {
    case 'null':
      return null;
    case 'long':
    case 'double':
      return String(value.value);
    default:
      return value.value;
  }
}

/** Translates `:name` placeholders to `$n` (one number per distinct name) with the values in order. */
export function bindPostgres(
  sql: string,
  parameters: ReadonlyMap<string, ParameterValue>,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const numbers = new Map<string, number>();
  const text = rewritePlaceholders(sql, 'postgres', (name) => {
    const value = parameters.get(name);
    if (value === undefined) return undefined;
    let n = numbers.get(name);
    if (n === undefined) {
      values.push(driverValue(value));
      n = values.length;
      numbers.set(name, n);
    }
    return `$${n}${castOf(value)}`;
  });
  return { text, values };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/**
 * Sorts a pg failure. Server errors read like the service's: `ERROR: <message>; SQLState: <code>` (seen on
 * AWS also for connection-time errors such as an unknown database, so a failed login reports the same way).
 */
export function postgresFailure(error: unknown): DbFailure {
  if (error instanceof DatabaseError) {
    return new DbFailure('database', `ERROR: ${error.message}; SQLState: ${error.code ?? 'XX000'}`);
  }
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if ((code !== undefined && NETWORK_CODES.has(code)) || /timeout/i.test(message)) {
    return new DbFailure('unavailable', `Communications link failure: ${message}`);
  }
  return new DbFailure('database', `ERROR: ${message}`);
}

function updatedCount(result: QueryArrayResult): number {
  const command = result.command?.toUpperCase() ?? '';
  return ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command) ? (result.rowCount ?? 0) : 0;
}

class PostgresSession implements DbSession {
  constructor(private readonly client: Client) {}

  async execute(
    sql: string,
    parameters: ReadonlyMap<string, ParameterValue>,
    options: ResultSetOptions,
  ): Promise<StatementResult> {
    const { text, values } = bindPostgres(sql, parameters);
    let result: QueryArrayResult | QueryArrayResult[];
    try {
      result = await this.client.query({ text, values, rowMode: 'array', types: RAW_TYPES });
    } catch (error) {
      throw postgresFailure(error);
    }
    // A parameterless multi-statement string yields one result per statement; report the last, like JDBC.
    const last = Array.isArray(result) ? (result[result.length - 1] as QueryArrayResult) : result;
    const updated = updatedCount(last);
    if (last.fields.length === 0) return { numberOfRecordsUpdated: updated };
    const oids = last.fields.map((field) => field.dataTypeID);
    return {
      columns: last.fields.map(postgresColumn),
      rows: last.rows.map((row) => row.map((raw, i) => postgresField(oids[i] as number, raw, options))),
      numberOfRecordsUpdated: updated,
    };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Opens a session on a PostgreSQL cluster as the secret's user. */
export async function connectPostgres(
  target: ClusterTarget,
  credentials: Credentials,
  database: string,
): Promise<DbSession> {
  const client = new Client({
    host: target.host,
    port: target.port,
    user: credentials.username,
    password: credentials.password,
    database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Aurora clusters run in UTC unless a parameter group says otherwise.
    options: '-c TimeZone=UTC',
  });
  // A dropped idle connection (e.g. in a transaction) must not crash the emulator; the next query fails instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresFailure(error);
  }
  return new PostgresSession(client);
}
