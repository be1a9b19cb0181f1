import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerTls, selfSignedCert, sharedMariaDb } from '../../support';
import { defineCrashMatrix } from './crash-fixture';
import { mariaDbUnderTest } from './db-fixture';

/** Issue 4's crash matrix on MariaDB (the PostgreSQL half is crash-matrix-postgres.test.ts, run in parallel). */
const files: { tls?: ServerTls; dir?: string; caFile?: string } = {};
// Registered before the shared server's hooks, so that it starts with this certificate.
beforeAll(async () => {
  files.tls = await selfSignedCert();
  files.dir = await mkdtemp(join(tmpdir(), 'crash-my-'));
  files.caFile = join(files.dir, 'ca.pem');
  await writeFile(files.caFile, files.tls.cert);
});
afterAll(async () => {
  if (files.dir !== undefined) await rm(files.dir, { recursive: true, force: true });
});
const server = sharedMariaDb({
  database: 'itdb',
  get tls() {
    return files.tls;
  },
});

describe('database crash matrix: MariaDB', () => {
  defineCrashMatrix(
    'mysql',
    () => mariaDbUnderTest(server, 'itdb'),
    () => files.caFile as string,
  );
});
