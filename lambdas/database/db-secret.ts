import { SecretFormatError } from '../core/errors';

/** What differs between engines when reading AWS's RDS secret format. */
export interface EngineSpec {
  /** 'PostgreSQL' or 'MySQL', for messages. */
  readonly name: string;
  /** Values of the `engine` field this function rotates. */
  readonly engines: readonly string[];
  readonly defaultPort: number;
  /** Database used when the secret names none; undefined connects to none (MySQL). */
  readonly defaultDbname: string | undefined;
  /** Longest user name, in `usernameLimitUnit`. */
  readonly maxUsernameLength: number;
  /** PostgreSQL counts bytes of UTF-8 (NAMEDATALEN), MySQL and MariaDB count characters. */
  readonly usernameLimitUnit: 'bytes' | 'characters';
  /** Why that limit, for the message, e.g. 'PostgreSQL NAMEDATALEN'. */
  readonly usernameLimitReason: string;
  /**
   * MySQL and MariaDB store user names in utf8mb3: a character outside the Basic Multilingual Plane (an emoji, say)
   * becomes '?', so the rotation would change another account's password. Such names are refused.
   */
  readonly usernameBmpOnly?: boolean;
}

/**
 * An RDS / Aurora database secret in the JSON format AWS documents: `engine`, `host`, `port`, `username`,
 * `password`, `dbname`, `masterarn`, `dbClusterIdentifier`, `dbInstanceIdentifier`, `ssl`. Read tolerantly (port
 * as a number or a string, ssl as a boolean or a string), validated strictly. Every other field is kept as it is.
 */
export interface DatabaseSecret {
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string | undefined;
  /** False only when the secret says `"ssl": false` (or `"false"`): then the connection is plaintext. */
  readonly ssl: boolean;
  /** ARN of the master secret: present means alternating users. */
  readonly masterarn: string | undefined;
  /** Aurora cluster identifier (AWS's field), used to build the cluster ARN for the Data API. */
  readonly dbClusterIdentifier: string | undefined;
  /** The whole parsed object, so that a new value keeps every other field. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A master secret: AWS's full format, or RDS-managed `{username, password}` only. Fields it lacks (host, port,
 * engine, dbname, ssl) come from the user's secret, which must be on the same database.
 */
export type MasterSecret = DatabaseSecret;

function describe(value: unknown): string {
  if (value === undefined) return 'no such field';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

type Bad = (field: string, expected: string) => SecretFormatError;

function parseObject(secretString: string, where: string, expected: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SecretFormatError(`${where} must be a JSON object with ${expected}`);
  }
  return parsed as Record<string, unknown>;
}

function badField(where: string, fields: Record<string, unknown>): Bad {
  return (field, expected) =>
    new SecretFormatError(`${where} field "${field}" must be ${expected}, got ${describe(fields[field])}`);
}

/**
 * Parses and validates a SecretString. Errors name the secret, the version and the field, and say what was
 * expected; they never echo a value (a password may sit in any field of a malformed secret).
 */
export function parseDatabaseSecret(
  spec: EngineSpec,
  secretString: string,
  secretName: string,
  stage: string,
): DatabaseSecret {
  const where = `secret ${secretName} (${stage})`;
  const fields = parseObject(secretString, where, 'engine, host, username and password');
  const bad = badField(where, fields);
  const engine = fields.engine;
  if (typeof engine !== 'string' || !spec.engines.includes(engine)) {
    const got = typeof engine === 'string' ? `"${engine.slice(0, 40)}"` : describe(engine);
    throw new SecretFormatError(
      `${where} field "engine" must be one of ${spec.engines.join(', ')} for the ${spec.name} function, got ${got}`,
    );
  }
  for (const field of ['host', 'username', 'password']) requireString(fields, field, bad);
  checkUsername(spec, fields.username as string, bad);
  return {
    engine,
    host: fields.host as string,
    port: parsePort(fields.port, spec.defaultPort, bad),
    username: fields.username as string,
    password: fields.password as string,
    dbname: parseOptionalString(fields, 'dbname', bad) ?? spec.defaultDbname,
    ssl: parseSsl(fields.ssl, bad),
    masterarn: parseOptionalString(fields, 'masterarn', bad),
    dbClusterIdentifier: parseOptionalString(fields, 'dbClusterIdentifier', bad),
    fields,
  };
}

/**
 * Parses a master secret. RDS-managed master secrets hold only `username` and `password`: the other fields are
 * taken from `user` (the secret being rotated). A full master secret must name the same host as the user's.
 */
export function parseMasterSecret(
  spec: EngineSpec,
  secretString: string,
  masterArn: string,
  user: DatabaseSecret,
  userSecretName: string,
): MasterSecret {
  const where = `master secret ${masterArn} (AWSCURRENT, named by field "masterarn" of secret ${userSecretName})`;
  const fields = parseObject(secretString, where, 'username and password');
  const bad = badField(where, fields);
  requireString(fields, 'username', bad);
  requireString(fields, 'password', bad);
  const host = parseOptionalString(fields, 'host', bad);
  if (host !== undefined && host !== user.host) {
    throw new SecretFormatError(
      `${where} field "host" is ${host} but secret ${userSecretName} is on ${user.host}: the master must log into ` +
        "the same database (or leave out host to use the user secret's)",
    );
  }
  const engine = fields.engine;
  if (engine !== undefined && (typeof engine !== 'string' || !spec.engines.includes(engine))) {
    throw bad('engine', `one of ${spec.engines.join(', ')} when present`);
  }
  return {
    engine: user.engine,
    host: user.host,
    port: fields.port === undefined ? user.port : parsePort(fields.port, spec.defaultPort, bad),
    username: fields.username as string,
    password: fields.password as string,
    // The master logs into the user's database: privileges are per database in PostgreSQL.
    dbname: user.dbname,
    ssl: fields.ssl === undefined ? user.ssl : parseSsl(fields.ssl, bad),
    masterarn: undefined,
    dbClusterIdentifier: parseOptionalString(fields, 'dbClusterIdentifier', bad) ?? user.dbClusterIdentifier,
    fields,
  };
}

function requireString(fields: Record<string, unknown>, field: string, bad: Bad): void {
  const value = fields[field];
  if (typeof value !== 'string' || value.length === 0) throw bad(field, 'a non-empty string');
}

function checkUsername(spec: EngineSpec, username: string, bad: Bad): void {
  const length = spec.usernameLimitUnit === 'bytes' ? Buffer.byteLength(username, 'utf8') : [...username].length;
  if (length > spec.maxUsernameLength) {
    throw bad('username', `at most ${spec.maxUsernameLength} ${spec.usernameLimitUnit} (${spec.usernameLimitReason})`);
  }
  if (username.includes('\0')) throw bad('username', 'free of NUL characters');
  if (spec.usernameBmpOnly === true && [...username].some((c) => (c.codePointAt(0) ?? 0) > 0xffff)) {
    throw bad('username', `free of characters beyond U+FFFF such as emoji (${spec.name} stores user names in utf8mb3)`);
  }
}

function parseOptionalString(fields: Record<string, unknown>, field: string, bad: Bad): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw bad(field, 'a non-empty string when present');
  return value;
}

function parsePort(value: unknown, fallback: number, bad: Bad): number {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw bad('port', 'an integer 1-65535 (number or string)');
  return port;
}

function parseSsl(value: unknown, bad: Bad): boolean {
  if (value === undefined || value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw bad('ssl', 'true or false (boolean or string)');
}

/** The SecretString of a new pending version: the current fields with a new user name and password. */
export function withCredentials(current: DatabaseSecret, username: string, password: string): string {
  return JSON.stringify({ ...current.fields, username, password });
}
