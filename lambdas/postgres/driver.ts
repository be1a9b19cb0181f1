import { Client, type ClientConfig } from 'pg';
import { redactText } from '../core/redaction';
import { CONNECT_TIMEOUT_MS } from '../database/direct';
import { secureContextFor } from '../database/tls';
import type {
  DirectDriver,
  DirectTarget,
  LoginResult,
  SqlRow,
  SqlSession,
  SqlValue,
  TlsTrust,
} from '../database/types';

/** SQLSTATEs of a refused login: invalid_password, invalid_authorization_specification. */
const AUTH_FAILURES = new Set(['28P01', '28000']);

/**
 * pg client settings. With TLS: certificate and host name verified (verify-full) against `tls.ca`. Without: plaintext.
 * There is never a fallback from one to the other: a server without TLS fails a TLS login.
 */
export function clientConfig(target: DirectTarget, tls: TlsTrust | false): ClientConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    database: target.dbname,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ssl: tls === false ? false : { rejectUnauthorized: true, secureContext: secureContextFor(tls) },
  };
}

/** A pg or TLS error as one line, with its SQLSTATE or Node code, redacted. */
export function describePgError(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  const code = (error as { code?: string }).code;
  return redactText(code === undefined ? error.message : `${error.message} (${code})`);
}

class PgSession implements SqlSession {
  constructor(
    private readonly client: Client,
    readonly username: string,
  ) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<readonly SqlRow[]> {
    const result = await this.client.query(sql, params as SqlValue[]);
    return result.rows as SqlRow[];
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await work(this);
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Direct connections with the `pg` driver. */
export const POSTGRES_DRIVER: DirectDriver = {
  async connect(target: DirectTarget, tls: TlsTrust | false): Promise<LoginResult> {
    const client = new Client(clientConfig(target, tls));
    client.on('error', () => undefined); // a dropped idle connection must not crash the function
    try {
      await client.connect();
      return { session: new PgSession(client, target.username) };
    } catch (error) {
      await client.end().catch(() => undefined);
      const code = (error as { code?: string }).code;
      return { reason: describePgError(error), authFailure: code !== undefined && AUTH_FAILURES.has(code) };
    }
  },
};
