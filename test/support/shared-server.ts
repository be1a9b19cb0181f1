import { type MariaDbOptions, type MariaDbServer, startMariaDb } from './mariadb';
import { type PostgresOptions, type PostgresServer, startPostgres } from './postgres';

/** Generous: two servers starting at once on a loaded 2-core CI machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * Registers jest `beforeAll`/`afterAll` hooks that start one server for the whole test file and stop it at
 * the end. Returns a getter, valid inside tests and later hooks.
 */
function shared<T extends { stop(): Promise<void> }>(what: string, start: () => Promise<T>): () => T {
  let server: T | undefined;
  beforeAll(async () => {
    server = await start();
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error(`the shared ${what} server is not running (use it inside tests)`);
    return server;
  };
}

/**
 * One PostgreSQL server per test file.
 *
 * @example
 * const pg = sharedPostgres();
 * it('connects', async () => { const client = new Client({ connectionString: pg().url }); ... });
 */
export function sharedPostgres(options?: PostgresOptions): () => PostgresServer {
  return shared('PostgreSQL', () => startPostgres(options));
}

/** One MariaDB server per test file (see `sharedPostgres`). */
export function sharedMariaDb(options?: MariaDbOptions): () => MariaDbServer {
  return shared('MariaDB', () => startMariaDb(options));
}
