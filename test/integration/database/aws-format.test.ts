import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { bundlePath } from '../../../lambdas/registry';
import type { Emulator } from '../../../local/emulator';
import { type ServerTls, selfSignedCert, sharedMariaDb, sharedPostgres } from '../../support';
import { smClient, startTestEmulator } from '../emulator/rotation/emulator-fixture';
import { ensureDatabaseBundles, mariaDbUnderTest, postgresUnderTest, ROOT } from './db-fixture';

/**
 * "A secret exactly as AWS documents it for RDS PostgreSQL and MySQL rotates without edits": the JSON below is AWS's
 * documented structure (port as a string, no `ssl`, so TLS with verification), with no tag on the secret. The only
 * configuration is on the function, as a deployment would set it: DB_CA_FILE for the test servers' private CA (RDS
 * servers are verified against the shipped RDS CA bundle without it).
 */
const tls: { value?: ServerTls } = {};
beforeAll(async () => {
  tls.value = await selfSignedCert();
});
const pgServer = sharedPostgres({
  requireTls: true,
  logConnections: true,
  get tls() {
    return tls.value;
  },
});
const mariaServer = sharedMariaDb({
  database: 'orders',
  requireTls: true,
  get tls() {
    return tls.value;
  },
});

describe('secrets in the exact format AWS documents rotate without edits', () => {
  const ca = () => (tls.value as ServerTls).cert;
  const pg = postgresUnderTest(pgServer, 'postgres', { ca });
  const my = mariaDbUnderTest(mariaServer, 'orders', { ca });
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  let dir: string;
  const logs: string[] = [];

  beforeAll(async () => {
    ensureDatabaseBundles();
    dir = await mkdtemp(join(tmpdir(), 'aws-format-'));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, (tls.value as ServerTls).cert);
    emulator = await startTestEmulator({ log: (line) => logs.push(line) });
    // The deployed function's configuration: the same bundles with DB_CA_FILE set.
    for (const type of ['postgres', 'mysql']) {
      emulator.runner.register({
        name: `rotation-${type}`,
        modulePath: resolve(ROOT, bundlePath(type)),
        exportName: 'handler',
        environment: { DB_CA_FILE: caFile },
      });
    }
    sm = smClient(emulator);
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function rotate(name: string, type: string): Promise<Record<string, string>> {
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: emulator.runner.functionArn(`rotation-${type}`),
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    await emulator.rotations.idle();
    const { SecretString } = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    return JSON.parse(SecretString as string) as Record<string, string>;
  }

  it('RDS PostgreSQL, single user', async () => {
    await pg.admin(`CREATE ROLE aws_doc_pg LOGIN PASSWORD 'Doc-pw-1a2b'`);
    const documented = `{
  "engine": "postgres",
  "host": "127.0.0.1",
  "username": "aws_doc_pg",
  "password": "Doc-pw-1a2b",
  "dbname": "postgres",
  "port": "${pg.port}"
}`;
    await sm.send(new CreateSecretCommand({ Name: 'doc/pg', SecretString: documented }));
    const current = await rotate('doc/pg', 'postgres');
    expect(current).toEqual({ ...JSON.parse(documented), password: expect.any(String) });
    // The server takes TLS only (hostssl): the new password logs in, the old one is refused.
    expect(await pg.tryLogin('aws_doc_pg', current.password)).toBe('ok');
    expect(await pg.tryLogin('aws_doc_pg', 'Doc-pw-1a2b')).toBe('28P01');
    expect(pgServer().log()).not.toMatch(/aws_doc_pg.*no encryption|no encryption.*aws_doc_pg/);
  }, 60_000);

  it('RDS PostgreSQL, alternating users with the RDS-managed master secret ({username, password})', async () => {
    await pg.admin(`CREATE ROLE aws_doc_alt LOGIN PASSWORD 'Doc-pw-3c4d'`);
    const master = await sm.send(
      new CreateSecretCommand({
        // RDS names its managed secrets rds!db-...; customers cannot create a name with '!'.
        Name: 'rds-db-doc',
        SecretString: JSON.stringify({ username: pg.adminUser, password: pg.adminPassword }),
      }),
    );
    const documented = {
      engine: 'postgres',
      host: '127.0.0.1',
      username: 'aws_doc_alt',
      password: 'Doc-pw-3c4d',
      dbname: 'postgres',
      port: String(pg.port),
      masterarn: master.ARN,
    };
    await sm.send(new CreateSecretCommand({ Name: 'doc/pg-alt', SecretString: JSON.stringify(documented) }));
    const current = await rotate('doc/pg-alt', 'postgres');
    expect(current).toEqual({ ...documented, username: 'aws_doc_alt_clone', password: expect.any(String) });
    expect(await pg.tryLogin('aws_doc_alt_clone', current.password)).toBe('ok');
    expect(await pg.tryLogin('aws_doc_alt', 'Doc-pw-3c4d')).toBe('ok');
  }, 60_000);

  it('RDS MySQL, single user (served by MariaDB)', async () => {
    await my.admin('CREATE USER ?@? IDENTIFIED BY ?', ['aws_doc_my', '%', 'Doc-pw-5e6f']);
    await my.admin('GRANT SELECT ON orders.* TO ?@?', ['aws_doc_my', '%']);
    const documented = {
      engine: 'mysql',
      host: '127.0.0.1',
      username: 'aws_doc_my',
      password: 'Doc-pw-5e6f',
      dbname: 'orders',
      port: my.port,
    };
    await sm.send(new CreateSecretCommand({ Name: 'doc/my', SecretString: JSON.stringify(documented) }));
    const current = await rotate('doc/my', 'mysql');
    expect(current).toEqual({ ...documented, password: expect.any(String) });
    expect(await my.tryLogin('aws_doc_my', current.password)).toBe('ok');
    expect(await my.tryLogin('aws_doc_my', 'Doc-pw-5e6f')).toBe('ER_ACCESS_DENIED_ERROR');
  }, 60_000);

  it('logged no password', () => {
    const text = logs.join('\n');
    expect(text).toContain('set the new password');
    for (const pw of ['Doc-pw-1a2b', 'Doc-pw-3c4d', 'Doc-pw-5e6f', pg.adminPassword, my.adminPassword]) {
      expect(text).not.toContain(pw);
    }
  });
});
