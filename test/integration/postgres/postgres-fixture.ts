import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { bundlePath } from '../../../lambdas/registry';
import type { PostgresServer } from '../../support';
import { postgresUnderTest } from '../database/db-fixture';

export const ROOT = resolve(__dirname, '../../..');
export const POSTGRES_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotation-postgres';

/** Builds the postgres bundle when a test runs without `npm run bundle` first. */
export function ensurePostgresBundle(): void {
  if (!existsSync(resolve(ROOT, bundlePath('postgres')))) {
    execFileSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-lambdas.ts', 'postgres'], { cwd: ROOT });
  }
}

/** Creates a login role with a password, as the server's superuser. */
export async function createRole(server: PostgresServer, name: string, password: string): Promise<void> {
  const admin = new Client({ host: server.host, port: server.port, user: server.user, password: server.password });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(name)} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
  } finally {
    await admin.end();
  }
}

/** The SQLSTATE of a plaintext login as `user`, or 'ok' when it logs in (and `SELECT 1` works). */
export function tryLogin(server: PostgresServer, user: string, password: string): Promise<string> {
  return postgresUnderTest(() => server).tryLogin(user, password);
}
