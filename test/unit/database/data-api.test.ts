import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { clearRememberedSecrets } from '../../../lambdas/core/redaction';
import {
  clusterArnFor,
  DataApiConnector,
  describeDataApiError,
  isAuthFailure,
  sweepProbeSecrets,
  toField,
} from '../../../lambdas/database/data-api';
import type { DatabaseSecret } from '../../../lambdas/database/db-secret';
import { probeSecretName } from '../../../lambdas/database/probe-secret';
import type { LoginAs, LoginResult, SqlSession } from '../../../lambdas/database/types';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-AbCdEf';
const CLUSTER_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:app';
const PROBE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rotation-probe/tok/awspending-0a1b2c3d-XyZ123';
const PASSWORD = 'Pending-Passw0rd-unit';

function secret(username = 'app_user', password = PASSWORD): DatabaseSecret {
  return {
    engine: 'postgres',
    host: 'db',
    port: 5432,
    username,
    password,
    dbname: 'app',
    ssl: true,
    masterarn: undefined,
    dbClusterIdentifier: 'app',
    fields: { username, password },
  };
}

function serviceError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const whoAmI = (username: string) => ({ formattedRecords: JSON.stringify([{ username }]) });

describe('DataApiConnector', () => {
  const rds = mockClient(RDSDataClient);
  const sm = mockClient(SecretsManagerClient);
  let lines: string[];
  let restoreSink: ReturnType<typeof setLogSink>;

  const connector = (engine: 'postgres' | 'mysql' = 'postgres') =>
    new DataApiConnector({
      clusterArn: CLUSTER_ARN,
      database: 'app',
      engine,
      token: 'tok',
      logger: new Logger('unit', {}, 'DEBUG'),
      rdsData: new RDSDataClient({ region: 'eu-west-1' }),
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
      loginRetryDelays: { SecretsErrorException: [1, 1], DatabaseResumingException: [1, 1, 1] },
    });
  const as = (stage: LoginAs['stage'], value = secret()): LoginAs => ({ secret: value, secretArn: SECRET_ARN, stage });
  const session = (result: LoginResult): SqlSession => {
    if (result.session === undefined) throw new Error(`login failed: ${result.reason}`);
    return result.session;
  };

  beforeEach(() => {
    rds.reset();
    sm.reset();
    clearRememberedSecrets();
    lines = [];
    restoreSink = setLogSink((line) => lines.push(line));
    sm.on(CreateSecretCommand).resolves({ ARN: PROBE_ARN });
    sm.on(DeleteSecretCommand).resolves({});
  });
  afterEach(() => {
    setLogSink(restoreSink);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  describe('login', () => {
    it('binds AWSCURRENT to the secret itself and creates no probe', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));

      const result = await connector().login(as('AWSCURRENT'));

      expect(result.session?.username).toBe('app_user');
      expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, {
        resourceArn: CLUSTER_ARN,
        secretArn: SECRET_ARN,
        database: 'app',
        formatRecordsAs: 'JSON',
      });
      expect(sm).not.toHaveReceivedCommand(CreateSecretCommand);
    });

    it('copies only user name and password of another version into a tagged probe secret', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));

      const result = await connector().login(as('AWSPENDING'));

      expect(result.session).toBeDefined();
      const input = sm.commandCalls(CreateSecretCommand)[0]?.args[0].input;
      expect(input?.Name).toMatch(/^rotation-probe\/tok\/awspending-[0-9a-f]{8}$/);
      expect(JSON.parse(input?.SecretString ?? '')).toEqual({ username: 'app_user', password: PASSWORD });
      expect(input?.Tags).toEqual([{ Key: 'rotation:probe-for', Value: SECRET_ARN }]);
      expect(input?.Description).toMatch(/AWSPENDING of .*prod\/app.*safe to delete/);
      expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, { secretArn: PROBE_ARN });
    });

    it('deletes the probe on close, once, without recovery', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      const open = session(await connector().login(as('AWSPREVIOUS')));

      await open.close();
      await open.close();

      expect(sm).toHaveReceivedCommandTimes(DeleteSecretCommand, 1);
      expect(sm).toHaveReceivedCommandWith(DeleteSecretCommand, {
        SecretId: PROBE_ARN,
        ForceDeleteWithoutRecovery: true,
      });
    });

    it('warns and does not throw when the probe cannot be deleted', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      sm.on(DeleteSecretCommand).rejects(serviceError('AccessDeniedException', 'not allowed'));
      const open = session(await connector().login(as('AWSPENDING')));

      await expect(open.close()).resolves.toBeUndefined();

      const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 'WARN');
      expect(warning).toMatchObject({ probe: expect.stringMatching(/^rotation-probe\//) });
      expect(warning.error).toContain('AccessDeniedException');
    });

    it('treats a probe that is already gone as deleted', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      sm.on(DeleteSecretCommand).rejects(serviceError('ResourceNotFoundException', 'gone'));
      const open = session(await connector().login(as('AWSPENDING')));

      await open.close();

      expect(lines.some((line) => line.includes('"WARN"'))).toBe(false);
    });

    it('reports a refused probe creation as a failed login, not an auth failure', async () => {
      sm.on(CreateSecretCommand).rejects(serviceError('AccessDeniedException', 'no CreateSecret on rotation-probe/*'));

      const result = await connector().login(as('AWSPENDING'));

      expect(result).toEqual({
        reason: expect.stringMatching(
          /^creating probe secret rotation-probe\/tok\/awspending-\w+ failed: AccessDenied/,
        ),
        authFailure: false,
      });
      expect(rds).not.toHaveReceivedCommand(ExecuteStatementCommand);
    });

    it('deletes the probe when its login is refused, and reports an auth failure without the password', async () => {
      rds
        .on(ExecuteStatementCommand)
        .rejects(
          serviceError(
            'DatabaseErrorException',
            `ERROR: password authentication failed for user "app_user" (password ${PASSWORD}); SQLState: 28P01`,
          ),
        );

      const result = await connector().login(as('AWSPENDING'));

      expect(result.session).toBeUndefined();
      expect(result).toMatchObject({ authFailure: true });
      expect(result.reason).toContain('DatabaseErrorException: ERROR: password authentication failed');
      expect(result.reason).not.toContain(PASSWORD);
      expect(sm).toHaveReceivedCommandTimes(DeleteSecretCommand, 1);
    });

    it('retries a probe that Secrets Manager does not serve yet', async () => {
      rds
        .on(ExecuteStatementCommand)
        .rejectsOnce(serviceError('SecretsErrorException', 'Error retrieving secret'))
        .resolves(whoAmI('app_user'));

      const result = await connector().login(as('AWSPENDING'));

      expect(result.session).toBeDefined();
      expect(rds).toHaveReceivedCommandTimes(ExecuteStatementCommand, 2);
    });

    it('does not retry SecretsErrorException for AWSCURRENT (the secret is not new)', async () => {
      rds.on(ExecuteStatementCommand).rejects(serviceError('SecretsErrorException', 'not allowed to read it'));

      const result = await connector().login(as('AWSCURRENT'));

      expect(result).toEqual({ reason: 'SecretsErrorException: not allowed to read it', authFailure: false });
      expect(rds).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
    });

    it('retries a paused Aurora Serverless cluster while it resumes, a bounded number of times', async () => {
      rds.on(ExecuteStatementCommand).rejects(serviceError('DatabaseResumingException', 'The database is resuming'));

      const result = await connector().login(as('AWSCURRENT'));

      expect(result).toEqual({ reason: 'DatabaseResumingException: The database is resuming', authFailure: false });
      expect(rds).toHaveReceivedCommandTimes(ExecuteStatementCommand, 4);
    });

    it('logs in once a resuming cluster answers', async () => {
      rds
        .on(ExecuteStatementCommand)
        .rejectsOnce(serviceError('DatabaseResumingException', 'resuming'))
        .resolves(whoAmI('app_user'));

      expect((await connector().login(as('AWSCURRENT'))).session).toBeDefined();
    });

    it('takes the user name from MySQL USER() up to the last @', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('odd@name@10.0.0.7'));

      const result = await connector('mysql').login(as('AWSCURRENT', secret('odd@name')));

      expect(result.session?.username).toBe('odd@name');
      expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, { sql: 'SELECT USER() AS username' });
    });
  });

  describe('query', () => {
    it('sends positional parameters as typed named parameters and parses JSON records', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      const open = session(await connector().login(as('AWSCURRENT')));
      rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"a":1,"b":"x"}]' });

      const rows = await open.query('SELECT $1, $2, $3, $4, $5', ['s', 7, 1.5, false, null]);

      expect(rows).toEqual([{ a: 1, b: 'x' }]);
      expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, {
        sql: 'SELECT :p1, :p2, :p3, :p4, :p5',
        parameters: [
          { name: 'p1', value: { stringValue: 's' } },
          { name: 'p2', value: { longValue: 7 } },
          { name: 'p3', value: { doubleValue: 1.5 } },
          { name: 'p4', value: { booleanValue: false } },
          { name: 'p5', value: { isNull: true } },
        ],
      });
    });

    it('returns no rows for a statement without a result set', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      const open = session(await connector().login(as('AWSCURRENT')));
      rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 1 });

      expect(await open.query('UPDATE t SET a = 1')).toEqual([]);
    });

    it('rejects with the exception name and a redacted message, without the SDK error as cause', async () => {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      const open = session(await connector().login(as('AWSCURRENT')));
      rds.on(ExecuteStatementCommand).rejects(serviceError('DatabaseErrorException', `syntax error near ${PASSWORD}`));

      const error = await open.query('ALTER ROLE x PASSWORD $1', [PASSWORD]).then(
        () => new Error('expected a rejection'),
        (e: unknown) => e as Error,
      );

      expect(error).toMatchObject({ name: 'DatabaseErrorException', message: 'syntax error near [REDACTED]' });
      expect(error.cause).toBeUndefined();
    });
  });

  describe('transaction', () => {
    const ID = 'tx-1';
    async function opened(): Promise<SqlSession> {
      rds.on(ExecuteStatementCommand).resolves(whoAmI('app_user'));
      const open = session(await connector().login(as('AWSCURRENT')));
      rds.on(BeginTransactionCommand).resolves({ transactionId: ID });
      rds.on(ExecuteStatementCommand).resolves({});
      return open;
    }

    it('runs the work with the transaction id and commits', async () => {
      const open = await opened();
      rds.on(CommitTransactionCommand).resolves({});

      const out = await open.transaction(async (tx) => {
        await tx.query('SELECT 1');
        return 'done';
      });

      expect(out).toBe('done');
      expect(rds).toHaveReceivedCommandWith(BeginTransactionCommand, {
        resourceArn: CLUSTER_ARN,
        secretArn: SECRET_ARN,
      });
      expect(rds).toHaveReceivedCommandWith(ExecuteStatementCommand, { sql: 'SELECT 1', transactionId: ID });
      expect(rds).toHaveReceivedCommandWith(CommitTransactionCommand, { transactionId: ID, secretArn: SECRET_ARN });
      expect(rds).not.toHaveReceivedCommand(RollbackTransactionCommand);
    });

    it('rolls back and rethrows when the work throws', async () => {
      const open = await opened();
      rds.on(RollbackTransactionCommand).resolves({});

      await expect(open.transaction(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

      expect(rds).toHaveReceivedCommandWith(RollbackTransactionCommand, { transactionId: ID });
      expect(rds).not.toHaveReceivedCommand(CommitTransactionCommand);
    });

    it('rejects with the commit failure, even when the rollback after it fails too', async () => {
      const open = await opened();
      rds.on(CommitTransactionCommand).rejects(serviceError('DatabaseErrorException', 'serialization failure'));
      rds.on(RollbackTransactionCommand).rejects(serviceError('TransactionNotFoundException', 'gone'));

      await expect(open.transaction(async () => 1)).rejects.toMatchObject({
        name: 'DatabaseErrorException',
        message: 'serialization failure',
      });
    });

    it('joins an enclosing transaction instead of nesting one', async () => {
      const open = await opened();
      rds.on(CommitTransactionCommand).resolves({});

      await open.transaction((tx) => tx.transaction((inner) => inner.query('SELECT 1')));

      expect(rds).toHaveReceivedCommandTimes(BeginTransactionCommand, 1);
      expect(rds).toHaveReceivedCommandTimes(CommitTransactionCommand, 1);
    });
  });
});

describe('sweepProbeSecrets', () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const NOW = Date.parse('2026-01-01T12:00:00Z');
  const entry = (name: string, minutesAgo: number, tagged = true) => ({
    ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`,
    Name: name,
    CreatedDate: new Date(NOW - minutesAgo * 60_000),
    Tags: tagged ? [{ Key: 'rotation:probe-for', Value: SECRET_ARN }] : [],
  });

  beforeEach(() => {
    sm.reset();
    sm.on(DeleteSecretCommand).resolves({});
  });

  it('pages through ListSecrets and deletes only old tagged probes under the prefix', async () => {
    sm.on(ListSecretsCommand, { NextToken: undefined })
      .resolves({ SecretList: [entry('rotation-probe/t1/awspending-00000001', 90)], NextToken: 'page-2' })
      .on(ListSecretsCommand, { NextToken: 'page-2' })
      .resolves({
        SecretList: [
          entry('rotation-probe/t2/awspending-00000002', 5),
          entry('rotation-probe/t3/awsprevious-00000003', 120, false),
          entry('rotation-probes-are-not-this/x', 120),
        ],
      });

    const result = await sweepProbeSecrets(client, 60 * 60_000, { now: () => NOW });

    expect(result).toEqual({ deleted: ['rotation-probe/t1/awspending-00000001'], failed: [] });
    expect(sm).toHaveReceivedCommandTimes(DeleteSecretCommand, 1);
    expect(sm).toHaveReceivedCommandWith(ListSecretsCommand, {
      Filters: [
        { Key: 'name', Values: ['rotation-probe/'] },
        { Key: 'tag-key', Values: ['rotation:probe-for'] },
      ],
    });
  });

  it("deletes the given secret's probes whatever their age, and others only when old", async () => {
    const other = (name: string, minutesAgo: number) => ({
      ...entry(name, minutesAgo),
      Tags: [{ Key: 'rotation:probe-for', Value: `${SECRET_ARN}-other` }],
    });
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        entry('rotation-probe/t1/awspending-00000001', 1),
        other('rotation-probe/t2/awspending-00000002', 1),
        other('rotation-probe/t3/awspending-00000003', 20),
      ],
    });
    const result = await sweepProbeSecrets(client, 15 * 60_000, { now: () => NOW, forSecretArn: SECRET_ARN });
    expect(result.deleted).toEqual(['rotation-probe/t1/awspending-00000001', 'rotation-probe/t3/awspending-00000003']);
  });

  it('lists a failed delete and carries on', async () => {
    sm.on(ListSecretsCommand).resolves({
      SecretList: [entry('p/a/awspending-00000001', 90), entry('p/b/awspending-00000002', 90)],
    });
    sm.on(DeleteSecretCommand, { SecretId: entry('p/a/awspending-00000001', 0).ARN }).rejects(
      serviceError('AccessDeniedException', 'no'),
    );

    const result = await sweepProbeSecrets(client, 0, { prefix: 'p', now: () => NOW });

    expect(result).toEqual({ deleted: ['p/b/awspending-00000002'], failed: ['p/a/awspending-00000001'] });
  });

  it('refuses a prefix that is not a secret-name path', async () => {
    await expect(sweepProbeSecrets(client, 0, { prefix: 'bad prefix/' })).rejects.toThrow(/got "bad prefix\/"/);
  });
});

describe('helpers', () => {
  it('builds the cluster ARN in the partition, Region and account of the secret', () => {
    expect(clusterArnFor(SECRET_ARN, 'app-cluster')).toBe('arn:aws:rds:eu-west-1:123456789012:cluster:app-cluster');
    expect(clusterArnFor('arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:x-AbCdEf', 'c')).toBe(
      'arn:aws-cn:rds:cn-north-1:210987654321:cluster:c',
    );
  });

  it('refuses a malformed secret ARN or cluster identifier', () => {
    expect(() => clusterArnFor('prod/app', 'c')).toThrow(/got "prod\/app"/);
    expect(() => clusterArnFor(SECRET_ARN, '1-starts-with-digit')).toThrow(/dbClusterIdentifier/);
  });

  it.each([
    ['DatabaseErrorException', 'ERROR: password authentication failed for user "u"; SQLState: 28P01', true],
    ['DatabaseErrorException', 'ERROR: role "u" is not permitted to log in; SQLState: 28000', true],
    ['BadRequestException', "Access denied for user 'u'@'10.0.0.1' (using password: YES)", true],
    ['DatabaseErrorException', "Database error code: 1045. Message: Access denied for user 'u'@'%'", true],
    [
      'DatabaseErrorException',
      "Database error code: 1044. Message: Access denied for user 'u'@'%' to database 'd'",
      false,
    ],
    ['DatabaseErrorException', 'ERROR: permission denied for database app; SQLState: 42501', false],
    ['SecretsErrorException', 'password authentication failed', false],
    ['DatabaseUnavailableException', 'Communications link failure', false],
  ])('classifies %s "%s" as auth failure: %s', (name, message, expected) => {
    expect(isAuthFailure(serviceError(name, message))).toBe(expected);
  });

  it('describes an error on one line with given strings masked', () => {
    expect(describeDataApiError(serviceError('BadRequestException', 'bad\n  pw=s3cr3t-value'), ['s3cr3t-value'])).toBe(
      'BadRequestException: bad pw=[REDACTED]',
    );
  });

  it.each([
    ['s', { stringValue: 's' }],
    [-3, { longValue: -3 }],
    [2 ** 53, { doubleValue: 2 ** 53 }],
    [0.25, { doubleValue: 0.25 }],
    [true, { booleanValue: true }],
    [null, { isNull: true }],
  ])('maps %p to %p', (value, field) => {
    expect(toField(value, 1)).toEqual(field);
  });

  it('refuses a number the Data API cannot carry', () => {
    expect(() => toField(Number.NaN, 2)).toThrow('parameter 2 must be a finite number, got NaN');
  });

  it('names a probe after the token, cut to secret-name characters', () => {
    expect(probeSecretName('rotation-probe', 'a b/c', 'AWSPREVIOUS')).toMatch(
      /^rotation-probe\/a-b-c\/awsprevious-[0-9a-f]{8}$/,
    );
  });
});
