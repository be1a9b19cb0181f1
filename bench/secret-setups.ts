/**
 * How to create a rotatable secret of each credential type in the emulator. A registered type without an
 * entry here is listed in every figure as "not yet available" until its setup is added: the benchmarks pick
 * up types from lambdas/registry.ts, and only the secret (and what it points at) is type-specific.
 */
import { randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { type Connection, createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { CREDENTIAL_TYPES } from '../lambdas/registry';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../local/databases/embedded-postgres';
import {
  findMariaDbBinaries,
  type LocalMariaDb,
  MARIADB_APT_INSTALL,
  type MariaDbBinaries,
  startLocalMariaDb,
} from '../local/databases/mariadb';
import type { BenchEmulator } from './emulator-harness';

/** Prepares whatever the secret points at and returns the initial SecretString of secret number `index`. */
export type SecretSetup = (bench: BenchEmulator, index: number) => Promise<string>;

/** Set by `abortSecretSetups`: no server may start any more (a rotation still running would start a new one). */
let aborted = false;

function refuseWhenAborted(): void {
  if (aborted) throw new Error('the benchmark was interrupted: no database server is started any more');
}

/** One embedded PostgreSQL for the whole benchmark run, started by the first PostgreSQL secret. */
let postgres: Promise<{ server: EmbeddedPostgres; admin: Client }> | undefined;

function benchPostgres(): Promise<{ server: EmbeddedPostgres; admin: Client }> {
  refuseWhenAborted();
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

/** Database the MariaDB users of the benchmark log into (each user may only read it). */
const MARIADB_BENCH_DATABASE = 'bench';

/** One MariaDB for the whole benchmark run, started by the first mysql secret. */
let mariaDb: Promise<{ server: LocalMariaDb; admin: Connection }> | undefined;

function benchMariaDb(): Promise<{ server: LocalMariaDb; admin: Connection }> {
  refuseWhenAborted();
  mariaDb ??= (async () => {
    const server = await startLocalMariaDb({ tempPrefix: 'mariadb-bench-', database: MARIADB_BENCH_DATABASE });
    try {
      const admin = await createConnection({
        host: server.host,
        port: server.port,
        user: server.rootUser,
        password: server.rootPassword,
      });
      admin.on('error', () => undefined); // a server stopped under it is reported by the next query
      return { server, admin };
    } catch (error) {
      await server.stop();
      throw error;
    }
  })();
  return mariaDb;
}

/**
 * Stops what the setups started (the PostgreSQL and MariaDB servers and their data directories); safe to call more
 * than once, and while a server is still starting (it is stopped once started).
 */
export async function closeSecretSetups(): Promise<void> {
  const startedPostgres = postgres;
  const startedMariaDb = mariaDb;
  postgres = undefined;
  mariaDb = undefined;
  await Promise.all([
    (async () => {
      const running = await startedPostgres?.catch(() => undefined);
      if (running === undefined) return;
      await running.admin.end().catch(() => undefined);
      await running.server.stop();
    })(),
    (async () => {
      const running = await startedMariaDb?.catch(() => undefined);
      if (running === undefined) return;
      await running.admin.end().catch(() => undefined);
      await running.server.stop();
    })(),
  ]);
}

/** For Ctrl-C: stops what the setups started and makes every later setup fail instead of starting a server. */
export function abortSecretSetups(): Promise<void> {
  aborted = true;
  return closeSecretSetups();
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
  mysql: async (_bench, index) => {
    const { server, admin } = await benchMariaDb();
    // A user per secret on 127.0.0.1 (the server skips name resolution, so TCP logins match by IP), unique
    // across the run; it may read the bench database, which its secret names as dbname.
    const user = `bench_${index}_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(24).toString('base64url');
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, server.host, password]);
    await admin.query(`GRANT SELECT ON ${admin.escapeId(MARIADB_BENCH_DATABASE)}.* TO ?@?`, [user, server.host]);
    // AWS's RDS secret format; plaintext on loopback (the function warns), as for PostgreSQL.
    return JSON.stringify({
      engine: 'mariadb',
      host: server.host,
      port: server.port,
      username: user,
      password,
      dbname: MARIADB_BENCH_DATABASE,
      ssl: false,
    });
  },
};

/** Why a type's secrets cannot be created on this machine, or undefined when they can. */
function unavailableReason(typeName: string, findMariaDb: () => MariaDbBinaries | undefined): string | undefined {
  if (typeName === 'mysql' && findMariaDb() === undefined) {
    return `MariaDB not installed: ${MARIADB_APT_INSTALL} (mariadb-install-db and mariadbd not found)`;
  }
  return undefined;
}

/** A registered type as the benchmarks see it. */
export interface BenchType {
  readonly name: string;
  /** How to create its secrets; absent when the benchmarks do not know how yet, or cannot on this machine. */
  readonly setup?: SecretSetup;
  /** Why there is no setup on this machine (a server that is not installed), for the rows that stay empty. */
  readonly unavailable?: string;
}

/**
 * Registered types, each with its setup when the benchmarks know how to create its secrets and this machine can.
 * `findMariaDb` is where the mysql setup looks for the MariaDB binaries (replaceable to show a machine without).
 */
export function benchTypes(findMariaDb: () => MariaDbBinaries | undefined = findMariaDbBinaries): BenchType[] {
  return CREDENTIAL_TYPES.map((type) => {
    const unavailable = SETUPS[type.name] === undefined ? undefined : unavailableReason(type.name, findMariaDb);
    return unavailable === undefined ? { name: type.name, setup: SETUPS[type.name] } : { name: type.name, unavailable };
  });
}
