import { startEmbeddedPostgres } from '../../local/databases/embedded-postgres';
import { isRoot, serverAccount } from './os-user';
import type { ServerTls } from './tls-files';

/** Options of `startPostgres`. */
export interface PostgresOptions {
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
}

/** A running throwaway PostgreSQL server on 127.0.0.1. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `postgres://user:password@127.0.0.1:port/database` (credentials URL-encoded). */
  readonly url: string;
  /** The server's log so far (connection lines when `logConnections`). */
  log(): string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

function randomPassword(): string {
  return `pw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

/**
 * Starts a fresh PostgreSQL server (embedded-postgres binaries, through local/databases/embedded-postgres.ts) on
 * a free port of 127.0.0.1 with scram-sha-256 password authentication. Each call is independent: own data
 * directory under /tmp (`pg-fixture-*`), own port. Takes about 1.1 s (initdb with --no-sync is most of it);
 * `stop()` takes ~50 ms. Call `stop()` when done.
 *
 * @example
 * const pg = await startPostgres({ logConnections: true });
 * // ... new Client({ connectionString: pg.url }) ...
 * await pg.stop();
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  if (isRoot() && serverAccount('postgres') === undefined) {
    throw new Error(
      'startPostgres: running as root needs an OS account ("postgres" or "nobody") to run the server as; none found',
    );
  }
  if (options.requireTls === true && options.tls === undefined) {
    throw new Error('startPostgres: requireTls needs tls (a key and a certificate)');
  }
  const server = await startEmbeddedPostgres({
    ...options,
    password: options.password ?? randomPassword(),
    tempPrefix: 'pg-fixture-',
  });
  const { host, port, user, password, database, url } = server;
  return { host, port, user, password, database, url, log: () => server.log(), stop: () => server.stop() };
}
