import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../local/emulator';
import { type ServerTls, selfSignedCert, sharedMariaDb, sharedPostgres } from '../../support';
import { mysqlPrivileges } from '../../support/mysql-privileges';
import { pgPrivilegePair } from '../../support/pg-privileges';
import { smClient, startTestEmulator } from '../emulator/rotation/emulator-fixture';
import { awsCli, type CliResult, ROOT_CREDENTIALS } from '../iam-access-key/iam-fixture';
import {
  clusterArn,
  type DatabaseUnderTest,
  ensureDatabaseBundles,
  functionArn,
  mariaDbUnderTest,
  postgresUnderTest,
} from './db-fixture';

/**
 * Issue #4's acceptance: the 8 combinations (PostgreSQL / MariaDB x single / alternating users x direct TLS / Data
 * API), each rotated end to end through the emulator's RotateSecret, driven with the real AWS CLI, against real
 * servers. Secrets are in AWS's documented format; settings are tags.
 */
const tls: { value?: ServerTls } = {};
// Registered before the shared servers' hooks, so that they start with this certificate.
beforeAll(async () => {
  tls.value = await selfSignedCert();
});
const pgServer = sharedPostgres({
  get tls() {
    return tls.value;
  },
});
const mariaServer = sharedMariaDb({
  database: 'itdb',
  get tls() {
    return tls.value;
  },
});

type Strategy = 'single' | 'alternating';
type Mode = 'direct' | 'data-api';
const COMBINATIONS: ReadonlyArray<readonly ['postgres' | 'mysql', Strategy, Mode]> = [
  ['postgres', 'single', 'direct'],
  ['postgres', 'single', 'data-api'],
  ['postgres', 'alternating', 'direct'],
  ['postgres', 'alternating', 'data-api'],
  ['mysql', 'single', 'direct'],
  ['mysql', 'single', 'data-api'],
  ['mysql', 'alternating', 'direct'],
  ['mysql', 'alternating', 'data-api'],
];

const PG_CLUSTER = 'it-pg';
const MY_CLUSTER = 'it-my';

describe('database rotation through the AWS CLI: 8 combinations against real servers', () => {
  const pg = postgresUnderTest(pgServer);
  const my = mariaDbUnderTest(mariaServer, 'itdb');
  const logs: string[] = [];
  const passwords = new Set<string>();
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  let dir: string;
  let caFile: string;

  beforeAll(async () => {
    ensureDatabaseBundles();
    dir = await mkdtemp(join(tmpdir(), 'db-cli-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, (tls.value as ServerTls).cert);
    emulator = await startTestEmulator({
      log: (line) => logs.push(line),
      dataApi: [
        `${clusterArn(PG_CLUSTER)}=postgres://127.0.0.1:${pg.port}/postgres`,
        `${clusterArn(MY_CLUSTER)}=mysql://127.0.0.1:${my.port}/itdb`,
      ],
    });
    sm = smClient(emulator);
    for (const db of [pg, my]) {
      passwords.add(db.adminPassword);
      await cli('create-secret', '--name', `it/master-${db.engine}`, '--secret-string', masterValue(db));
    }
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<Record<string, unknown>> {
    const result: CliResult = await awsCli(emulator.url, ROOT_CREDENTIALS, 'secretsmanager', ...args);
    if (result.code !== 0) throw new Error(`aws secretsmanager ${args[0]} failed: ${result.stderr}`);
    return result.stdout.trim() === '' ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
  }

  function masterValue(db: DatabaseUnderTest): string {
    // The RDS-managed form: only username and password (host and port come from the user's secret).
    return JSON.stringify({ username: db.adminUser, password: db.adminPassword });
  }

  async function value(secretId: string, stage: string): Promise<Record<string, unknown>> {
    // Reads through the SDK: the CLI drives what a person would run (create-secret, rotate-secret); each CLI call
    // costs a Python start-up.
    const got = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    return JSON.parse(got.SecretString as string) as Record<string, unknown>;
  }

  async function rotate(secretId: string, type: 'postgres' | 'mysql', first: boolean): Promise<void> {
    const args = ['rotate-secret', '--secret-id', secretId];
    if (first) args.push('--rotation-lambda-arn', functionArn(type), '--rotation-rules', 'AutomaticallyAfterDays=30');
    await cli(...args);
    await emulator.rotations.idle();
    const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    const stages = described.VersionIdsToStages as Record<string, string[]>;
    const current = Object.entries(stages).find(([, labels]) => labels.includes('AWSCURRENT'));
    const pending = Object.entries(stages).find(([, labels]) => labels.includes('AWSPENDING'));
    // The rotation finished: AWSPENDING (kept by default) sits on the AWSCURRENT version.
    expect(pending?.[0]).toBe(current?.[0]);
  }

  async function createUser(db: DatabaseUnderTest, user: string, password: string): Promise<void> {
    passwords.add(password);
    if (db.engine === 'postgres') {
      await db.admin(`CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`);
      await db.admin(`CREATE TABLE "t_${user}" (id int)`);
      await db.admin(`GRANT SELECT, INSERT ON "t_${user}" TO "${user}"`);
      await db.admin(`GRANT CONNECT ON DATABASE postgres TO "${user}"`);
    } else {
      // Not '%': the clone must be created on the same host, never an assumed '%'.
      await db.admin('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', password]);
      await db.admin(`CREATE TABLE itdb.\`t_${user}\` (id int)`);
      await db.admin(`GRANT SELECT, INSERT ON itdb.\`t_${user}\` TO ?@?`, [user, '127.0.0.1']);
      await db.admin('GRANT SELECT ON itdb.* TO ?@?', [user, '127.0.0.1']);
    }
  }

  async function samePrivileges(db: DatabaseUnderTest, a: string, b: string): Promise<void> {
    if (db.engine === 'postgres') {
      const [left, right] = await withPg(db, (client) => pgPrivilegePair(client, a, b));
      expect(left.length).toBeGreaterThan(0);
      expect(right).toEqual(left);
    } else {
      const [left, right] = await withMy(db, (connection) =>
        Promise.all([mysqlPrivileges(connection, a), mysqlPrivileges(connection, b)]),
      );
      expect(left.length).toBeGreaterThan(0);
      expect(right).toEqual(left);
    }
  }

  it.each(COMBINATIONS)(
    '%s, %s user, %s',
    async (type, strategy, mode) => {
      const db = type === 'postgres' ? pg : my;
      // Not pg_...: PostgreSQL reserves role names that start with pg_.
      const user = `${type === 'postgres' ? 'pgu' : 'my'}_${strategy}_${mode.replace('-', '_')}`;
      const initialPassword = `Init-${user}-7f3a`;
      await createUser(db, user, initialPassword);
      const secret: Record<string, unknown> = {
        engine:
          mode === 'data-api'
            ? type === 'postgres'
              ? 'aurora-postgresql'
              : 'aurora-mysql'
            : type === 'postgres'
              ? 'postgres'
              : 'mariadb',
        host: '127.0.0.1',
        port: db.port,
        username: user,
        password: initialPassword,
        dbname: db.dbname,
        ...(mode === 'data-api' ? { dbClusterIdentifier: type === 'postgres' ? PG_CLUSTER : MY_CLUSTER } : {}),
        ...(strategy === 'alternating'
          ? { masterarn: (await sm.send(new DescribeSecretCommand({ SecretId: `it/master-${db.engine}` }))).ARN }
          : {}),
      };
      const tags =
        mode === 'data-api' ? 'Key=rotation:connection,Value=data-api' : `Key=rotation:ca-file,Value=${caFile}`;
      const name = `it/${user}`;
      await cli('create-secret', '--name', name, '--secret-string', JSON.stringify(secret), '--tags', tags);

      const seen: Array<Record<string, unknown>> = [secret];
      for (let round = 1; round <= 3; round += 1) {
        await rotate(name, type, round === 1);
        const current = await value(name, 'AWSCURRENT');
        const previous = await value(name, 'AWSPREVIOUS');
        passwords.add(current.password as string);
        expect(previous).toEqual(seen[seen.length - 1]);
        expect(current.password).not.toBe(previous.password);
        expect(await db.tryLogin(current.username as string, current.password as string)).toBe('ok');
        if (strategy === 'single') {
          expect(current).toEqual({ ...secret, password: current.password });
          // The old password is refused.
          expect(await db.tryLogin(user, previous.password as string)).toBe(
            type === 'postgres' ? '28P01' : 'ER_ACCESS_DENIED_ERROR',
          );
        } else {
          expect(current.username).toBe(round % 2 === 1 ? `${user}_clone` : user);
          expect(current).toEqual({ ...secret, username: current.username, password: current.password });
          // The previous user keeps working until the next rotation gives it a new password.
          expect(await db.tryLogin(previous.username as string, previous.password as string)).toBe('ok');
          await samePrivileges(db, user, `${user}_clone`);
        }
        seen.push(current);
      }
      const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
      expect(described.LastRotatedDate).toBeDefined();
    },
    120_000,
  );

  it('logs no password, master password or probe value', () => {
    const text = logs.join('\n');
    expect(text).toContain('[rotation-postgres]');
    expect(text).toContain('[rotation-mysql]');
    for (const password of passwords) expect(text).not.toContain(password);
  });
});

async function withPg<T>(db: DatabaseUnderTest, work: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const { Client } = await import('pg');
  const client = new Client({ host: db.host, port: db.port, user: db.adminUser, password: db.adminPassword });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withMy<T>(
  db: DatabaseUnderTest,
  work: (connection: import('mysql2/promise').Connection) => Promise<T>,
): Promise<T> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({
    host: db.host,
    port: db.port,
    user: db.adminUser,
    password: db.adminPassword,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}
