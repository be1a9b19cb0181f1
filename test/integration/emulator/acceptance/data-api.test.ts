import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { CreateSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../../local/emulator';
import { type MariaDbServer, type PostgresServer, startMariaDb, startPostgres } from '../../../support';
import { ACCOUNT, smClient, startTestEmulator } from '../rotation/emulator-fixture';
import { failure } from './acceptance-fixture';

const PG_CLUSTER = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:acceptance-pg`;
const MYSQL_CLUSTER = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:acceptance-mysql`;
const APP_PASSWORD = 'App-Passw0rd-1234';
const WRONG_PASSWORD = 'Wr0ng-Passw0rd-xyzzy';

interface Engine {
  readonly label: string;
  readonly cluster: string;
  readonly engine: string;
  /** Statements run with the admin secret to create the table and the application user. */
  readonly setup: string[];
}

const ENGINES: readonly Engine[] = [
  {
    label: 'PostgreSQL',
    cluster: PG_CLUSTER,
    engine: 'postgres',
    setup: [
      'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL)',
      `CREATE ROLE app_user LOGIN PASSWORD '${APP_PASSWORD}'`,
      'GRANT SELECT, INSERT ON items TO app_user',
      'GRANT USAGE ON SEQUENCE items_id_seq TO app_user',
    ],
  },
  {
    label: 'MariaDB',
    cluster: MYSQL_CLUSTER,
    engine: 'mysql',
    setup: [
      'CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, name varchar(64) NOT NULL, qty int NOT NULL)',
      `CREATE USER 'app_user'@'%' IDENTIFIED BY '${APP_PASSWORD}'`,
      `CREATE USER 'app_user'@'localhost' IDENTIFIED BY '${APP_PASSWORD}'`,
      "GRANT SELECT, INSERT ON app.items TO 'app_user'@'%'",
      "GRANT SELECT, INSERT ON app.items TO 'app_user'@'localhost'",
    ],
  },
];

/**
 * The RDS Data API served by the emulator over HTTP against a real PostgreSQL and a real MariaDB: each call logs
 * in with the AWSCURRENT credentials of a secret kept in the emulator's Secrets Manager.
 */
describe('RDS Data API through the emulator against real databases', () => {
  let pg: PostgresServer;
  let maria: MariaDbServer;
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  let rds: RDSDataClient;
  const appSecrets = new Map<string, string>();

  beforeAll(async () => {
    [pg, maria] = await Promise.all([startPostgres({ database: 'app' }), startMariaDb({ database: 'app' })]);
    emulator = await startTestEmulator({
      dataApi: [
        `${PG_CLUSTER}=postgres://127.0.0.1:${pg.port}/app`,
        `${MYSQL_CLUSTER}=mysql://127.0.0.1:${maria.port}/app`,
      ],
    });
    sm = smClient(emulator);
    rds = new RDSDataClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const admins: Record<string, { username: string; password: string }> = {
      [PG_CLUSTER]: { username: pg.user, password: pg.password },
      [MYSQL_CLUSTER]: { username: maria.rootUser, password: maria.rootPassword },
    };
    for (const engine of ENGINES) {
      const admin = await sm.send(
        new CreateSecretCommand({
          Name: `rds-db-credentials/${engine.engine}/admin`,
          SecretString: JSON.stringify({ engine: engine.engine, ...admins[engine.cluster] }),
        }),
      );
      for (const sql of engine.setup) {
        await rds.send(new ExecuteStatementCommand({ resourceArn: engine.cluster, secretArn: admin.ARN, sql }));
      }
      const app = await sm.send(
        new CreateSecretCommand({
          Name: `rds-db-credentials/${engine.engine}/app`,
          SecretString: JSON.stringify({ engine: engine.engine, username: 'app_user', password: APP_PASSWORD }),
        }),
      );
      appSecrets.set(engine.cluster, app.ARN as string);
    }
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await Promise.all([pg?.stop(), maria?.stop()]);
  });

  describe.each(ENGINES)('$label', ({ cluster }) => {
    const run = (sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) =>
      rds.send(
        new ExecuteStatementCommand({ resourceArn: cluster, secretArn: appSecrets.get(cluster), sql, ...extra }),
      );
    const names = async () =>
      ((await run('SELECT name FROM items ORDER BY id')).records ?? []).map((row) => row[0]?.stringValue);

    it('selects with the credentials of the secret', async () => {
      const out = await run('SELECT 41 + 1 AS answer');

      expect(out.records).toEqual([[{ longValue: 42 }]]);
    });

    it('inserts with named parameters and reads the rows back', async () => {
      const out = await run('INSERT INTO items (name, qty) VALUES (:name, :qty)', {
        parameters: [
          { name: 'name', value: { stringValue: "O'Brien's :widget" } },
          { name: 'qty', value: { longValue: 3 } },
        ],
      });
      const rows = await run('SELECT name, qty FROM items WHERE qty = :qty', {
        parameters: [{ name: 'qty', value: { longValue: 3 } }],
      });

      expect(out.numberOfRecordsUpdated).toBe(1);
      expect(rows.records).toEqual([[{ stringValue: "O'Brien's :widget" }, { longValue: 3 }]]);
    });

    it('commits a transaction and rolls another back', async () => {
      const secretArn = appSecrets.get(cluster);
      const committed = await rds.send(new BeginTransactionCommand({ resourceArn: cluster, secretArn }));
      await run("INSERT INTO items (name, qty) VALUES ('kept', 1)", { transactionId: committed.transactionId });
      const commit = await rds.send(
        new CommitTransactionCommand({ resourceArn: cluster, secretArn, transactionId: committed.transactionId }),
      );
      const rolledBack = await rds.send(new BeginTransactionCommand({ resourceArn: cluster, secretArn }));
      await run("INSERT INTO items (name, qty) VALUES ('dropped', 2)", { transactionId: rolledBack.transactionId });
      const rollback = await rds.send(
        new RollbackTransactionCommand({ resourceArn: cluster, secretArn, transactionId: rolledBack.transactionId }),
      );

      expect(commit.transactionStatus).toBe('Transaction Committed');
      expect(rollback.transactionStatus).toBe('Rollback Complete');
      expect(await names()).toContain('kept');
      expect(await names()).not.toContain('dropped');
    });

    it('refuses once AWSCURRENT holds a wrong password, without revealing it, and works again when fixed', async () => {
      const secretArn = appSecrets.get(cluster);
      const put = (password: string) =>
        sm.send(
          new PutSecretValueCommand({
            SecretId: secretArn,
            SecretString: JSON.stringify({ username: 'app_user', password }),
          }),
        );
      await put(WRONG_PASSWORD);
      const error = await failure(run('SELECT 1'));
      await put(APP_PASSWORD);
      const again = await run('SELECT 1');

      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(['DatabaseErrorException', 'BadRequestException']).toContain(error.name);
      expect(error.message).not.toContain(WRONG_PASSWORD);
      expect(JSON.stringify(error)).not.toContain(WRONG_PASSWORD);
      expect(again.records).toEqual([[{ longValue: 1 }]]);
    });
  });
});
