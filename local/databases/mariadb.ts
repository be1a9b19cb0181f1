/**
 * A throwaway MariaDB server from Debian's binaries (`mariadb-install-db` + `mariadbd`), for the benchmarks and
 * the tests (test/support/mariadb.ts wraps this). Each server gets its own data directory under /tmp and a free
 * port on 127.0.0.1; `stop()` stops it and deletes the directory. No system service is used or needed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chown, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './free-port';
import { type OsUser, serverAccount } from './os-user';
import { removeDataRoot, startOnFreePort, startServerProcess, trackDataRoot } from './server-process';
import { type ServerTls, writeTlsFiles } from './tls-files';

const run = promisify(execFile);

/** The apt line that provides the binaries (also in .ci/run). */
export const MARIADB_APT_INSTALL = 'apt-get install -y mariadb-server';

/** Where the binaries are looked for after PATH (Debian puts mariadbd in /usr/sbin, often not on a user's PATH). */
export const MARIADB_SEARCH_PATH: readonly string[] = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Options of `startLocalMariaDb`. */
export interface LocalMariaDbOptions {
  /** Password of `root` (usable over TCP from 127.0.0.1). @default a random one */
  readonly rootPassword?: string;
  /** Database to create and put in `url`. @default 'mysql' */
  readonly database?: string;
  /** Serve TLS with this key and certificate. @default - no TLS */
  readonly tls?: ServerTls;
  /** Refuse connections without TLS (`require_secure_transport`). Needs `tls`. @default false */
  readonly requireTls?: boolean;
  /** Log every connection (`general_log` to the server's stderr), readable through `log()`. @default false */
  readonly logConnections?: boolean;
  /** Start of the data directory's name under /tmp (a random suffix follows). @default 'mariadb-local-' */
  readonly tempPrefix?: string;
}

/** A running throwaway MariaDB server on 127.0.0.1. */
export interface LocalMariaDb {
  readonly host: string;
  readonly port: number;
  readonly rootUser: string;
  readonly rootPassword: string;
  readonly database: string;
  /** `mysql://root:password@127.0.0.1:port/database` (credentials URL-encoded). */
  readonly url: string;
  /** The directory holding the data directory; deleted by `stop()`. */
  readonly root: string;
  /** The server's output so far (the error log; the general log lives in `generalLogPath`). */
  log(): string;
  /** File the general query log (connections) goes to when `logConnections`. */
  readonly generalLogPath: string;
  /** Stops the server and deletes its data directory (idempotent). */
  stop(): Promise<void>;
}

/** Paths of the two MariaDB binaries a throwaway server needs. */
export interface MariaDbBinaries {
  readonly installDb: string;
  readonly server: string;
}

function findBinary(name: string, searchPath: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...searchPath];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** `mariadb-install-db` and `mariadbd` from PATH or `searchPath`, or undefined when either is missing. */
export function findMariaDbBinaries(searchPath: readonly string[] = MARIADB_SEARCH_PATH): MariaDbBinaries | undefined {
  const installDb = findBinary('mariadb-install-db', searchPath);
  const server = findBinary('mariadbd', searchPath);
  return installDb === undefined || server === undefined ? undefined : { installDb, server };
}

/** Common server flags: no config files from /etc, nothing outside the temp dir, small and unsynced storage. */
function serverFlags(root: string, owner: OsUser | undefined): string[] {
  return [
    '--no-defaults',
    `--datadir=${join(root, 'data')}`,
    `--socket=${join(root, 'mysqld.sock')}`,
    `--pid-file=${join(root, 'mysqld.pid')}`,
    // mariadbd started as root switches to this account itself (numeric ids are not accepted).
    `--user=${owner === undefined ? (process.env.USER ?? 'root') : owner.name}`,
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
    '--innodb-flush-log-at-trx-commit=0',
    '--skip-log-bin',
    // Each server its own temporary directory: servers starting at once in a shared /tmp collide in install-db.
    `--tmpdir=${root}`,
  ];
}

/**
 * Starts a fresh MariaDB server from Debian's binaries (`mariadb-install-db` + `mariadbd`) on a free port
 * of 127.0.0.1, with a `root` account whose password works over TCP. Each call has its own data directory
 * under /tmp. Takes about 0.8 s (2.3 s on a cold page cache); `stop()` ~40 ms. Throws, naming the apt package,
 * when the binaries are missing.
 *
 * @example
 * const db = await startLocalMariaDb({ tempPrefix: 'mariadb-bench-' });
 * try {
 *   // ... createConnection({ host: db.host, port: db.port, user: db.rootUser, password: db.rootPassword }) ...
 * } finally {
 *   await db.stop();
 * }
 */
export async function startLocalMariaDb(options: LocalMariaDbOptions = {}): Promise<LocalMariaDb> {
  const binaries = findMariaDbBinaries();
  if (binaries === undefined) {
    throw new Error(
      `MariaDB not installed: mariadb-install-db and mariadbd were not found on PATH or in ${MARIADB_SEARCH_PATH.join(', ')}; ` +
        `install them with: apt-get update && ${MARIADB_APT_INSTALL}`,
    );
  }
  if (options.requireTls === true && options.tls === undefined) {
    throw new Error('local MariaDB: requireTls needs tls (a key and a certificate)');
  }
  const rootPassword = options.rootPassword ?? randomBytes(18).toString('base64url');
  const database = options.database ?? 'mysql';
  const owner = serverAccount('mysql');
  const root = await mkdtemp(join('/tmp', options.tempPrefix ?? 'mariadb-local-'));
  trackDataRoot(root);
  const generalLogPath = join(root, 'general.log');
  let running: { stop(): Promise<void> } | undefined;
  try {
    if (owner !== undefined) await chown(root, owner.uid, owner.gid);
    const flags = serverFlags(root, owner);
    await run(binaries.installDb, [...flags, '--auth-root-authentication-method=normal', '--skip-test-db']).catch(
      (error: { stderr?: string; message: string }) => {
        throw new Error(`mariadb-install-db failed in ${root}: ${error.stderr ?? error.message}`);
      },
    );
    const extra: string[] = [];
    if (options.tls !== undefined) {
      const keyPath = join(root, 'server-key.pem');
      const certPath = join(root, 'server-cert.pem');
      await writeTlsFiles(options.tls, keyPath, certPath, owner);
      extra.push(`--ssl-key=${keyPath}`, `--ssl-cert=${certPath}`);
      if (options.requireTls === true) extra.push('--require-secure-transport=ON');
    }
    if (options.logConnections === true) extra.push('--general-log=1', `--general-log-file=${generalLogPath}`);
    const { port, server } = await startOnFreePort(async (port) => {
      const server = await startServerProcess({
        command: binaries.server,
        args: [...flags, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', ...extra],
        ready: /ready for connections/,
        portInUse: /Can't start server: Bind on TCP\/IP port|Address already in use/,
        stopSignal: 'SIGTERM',
        dataRoot: root,
      });
      return { port, server };
    }, freePort);
    running = server;
    // install-db leaves root without a password; give root@localhost and root@127.0.0.1 (TCP clients are
    // matched by IP under skip-name-resolve) the password, through the socket that needs none yet.
    const admin = await createConnection({ socketPath: join(root, 'mysqld.sock'), user: 'root' });
    try {
      await admin.query('CREATE USER IF NOT EXISTS ?@?', ['root', '127.0.0.1']);
      await admin.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', ['root', '127.0.0.1']);
      for (const host of ['127.0.0.1', 'localhost']) {
        await admin.query('ALTER USER ?@? IDENTIFIED BY ?', ['root', host, rootPassword]);
      }
      if (database !== 'mysql') await admin.query(`CREATE DATABASE ${admin.escapeId(database)}`);
    } finally {
      await admin.end();
    }
    const host = '127.0.0.1';
    const url = `mysql://root:${encodeURIComponent(rootPassword)}@${host}:${port}/${encodeURIComponent(database)}`;
    let stopped: Promise<void> | undefined;
    return {
      host,
      port,
      rootUser: 'root',
      rootPassword,
      database,
      url,
      root,
      generalLogPath,
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
