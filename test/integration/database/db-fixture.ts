import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { bundlePath } from '../../../lambdas/registry';
import type { MariaDbServer, PostgresServer } from '../../support';

export const ROOT = resolve(__dirname, '../../..');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const functionArn = (type: 'postgres' | 'mysql'): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotation-${type}`;
export const clusterArn = (name: string): string => `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:${name}`;

/** Builds the database bundles when a test runs without `npm run bundle` first. */
export function ensureDatabaseBundles(): void {
  const missing = (['postgres', 'mysql'] as const).filter((type) => !existsSync(resolve(ROOT, bundlePath(type))));
  if (missing.length > 0) {
    execFileSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-lambdas.ts', ...missing], { cwd: ROOT });
  }
}

/** What a test needs of a real database server, the same way for PostgreSQL and MariaDB. */
export interface DatabaseUnderTest {
  readonly engine: 'postgres' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly adminUser: string;
  readonly adminPassword: string;
  /** Database the secrets name (`dbname`). */
  readonly dbname: string;
  /** Runs SQL as the server's superuser, with the driver's own placeholders ($1 / ?). */
  admin(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** 'ok' when `user` logs in with `password` and runs SELECT 1; else the error code. */
  tryLogin(user: string, password: string): Promise<string>;
}

/** `ca`: connect over TLS trusting it (for servers that refuse plaintext); otherwise plaintext on loopback. */
export interface UnderTestOptions {
  readonly ca?: () => string;
}

export function postgresUnderTest(
  server: () => PostgresServer,
  dbname = 'postgres',
  options: UnderTestOptions = {},
): DatabaseUnderTest {
  const connect = (user: string, password: string) =>
    new Client({
      host: server().host,
      port: server().port,
      user,
      password,
      database: dbname,
      ssl: options.ca === undefined ? false : { ca: options.ca(), rejectUnauthorized: true },
    });
  return {
    engine: 'postgres',
    get host() {
      return server().host;
    },
    get port() {
      return server().port;
    },
    get adminUser() {
      return server().user;
    },
    get adminPassword() {
      return server().password;
    },
    dbname,
    async admin(sql, params = []) {
      const client = connect(server().user, server().password);
      await client.connect();
      try {
        return (await client.query(sql, params as unknown[])).rows;
      } finally {
        await client.end();
      }
    },
    async tryLogin(user, password) {
      const client = connect(user, password);
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

export function mariaDbUnderTest(
  server: () => MariaDbServer,
  dbname = 'mysql',
  options: UnderTestOptions = {},
): DatabaseUnderTest {
  const connect = (user: string, password: string) =>
    createConnection({
      host: server().host,
      port: server().port,
      user,
      password,
      database: dbname,
      ...(options.ca === undefined ? {} : { ssl: { ca: options.ca(), rejectUnauthorized: true } }),
    });
  return {
    engine: 'mysql',
    get host() {
      return server().host;
    },
    get port() {
      return server().port;
    },
    get adminUser() {
      return server().rootUser;
    },
    get adminPassword() {
      return server().rootPassword;
    },
    dbname,
    async admin(sql, params = []) {
      const connection = await connect(server().rootUser, server().rootPassword);
      try {
        const [rows] = await connection.query(sql, params as unknown[]);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      } finally {
        await connection.end();
      }
    },
    async tryLogin(user, password) {
      try {
        const connection = await connect(user, password);
        try {
          await connection.query('SELECT 1');
          return 'ok';
        } finally {
          await connection.end();
        }
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    },
  };
}
