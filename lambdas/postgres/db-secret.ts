import { SecretFormatError } from '../core/errors';

/** Engines this strategy rotates, as RDS writes them into its secrets. */
export const POSTGRES_ENGINES = ['postgres', 'aurora-postgresql'] as const;
export const DEFAULT_PORT = 5432;
export const DEFAULT_DATABASE = 'postgres';

/**
 * An RDS PostgreSQL secret in the format AWS documents (`engine`, `host`, `port`, `username`, `password`,
 * `dbname`, `ssl`). Other fields of the JSON object are kept as they are.
 */
export interface PostgresSecret {
  readonly engine: (typeof POSTGRES_ENGINES)[number];
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
  /** False only when the secret says `"ssl": false` (or `"false"`): then the connection is plaintext. */
  readonly ssl: boolean;
  /** The whole parsed object, so that a new value keeps every other field. */
  readonly fields: Readonly<Record<string, unknown>>;
}

function describe(value: unknown): string {
  if (value === undefined) return 'no such field';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Parses and validates a SecretString. Errors name the secret, the version and the field, and say what was
 * expected; they never echo a value (a password may sit in any field of a malformed secret).
 */
export function parsePostgresSecret(secretString: string, secretName: string, stage: string): PostgresSecret {
  const where = `secret ${secretName} (${stage})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SecretFormatError(`${where} must be a JSON object with engine, host, username and password`);
  }
  const fields = parsed as Record<string, unknown>;
  const bad = (field: string, expected: string) =>
    new SecretFormatError(`${where} field "${field}" must be ${expected}, got ${describe(fields[field])}`);
  const engine = fields.engine;
  if (typeof engine !== 'string' || !(POSTGRES_ENGINES as readonly string[]).includes(engine)) {
    const got = typeof engine === 'string' ? `"${engine.slice(0, 40)}"` : describe(engine);
    throw new SecretFormatError(`${where} field "engine" must be one of ${POSTGRES_ENGINES.join(', ')}, got ${got}`);
  }
  for (const field of ['host', 'username', 'password']) {
    const value = fields[field];
    if (typeof value !== 'string' || value.length === 0) throw bad(field, 'a non-empty string');
  }
  if ((fields.username as string).length > 63) throw bad('username', 'at most 63 characters (PostgreSQL NAMEDATALEN)');
  return {
    engine: engine as PostgresSecret['engine'],
    host: fields.host as string,
    port: parsePort(fields.port, bad),
    username: fields.username as string,
    password: fields.password as string,
    dbname: parseDbname(fields.dbname, bad),
    ssl: parseSsl(fields.ssl, bad),
    fields,
  };
}

type Bad = (field: string, expected: string) => SecretFormatError;

function parsePort(value: unknown, bad: Bad): number {
  if (value === undefined) return DEFAULT_PORT;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw bad('port', 'an integer 1-65535 (number or string)');
  return port;
}

function parseDbname(value: unknown, bad: Bad): string {
  if (value === undefined) return DEFAULT_DATABASE;
  if (typeof value !== 'string' || value.length === 0) throw bad('dbname', 'a non-empty string');
  return value;
}

function parseSsl(value: unknown, bad: Bad): boolean {
  if (value === undefined || value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw bad('ssl', 'true or false (boolean or string)');
}

/** The SecretString of a new pending version: the current fields with a new password. */
export function withPassword(current: PostgresSecret, password: string): string {
  return JSON.stringify({ ...current.fields, password });
}
