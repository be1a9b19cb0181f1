import { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { Logger } from '../../../lambdas/core/logger';
import { clusterArnFor, DataApiConnector, sweepProbeSecrets } from '../../../lambdas/database/data-api';
import type { DatabaseSecret } from '../../../lambdas/database/db-secret';
import type { LoginAs, LoginResult, SqlSession } from '../../../lambdas/database/types';
import type { Emulator } from '../../../local/emulator';
import { type MariaDbServer, type PostgresServer, startMariaDb, startPostgres } from '../../support';
import { smClient, startTestEmulator } from '../emulator/rotation/emulator-fixture';

const ACCOUNT = '123456789012';
const APP_PASSWORD = 'App-Current-Passw0rd-4711';
const PENDING_PASSWORD = 'Pending-Passw0rd-0815-xyz';
const WRONG_PASSWORD = 'Wr0ng-Passw0rd-never-valid';
/** Every kind of character a careless rewrite or escape would break. */
const AWKWARD =
  'it\'s "quoted" `ticked` \\ back\\\\slash \\\' $1 ? :p1 $$ -- not a comment /* nor this */ # nor this ünïcødé 日本 🎉';

interface EngineCase {
  readonly label: string;
  readonly engine: 'postgres' | 'mysql';
  readonly cluster: string;
  /** Statements with both placeholders and a session check, in the engine's own style. */
  readonly echo: string;
  readonly insert: string;
  readonly countByName: string;
  /** Runs setup SQL as the server's superuser over a direct connection. */
  admin(sql: string[]): Promise<void>;
}

let pg: PostgresServer;
let maria: MariaDbServer;

async function pgAdmin(sql: string[]): Promise<void> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'app' });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function mariaAdmin(sql: string[]): Promise<void> {
  const connection = await createConnection({
    host: maria.host,
    port: maria.port,
    user: maria.rootUser,
    password: maria.rootPassword,
    database: 'app',
  });
  try {
    for (const statement of sql) await connection.query(statement);
  } finally {
    await connection.end();
  }
}

const ENGINES: readonly EngineCase[] = [
  {
    label: 'PostgreSQL',
    engine: 'postgres',
    cluster: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:it-pg`,
    echo: 'SELECT $1::text AS s, $2::int8 AS n, $3::float8 AS d, $4::boolean AS b, $5::text AS z, $1::text = $6::text AS same',
    insert: 'INSERT INTO items (name) VALUES ($1)',
    countByName: 'SELECT count(*)::int AS n FROM items WHERE name = $1',
    admin: (sql) => pgAdmin(sql),
  },
  {
    label: 'MariaDB',
    engine: 'mysql',
    cluster: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:it-maria`,
    echo: 'SELECT ? AS s, ? AS n, CAST(? AS DOUBLE) AS d, ? AS b, ? AS z, ? AS same',
    insert: 'INSERT INTO items (name) VALUES (?)',
    countByName: 'SELECT count(*) AS n FROM items WHERE name = ?',
    admin: (sql) => mariaAdmin(sql),
  },
];

const SETUP: Readonly<Record<'postgres' | 'mysql', string[]>> = {
  postgres: [
    'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)',
    `CREATE ROLE app_user LOGIN PASSWORD '${APP_PASSWORD}'`,
    `CREATE ROLE pending_user LOGIN PASSWORD '${PENDING_PASSWORD}'`,
    'GRANT SELECT, INSERT ON items TO app_user',
    'GRANT USAGE ON SEQUENCE items_id_seq TO app_user',
  ],
  mysql: [
    'CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, name text CHARACTER SET utf8mb4 NOT NULL)',
    ...['%', 'localhost'].flatMap((host) => [
      `CREATE USER 'app_user'@'${host}' IDENTIFIED BY '${APP_PASSWORD}'`,
      `CREATE USER 'pending_user'@'${host}' IDENTIFIED BY '${PENDING_PASSWORD}'`,
      `GRANT SELECT, INSERT ON app.items TO 'app_user'@'${host}'`,
      `GRANT SELECT ON app.items TO 'pending_user'@'${host}'`,
      `CREATE USER 'no_db_user'@'${host}' IDENTIFIED BY '${PENDING_PASSWORD}'`,
    ]),
  ],
};

/**
 * The Data API connector with the real SDK against the emulator's Data API and Secrets Manager, in front of a real
 * PostgreSQL and a real MariaDB: logins with AWSCURRENT and, through probe secrets, with other versions.
 */
describe('DataApiConnector against the emulator and real databases', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  let rdsData: RDSDataClient;
  const appSecretArn = new Map<string, string>();

  beforeAll(async () => {
    [pg, maria] = await Promise.all([startPostgres({ database: 'app' }), startMariaDb({ database: 'app' })]);
    emulator = await startTestEmulator({
      dataApi: [
        `${ENGINES[0]?.cluster}=postgres://127.0.0.1:${pg.port}/app`,
        `${ENGINES[1]?.cluster}=mysql://127.0.0.1:${maria.port}/app`,
      ],
    });
    sm = smClient(emulator);
    rdsData = new RDSDataClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    for (const engine of ENGINES) {
      await engine.admin(SETUP[engine.engine]);
      const out = await sm.send(
        new CreateSecretCommand({
          Name: `it/${engine.engine}/app`,
          SecretString: JSON.stringify(secretValue(engine, 'app_user', APP_PASSWORD)),
        }),
      );
      appSecretArn.set(engine.engine, out.ARN as string);
    }
  }, 60_000);

  afterAll(async () => {
    rdsData?.destroy();
    sm?.destroy();
    await emulator?.close();
    await Promise.all([pg?.stop(), maria?.stop()]);
  });

  function secretValue(engine: EngineCase, username: string, password: string): Record<string, unknown> {
    const port = engine.engine === 'postgres' ? pg.port : maria.port;
    return { engine: engine.engine, host: '127.0.0.1', port, username, password, dbname: 'app' };
  }

  function secretOf(engine: EngineCase, username: string, password: string): DatabaseSecret {
    const fields = secretValue(engine, username, password);
    return {
      engine: engine.engine,
      host: '127.0.0.1',
      port: fields.port as number,
      username,
      password,
      dbname: 'app',
      ssl: true,
      masterarn: undefined,
      dbClusterIdentifier: undefined,
      fields,
    };
  }

  /** The failed login of `result` (fails the test if it logged in). */
  function refused(result: LoginResult): { reason: string; authFailure: boolean } {
    if (result.session !== undefined) throw new Error('expected the login to fail, it succeeded');
    return result;
  }

  async function probeNames(): Promise<string[]> {
    const out = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['rotation-probe/'] }] }));
    return (out.SecretList ?? []).map((entry) => entry.Name as string);
  }

  describe.each(ENGINES)('$label', (engine) => {
    const token = `tok-${engine.engine}-0123456789abcdef0123456789abcdef`;
    const connector = () =>
      new DataApiConnector({
        clusterArn: clusterArnFor(appSecretArn.get(engine.engine) as string, engine.cluster.split(':').pop() as string),
        database: 'app',
        engine: engine.engine,
        token,
        logger: new Logger('it-data-api', {}, 'SILENT'),
        rdsData,
        secretsManager: sm,
      });
    const as = (username: string, password: string, stage: LoginAs['stage']): LoginAs => ({
      secret: secretOf(engine, username, password),
      secretArn: appSecretArn.get(engine.engine) as string,
      stage,
    });
    async function loggedIn(login: LoginAs): Promise<SqlSession> {
      const result = await connector().login(login);
      if (result.session === undefined) throw new Error(`login failed: ${result.reason}`);
      return result.session;
    }

    afterEach(async () => {
      expect(await probeNames()).toEqual([]);
    });

    it('logs in with AWSCURRENT through the secret itself, without a probe secret', async () => {
      const session = await loggedIn(as('app_user', APP_PASSWORD, 'AWSCURRENT'));
      try {
        expect(await probeNames()).toEqual([]);
        expect(session.username).toBe('app_user');
        expect(await session.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await session.close();
      }
    });

    it('logs in with a pending value through a tagged probe secret that close() deletes', async () => {
      const session = await loggedIn(as('pending_user', PENDING_PASSWORD, 'AWSPENDING'));
      let probe: string | undefined;
      try {
        const names = await probeNames();
        expect(names).toEqual([expect.stringMatching(new RegExp(`^rotation-probe/${token}/awspending-[0-9a-f]{8}$`))]);
        probe = names[0];
        const described = await sm.send(new DescribeSecretCommand({ SecretId: probe }));
        expect(described.Tags).toEqual([{ Key: 'rotation:probe-for', Value: appSecretArn.get(engine.engine) }]);
        expect(described.Description).toContain('AWSPENDING');
        const user = engine.engine === 'postgres' ? 'SELECT session_user::text AS u' : 'SELECT CURRENT_USER() AS u';
        expect(String((await session.query(user))[0]?.u)).toMatch(/^pending_user(@.*)?$/);
      } finally {
        await session.close();
      }
      await expect(sm.send(new DescribeSecretCommand({ SecretId: probe }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      await session.close(); // idempotent
    });

    it('reports a wrong pending password as an auth failure without the password, and deletes the probe', async () => {
      const result = refused(await connector().login(as('pending_user', WRONG_PASSWORD, 'AWSPENDING')));

      expect(result.authFailure).toBe(true);
      expect(result.reason).toMatch(/DatabaseErrorException: .*(password authentication failed|Access denied)/);
      expect(result.reason).not.toContain(WRONG_PASSWORD);
    });

    it('reports a wrong AWSCURRENT password as an auth failure without the password', async () => {
      const bad = await sm.send(
        new CreateSecretCommand({
          Name: `it/${engine.engine}/wrong`,
          SecretString: JSON.stringify(secretValue(engine, 'app_user', WRONG_PASSWORD)),
        }),
      );
      const result = await connector().login({
        secret: secretOf(engine, 'app_user', WRONG_PASSWORD),
        secretArn: bad.ARN as string,
        stage: 'AWSCURRENT',
      });

      expect(result).toEqual({ reason: expect.any(String), authFailure: true });
      expect(refused(result).reason).not.toContain(WRONG_PASSWORD);
    });

    it('refuses a login whose AWSCURRENT is for another user than the one expected', async () => {
      const result = refused(await connector().login(as('pending_user', PENDING_PASSWORD, 'AWSCURRENT')));

      expect(result.authFailure).toBe(false);
      expect(result.reason).toContain('logged in as "app_user", not as pending_user');
    });

    it('does not call a login that lacks a privilege on the database an auth failure', async () => {
      if (engine.engine === 'postgres') await engine.admin(['REVOKE CONNECT ON DATABASE app FROM PUBLIC']);
      try {
        const user = engine.engine === 'postgres' ? 'pending_user' : 'no_db_user';
        const result = refused(await connector().login(as(user, PENDING_PASSWORD, 'AWSPENDING')));

        expect(result.reason).toMatch(/permission denied for database|Access denied for user .* to database/);
        expect(result.authFailure).toBe(false);
      } finally {
        if (engine.engine === 'postgres') await engine.admin(['GRANT CONNECT ON DATABASE app TO PUBLIC']);
      }
    });

    it('round-trips parameters with quotes, backslashes, placeholders and unicode', async () => {
      const session = await loggedIn(as('app_user', APP_PASSWORD, 'AWSCURRENT'));
      try {
        const rows = await session.query(engine.echo, [AWKWARD, 2 ** 40, 1.5, true, null, AWKWARD]);
        const row = rows[0] ?? {};
        expect(row.s).toBe(AWKWARD);
        expect(row.n).toBe(2 ** 40);
        expect(row.d).toBe(1.5);
        expect(row.b === true || row.b === 1).toBe(true);
        expect(row.z).toBeNull();
        expect(row.same === true || row.same === AWKWARD).toBe(true);

        await session.query(engine.insert, [AWKWARD]);
        expect(await session.query(engine.countByName, [AWKWARD])).toEqual([{ n: 1 }]);
      } finally {
        await session
          .query(
            engine.engine === 'postgres' ? 'DELETE FROM items WHERE name = $1' : 'DELETE FROM items WHERE name = ?',
            [AWKWARD],
          )
          .catch(() => undefined);
        await session.close();
      }
    });

    it('commits a transaction and rolls one back when the work throws', async () => {
      const session = await loggedIn(as('app_user', APP_PASSWORD, 'AWSCURRENT'));
      try {
        const kept = `kept-${engine.engine}-${Date.now()}`;
        const dropped = `dropped-${engine.engine}-${Date.now()}`;
        const result = await session.transaction(async (tx) => {
          await tx.query(engine.insert, [kept]);
          return tx.query(engine.countByName, [kept]);
        });
        expect(result).toEqual([{ n: 1 }]);
        await expect(
          session.transaction(async (tx) => {
            await tx.query(engine.insert, [dropped]);
            expect(await tx.query(engine.countByName, [dropped])).toEqual([{ n: 1 }]);
            throw new Error('work failed');
          }),
        ).rejects.toThrow('work failed');

        expect(await session.query(engine.countByName, [kept])).toEqual([{ n: 1 }]);
        expect(await session.query(engine.countByName, [dropped])).toEqual([{ n: 0 }]);
      } finally {
        await session.close();
      }
    });

    it('rejects a failing statement with the Data API exception name and no password', async () => {
      const session = await loggedIn(as('pending_user', PENDING_PASSWORD, 'AWSPREVIOUS'));
      try {
        const error = await session.query('SELECT * FROM no_such_table').then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.name).toBe('DatabaseErrorException');
        expect(error?.message).toMatch(/no_such_table/);
        expect(error?.message).not.toContain(PENDING_PASSWORD);
      } finally {
        await session.close();
      }
    });
  });

  describe('sweepProbeSecrets', () => {
    it('deletes tagged probe secrets older than the limit and nothing else', async () => {
      const engine = ENGINES[0] as EngineCase;
      const connector = new DataApiConnector({
        clusterArn: engine.cluster,
        database: 'app',
        engine: engine.engine,
        token: 'tok-crashed',
        logger: new Logger('it-data-api', {}, 'SILENT'),
        rdsData,
        secretsManager: sm,
      });
      // A function that crashed after its login: the session is never closed.
      const left = await connector.login({
        secret: secretOf(engine, 'pending_user', PENDING_PASSWORD),
        secretArn: appSecretArn.get('postgres') as string,
        stage: 'AWSPENDING',
      });
      expect(left.session).toBeDefined();
      await sm.send(new CreateSecretCommand({ Name: 'rotation-probe/not-ours/untagged', SecretString: 'x' }));

      expect(await sweepProbeSecrets(sm, 60 * 60_000)).toEqual({ deleted: [], failed: [] });
      const swept = await sweepProbeSecrets(sm, 0, { now: () => Date.now() + 1000 });

      expect(swept.deleted).toEqual([expect.stringMatching(/^rotation-probe\/tok-crashed\/awspending-[0-9a-f]{8}$/)]);
      expect(swept.failed).toEqual([]);
      expect(await probeNames()).toEqual(['rotation-probe/not-ours/untagged']);
      await left.session?.close(); // the probe is already gone: close() stays quiet
      await sm.send(
        new DeleteSecretCommand({ SecretId: 'rotation-probe/not-ours/untagged', ForceDeleteWithoutRecovery: true }),
      );
    });
  });
});
