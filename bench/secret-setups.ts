/**
 * How to create a rotatable secret of each credential type in the emulator. A registered type without an
 * entry here is listed in every figure as "not yet available" until its setup is added: the benchmarks pick
 * up types from lambdas/registry.ts, and only the secret (and what it points at) is type-specific.
 */
import { randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { Client } from 'pg';
import { CREDENTIAL_TYPES } from '../lambdas/registry';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../local/databases/embedded-postgres';
import type { BenchEmulator } from './emulator-harness';

/** Prepares whatever the secret points at and returns the initial SecretString of secret number `index`. */
export type SecretSetup = (bench: BenchEmulator, index: number) => Promise<string>;

/** One embedded PostgreSQL for the whole benchmark run, started by the first PostgreSQL secret. */
let postgres: Promise<{ server: EmbeddedPostgres; admin: Client }> | undefined;

function benchPostgres(): Promise<{ server: EmbeddedPostgres; admin: Client }> {
  postgres ??= (async () => {
    const server = await startEmbeddedPostgres({ tempPrefix: 'pg-bench-' });
    const admin = new Client({ host: server.host, port: server.port, user: server.user, password: server.password });
    try {
      await admin.connect();
    } catch (error) {
      await server.stop();
      throw error;
    }
    admin.on('error', () => undefined); // a server stopped under it is reported by the next query
    return { server, admin };
  })();
  return postgres;
}

/** Stops what the setups started (the PostgreSQL server and its data directory); safe to call more than once. */
export async function closeSecretSetups(): Promise<void> {
  const started = postgres;
  postgres = undefined;
  const running = await started?.catch(() => undefined);
  if (running === undefined) return;
  await running.admin.end().catch(() => undefined);
  await running.server.stop();
}

const SETUPS: Readonly<Record<string, SecretSetup>> = {
  'random-secret': async () => randomBytes(24).toString('hex'),
  'iam-access-key': async (bench, index) => {
    const iam = new IAMClient({
      endpoint: bench.emulator.url,
      region: bench.emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      // Each benchmark emulator is fresh, but a run creates several secrets: one user per secret.
      const userName = `bench-user-${index}-${randomBytes(4).toString('hex')}`;
      await iam.send(new CreateUserCommand({ UserName: userName }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      return JSON.stringify({
        UserName: userName,
        AccessKeyId: key.AccessKey?.AccessKeyId,
        SecretAccessKey: key.AccessKey?.SecretAccessKey,
      });
    } finally {
      iam.destroy();
    }
  },
  postgres: async (_bench, index) => {
    const { server, admin } = await benchPostgres();
    // One server serves every benchmark of the run, so a role per secret, unique across the run.
    const role = `bench_${index}_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(24).toString('base64url');
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(role)} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
    // AWS's RDS secret format; plaintext on loopback (the function warns), as in the demo.
    return JSON.stringify({
      engine: 'postgres',
      host: server.host,
      port: server.port,
      username: role,
      password,
      dbname: 'postgres',
      ssl: false,
    });
  },
};

/** Registered types, each with its setup when the benchmarks know how to create its secrets. */
export function benchTypes(): { readonly name: string; readonly setup?: SecretSetup }[] {
  return CREDENTIAL_TYPES.map((type) => ({ name: type.name, setup: SETUPS[type.name] }));
}
