import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { sharedPostgres } from '../../../support';
import { clusterArn, type DataApiHarness, errorOf, secretArn, startDataApi } from './data-api-harness';

const pg = sharedPostgres({ database: 'app' });
const resourceArn = clusterArn('pg-app');
const SECRET = secretArn('pg-app');
let api: DataApiHarness;

beforeAll(async () => {
  api = await startDataApi(new Map([[resourceArn, `postgres://127.0.0.1:${pg().port}/app`]]));
  api.secrets.set(SECRET, JSON.stringify({ engine: 'postgres', username: pg().user, password: pg().password }));
  await run(
    'CREATE TABLE people (id serial PRIMARY KEY, name text, ref uuid, score float8, active boolean, photo bytea, note text)',
  );
});

afterAll(async () => {
  await api?.close();
});

function run(sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) {
  return api.client.send(new ExecuteStatementCommand({ resourceArn, secretArn: SECRET, sql, ...extra }));
}

describe('RDS Data API on PostgreSQL', () => {
  it('returns every value type as its Field member, with column metadata', async () => {
    const out = await run(
      `SELECT 42::int4 AS i, 9007199254740991::int8 AS big, 1.5::float8 AS d, true AS b, 'héllo'::text AS s,
              '\\x00ff'::bytea AS blob, NULL::text AS n, 12.34::numeric(5,2) AS dec,
              '2024-01-02 03:04:05'::timestamp AS ts, ARRAY[1,2]::int4[] AS arr`,
      { includeResultMetadata: true },
    );

    expect(out.records).toEqual([
      [
        { longValue: 42 },
        { longValue: 9007199254740991 },
        { doubleValue: 1.5 },
        { booleanValue: true },
        { stringValue: 'héllo' },
        { blobValue: new Uint8Array([0, 255]) },
        { isNull: true },
        { stringValue: '12.34' },
        { stringValue: '2024-01-02 03:04:05' },
        { arrayValue: { longValues: [1, 2] } },
      ],
    ]);
    expect(out.numberOfRecordsUpdated).toBe(0);
    expect(out.columnMetadata?.map((c) => [c.name, c.typeName, c.type])).toEqual([
      ['i', 'int4', 4],
      ['big', 'int8', -5],
      ['d', 'float8', 8],
      ['b', 'bool', -7],
      ['s', 'text', 12],
      ['blob', 'bytea', -2],
      ['n', 'text', 12],
      ['dec', 'numeric', 2],
      ['ts', 'timestamp', 93],
      ['arr', '_int4', 2003],
    ]);
    expect(out.columnMetadata?.[7]).toMatchObject({ precision: 5, scale: 2 });
  });

  it('inserts with typed named parameters and reports the row count', async () => {
    const ref = '6f1c3a52-8d0e-4f4a-9a57-0c1f3f0a9b11';
    const out = await run(
      'INSERT INTO people (name, ref, score, active, photo, note) VALUES (:name, :ref, :score, :active, :photo, :note)',
      {
        parameters: [
          { name: 'name', value: { stringValue: "O'Brien :not_a_param" } },
          { name: 'ref', value: { stringValue: ref }, typeHint: 'UUID' },
          { name: 'score', value: { doubleValue: 2.25 } },
          { name: 'active', value: { booleanValue: false } },
          { name: 'photo', value: { blobValue: new Uint8Array([1, 2, 3]) } },
          { name: 'note', value: { isNull: true } },
        ],
      },
    );
    expect(out.numberOfRecordsUpdated).toBe(1);

    const back = await run('SELECT name, ref, score, active, photo, note FROM people WHERE ref = :ref', {
      parameters: [{ name: 'ref', value: { stringValue: ref }, typeHint: 'UUID' }],
    });
    expect(back.records).toEqual([
      [
        { stringValue: "O'Brien :not_a_param" },
        { stringValue: ref },
        { doubleValue: 2.25 },
        { booleanValue: false },
        { blobValue: new Uint8Array([1, 2, 3]) },
        { isNull: true },
      ],
    ]);
  });

  it('runs a batch inside a transaction once per parameter set', async () => {
    const { transactionId } = await api.client.send(new BeginTransactionCommand({ resourceArn, secretArn: SECRET }));
    const out = await api.client.send(
      new BatchExecuteStatementCommand({
        resourceArn,
        secretArn: SECRET,
        transactionId,
        sql: 'INSERT INTO people (name, score) VALUES (:name, :score)',
        parameterSets: [
          [
            { name: 'name', value: { stringValue: 'batch' } },
            { name: 'score', value: { doubleValue: 1 } },
          ],
          [
            { name: 'name', value: { stringValue: 'batch' } },
            { name: 'score', value: { doubleValue: 2 } },
          ],
        ],
      }),
    );
    await api.client.send(new CommitTransactionCommand({ resourceArn, secretArn: SECRET, transactionId }));

    expect(out.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }]);
    const rows = await run("SELECT score FROM people WHERE name = 'batch' ORDER BY score");
    expect(rows.records).toEqual([[{ doubleValue: 1 }], [{ doubleValue: 2 }]]);
  });

  it('sends a string without typeHint as varchar, so a uuid column refuses it as on AWS', async () => {
    const error = await errorOf(
      run('INSERT INTO people (ref) VALUES (:ref)', {
        parameters: [{ name: 'ref', value: { stringValue: '6f1c3a52-8d0e-4f4a-9a57-0c1f3f0a9b12' } }],
      }),
    );
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/column "ref" is of type uuid but expression is of type character varying/);
  });

  it('binds a name used twice once and leaves :: casts alone', async () => {
    const out = await run("SELECT :n::int4 + :n::int4 AS twice, '1'::int4 AS cast", {
      parameters: [{ name: 'n', value: { longValue: 21 } }],
    });
    expect(out.records).toEqual([[{ longValue: 42 }, { longValue: 1 }]]);
  });

  it('returns formattedRecords instead of records when formatRecordsAs is JSON', async () => {
    const out = await run("SELECT 1 AS id, 'a' AS name, NULL::int4 AS missing, true AS ok", {
      formatRecordsAs: 'JSON',
    });
    expect(out.records).toBeUndefined();
    expect(JSON.parse(out.formattedRecords ?? '')).toEqual([{ id: 1, name: 'a', missing: null, ok: true }]);
  });

  it('keeps a transaction on its own connection until commit', async () => {
    const { transactionId } = await api.client.send(new BeginTransactionCommand({ resourceArn, secretArn: SECRET }));
    await run("INSERT INTO people (name) VALUES ('committed')", { transactionId });
    const outside = await run("SELECT count(*) FROM people WHERE name = 'committed'");
    expect(outside.records).toEqual([[{ longValue: 0 }]]);

    const commit = await api.client.send(
      new CommitTransactionCommand({ resourceArn, secretArn: SECRET, transactionId }),
    );

    expect(commit.transactionStatus).toBe('Transaction Committed');
    const after = await run("SELECT count(*) FROM people WHERE name = 'committed'");
    expect(after.records).toEqual([[{ longValue: 1 }]]);
  });

  it('discards a rolled back transaction and forgets its id', async () => {
    const { transactionId } = await api.client.send(new BeginTransactionCommand({ resourceArn, secretArn: SECRET }));
    await run("INSERT INTO people (name) VALUES ('rolled back')", { transactionId });

    const rollback = await api.client.send(
      new RollbackTransactionCommand({ resourceArn, secretArn: SECRET, transactionId }),
    );

    expect(rollback.transactionStatus).toBe('Rollback Complete');
    const after = await run("SELECT count(*) FROM people WHERE name = 'rolled back'");
    expect(after.records).toEqual([[{ longValue: 0 }]]);
    const reuse = await errorOf(run('SELECT 1', { transactionId }));
    expect(reuse.name).toBe('TransactionNotFoundException');
    expect(reuse.$metadata?.httpStatusCode).toBe(404);
  });

  it('reports a syntax error as DatabaseErrorException with the database message', async () => {
    const error = await errorOf(run('SELEC 1'));
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe('ERROR: syntax error at or near "SELEC"; SQLState: 42601');
  });

  it('refuses a wrong password in the secret without revealing it', async () => {
    const badSecret = secretArn('pg-wrong');
    const wrongPassword = 'Wr0ng-Passw0rd-xyzzy';
    api.secrets.set(badSecret, JSON.stringify({ username: pg().user, password: wrongPassword }));

    const error = await errorOf(run('SELECT 1', { secretArn: badSecret }));

    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/password authentication failed for user "postgres"/);
    expect(error.message).not.toContain(wrongPassword);
  });

  it('masks the secret password when the database echoes it', async () => {
    const error = await errorOf(run(`SELECT * FROM "${pg().password}"`));
    expect(error.message).toBe('ERROR: relation "********" does not exist; SQLState: 42P01');
  });

  it('answers an unregistered cluster, a missing secret and a malformed secret with the service errors', async () => {
    const noCluster = await errorOf(run('SELECT 1', { resourceArn: clusterArn('nowhere') }));
    const noSecret = await errorOf(run('SELECT 1', { secretArn: secretArn('missing') }));
    api.secrets.set(secretArn('not-json'), 'user=postgres');
    const badSecret = await errorOf(run('SELECT 1', { secretArn: secretArn('not-json') }));

    expect(noCluster.name).toBe('HttpEndpointNotEnabledException');
    expect(noSecret.name).toBe('SecretsErrorException');
    expect(badSecret.name).toBe('InvalidSecretException');
    expect(badSecret.message).not.toContain('user=postgres');
  });
});
