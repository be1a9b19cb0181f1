import { readFileSync } from 'node:fs';
import { Client, type ClientConfig } from 'pg';
import { ConfigurationError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactText } from '../core/redaction';
import type { PostgresSecret } from './db-secret';

/** Connection timeout, as AWS's sample functions use. */
export const CONNECT_TIMEOUT_MS = 5000;

/** How to reach the database: TLS trust, and where to warn. */
export interface ConnectOptions {
  /** PEM CA bundle to trust instead of Node's default trust store (from `rotation:ca-file` / DB_CA_FILE). */
  readonly ca?: string;
  readonly logger?: Logger;
}

/** Reads the CA bundle named by the `rotation:ca-file` tag or the DB_CA_FILE environment variable, if any. */
export function loadCa(path: string | undefined, secretName: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigurationError(
      `secret ${secretName}: the CA file "${path}" (tag rotation:ca-file or env DB_CA_FILE) cannot be read: ${code}`,
    );
  }
}

/**
 * pg client settings for a secret. `ssl` true: TLS with certificate and host name verification; `ssl` false:
 * plaintext. There is never a fallback from one to the other: a server without TLS fails the login.
 */
export function clientConfig(secret: PostgresSecret, options: ConnectOptions = {}): ClientConfig {
  return {
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ssl: secret.ssl ? { rejectUnauthorized: true, ...(options.ca === undefined ? {} : { ca: options.ca }) } : false,
  };
}

/** The result of a login attempt: a connected client, or why it failed (redacted, no password). */
export type LoginResult = { readonly client: Client } | { readonly client?: undefined; readonly reason: string };

/** Opens one connection with the secret's credentials. Never throws. */
export async function login(secret: PostgresSecret, options: ConnectOptions = {}): Promise<LoginResult> {
  if (!secret.ssl) {
    options.logger?.warn('connecting to PostgreSQL WITHOUT TLS because the secret says "ssl": false', {
      host: secret.host,
      port: secret.port,
    });
  }
  const client = new Client(clientConfig(secret, options));
  client.on('error', () => undefined); // a dropped idle connection must not crash the function
  try {
    await client.connect();
    return { client };
  } catch (error) {
    await client.end().catch(() => undefined);
    return { reason: describeError(error) };
  }
}

/** A pg or TLS error as one line, with its SQLSTATE or Node code, redacted. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  const code = (error as { code?: string }).code;
  return redactText(code === undefined ? error.message : `${error.message} (${code})`);
}

/** Runs `work` on a connection and always closes it. */
export async function withClient<T>(client: Client, work: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
