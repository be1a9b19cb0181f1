import {
  findMariaDbBinaries,
  MARIADB_APT_INSTALL,
  MARIADB_SEARCH_PATH,
  startLocalMariaDb,
} from '../../local/databases/mariadb';
import type { ServerTls } from './tls-files';

/** The apt line that provides the binaries (also in .ci/run). */
export { MARIADB_APT_INSTALL };

/** Options of `startMariaDb`. */
export interface MariaDbOptions {
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
}

/** A running throwaway MariaDB server on 127.0.0.1. */
export interface MariaDbServer {
  readonly host: string;
  readonly port: number;
  readonly rootUser: string;
  readonly rootPassword: string;
  readonly database: string;
  /** `mysql://root:password@127.0.0.1:port/database` (credentials URL-encoded). */
  readonly url: string;
  /** The server's output so far (the error log; the general log lives in `generalLogPath`). */
  log(): string;
  /** File the general query log (connections) goes to when `logConnections`. */
  readonly generalLogPath: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

function randomPassword(): string {
  return `pw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/**
 * Starts a fresh MariaDB server from Debian's binaries (`mariadb-install-db` + `mariadbd`, through
 * local/databases/mariadb.ts) on a free port of 127.0.0.1, with a `root` account whose password works over TCP.
 * Each call has its own data directory under /tmp (`mariadb-fixture-*`). Takes about 0.8 s (2.3 s on a cold page
 * cache); `stop()` ~40 ms. Throws, naming the apt package, when the binaries are missing. No system service is
 * used or needed.
 */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  if (findMariaDbBinaries() === undefined) {
    throw new Error(
      `startMariaDb needs the MariaDB server binaries (mariadb-install-db, mariadbd), not found on PATH or in ${MARIADB_SEARCH_PATH.join(', ')}; ` +
        `install them with: apt-get update && ${MARIADB_APT_INSTALL}`,
    );
  }
  if (options.requireTls === true && options.tls === undefined) {
    throw new Error('startMariaDb: requireTls needs tls (a key and a certificate)');
  }
  const server = await startLocalMariaDb({
    ...options,
    rootPassword: options.rootPassword ?? randomPassword(),
    tempPrefix: 'mariadb-fixture-',
  });
  const { host, port, rootUser, rootPassword, database, url, generalLogPath } = server;
  return {
    host,
    port,
    rootUser,
    rootPassword,
    database,
    url,
    generalLogPath,
    log: () => server.log(),
    stop: () => server.stop(),
  };
}
