import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerTls, selfSignedCert, sharedPostgres } from '../../support';
import { defineCrashMatrix } from './crash-fixture';
import { postgresUnderTest } from './db-fixture';

/** Issue 4's crash matrix on PostgreSQL (the MariaDB half is crash-matrix-mysql.test.ts, run in parallel). */
const files: { tls?: ServerTls; dir?: string; caFile?: string } = {};
// Registered before the shared server's hooks, so that it starts with this certificate.
beforeAll(async () => {
  files.tls = await selfSignedCert();
  files.dir = await mkdtemp(join(tmpdir(), 'crash-pg-'));
  files.caFile = join(files.dir, 'ca.pem');
  await writeFile(files.caFile, files.tls.cert);
});
afterAll(async () => {
  if (files.dir !== undefined) await rm(files.dir, { recursive: true, force: true });
});
const server = sharedPostgres({
  get tls() {
    return files.tls;
  },
});

describe('database crash matrix: PostgreSQL', () => {
  defineCrashMatrix(
    'postgres',
    () => postgresUnderTest(server),
    () => files.caFile as string,
  );
});
