import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCa, login } from '../../../lambdas/postgres/connect';
import { type PostgresSecret, parsePostgresSecret } from '../../../lambdas/postgres/db-secret';
import { type PostgresServer, type ServerTls, selfSignedCert, sharedPostgres, startPostgres } from '../../support';

function secretFor(server: { port: number; user: string; password: string }, ssl?: boolean): PostgresSecret {
  const value = {
    engine: 'postgres',
    host: '127.0.0.1',
    port: server.port,
    username: server.user,
    password: server.password,
  };
  return parsePostgresSecret(JSON.stringify(ssl === undefined ? value : { ...value, ssl }), 'it/tls', 'AWSPENDING');
}

/** TLS is verify-full (CA and host name) and never falls back to plaintext. */
describe('PostgreSQL connections over TLS', () => {
  const plain = sharedPostgres();
  let server: PostgresServer;
  let tls: ServerTls;
  let dir: string;

  beforeAll(async () => {
    tls = await selfSignedCert();
    server = await startPostgres({ tls, requireTls: true, logConnections: true });
    dir = await mkdtemp(join(tmpdir(), 'pg-ca-'));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in over TLS when the CA file (DB_CA_FILE) holds the server certificate', async () => {
    const caFile = join(dir, 'right.pem');
    await writeFile(caFile, tls.cert);
    const result = await login(secretFor(server), { ca: loadCa(caFile, 'it/tls') });
    expect(result.client).toBeDefined();
    const row = await result.client?.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    await result.client?.end();
    expect(row?.rows[0].ssl).toBe(true);
  });

  it('refuses a server whose certificate another CA signed, with a clear reason and no plaintext attempt', async () => {
    const other = await selfSignedCert();
    const before = server.log().length;
    const result = await login(secretFor(server), { ca: other.cert });
    expect(result.client).toBeUndefined();
    expect(result.client === undefined && result.reason).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(result.client === undefined && result.reason).not.toContain(server.password);
    const log = server.log().slice(before);
    expect(log).toMatch(/connection received/);
    expect(log).not.toMatch(/no encryption/);
    expect(log).not.toMatch(/connection authorized/);
  });

  it('refuses a server with no TLS at all instead of falling back to plaintext', async () => {
    const result = await login(secretFor(plain()));
    expect(result.client).toBeUndefined();
    expect(result.client === undefined && result.reason).toMatch(/does not support SSL/);
    const plaintext = await login(secretFor(plain(), false));
    expect(plaintext.client).toBeDefined();
    await plaintext.client?.end();
  });

  it('names the CA file and the setting when the file cannot be read', () => {
    expect(() => loadCa(join(dir, 'missing.pem'), 'it/tls')).toThrow(
      /secret it\/tls: the CA file ".*missing\.pem" \(tag rotation:ca-file or env DB_CA_FILE\) cannot be read: ENOENT/,
    );
  });
});
