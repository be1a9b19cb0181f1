import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { sharedMariaDb } from '../../../support';
import { clusterArn, type DataApiHarness, errorOf, secretArn, startDataApi } from './data-api-harness';

const db = sharedMariaDb({ database: 'app' });
const resourceArn = clusterArn('mysql-app');
const SECRET = secretArn('mysql-app');
let api: DataApiHarness;

beforeAll(async () => {
  api = await startDataApi(new Map([[resourceArn, `mysql://127.0.0.1:${db().port}/app`]]));
  api.secrets.set(SECRET, JSON.stringify({ engine: 'mysql', username: db().rootUser, password: db().rootPassword }));
  await run(
    'CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), score DOUBLE, active BOOLEAN, photo VARBINARY(16), note TEXT)',
  );
});

afterAll(async () => {
  await api?.close();
});

function run(sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) {
  return api.client.send(new ExecuteStatementCommand({ resourceArn, secretArn: SECRET, sql, ...extra }));
}

describe('RDS Data API on MySQL (MariaDB)', () => {
  it('returns every value type as its Field member, with column metadata', async () => {
    const out = await run(
      `SELECT CAST(42 AS SIGNED) AS i, CAST(1.5 AS DOUBLE) AS d, 'héllo' AS s, X'00FF' AS b, NULL AS n,
              CAST(12.34 AS DECIMAL(5,2)) AS dec_, CAST('2024-01-02 03:04:05' AS DATETIME) AS ts`,
      { includeResultMetadata: true },
    );

    expect(out.records).toEqual([
      [
        { longValue: 42 },
        { doubleValue: 1.5 },
        { stringValue: 'héllo' },
        { blobValue: new Uint8Array([0, 255]) },
        { isNull: true },
        { stringValue: '12.34' },
        { stringValue: '2024-01-02 03:04:05' },
      ],
    ]);
    expect(out.columnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['i', 'INT'],
      ['d', 'DOUBLE'],
      ['s', 'VARCHAR'],
      ['b', 'VARBINARY'],
      ['n', 'NULL'],
      ['dec_', 'DECIMAL'],
      ['ts', 'DATETIME'],
    ]);
  });

  it('inserts with named parameters, reporting the row count and the generated key', async () => {
    const out = await run(
      'INSERT INTO people (name, score, active, photo, note) VALUES (:name, :score, :active, :photo, :note)',
      {
        parameters: [
          { name: 'name', value: { stringValue: "O'Brien \\ :not_a_param" } },
          { name: 'score', value: { doubleValue: 2.25 } },
          { name: 'active', value: { booleanValue: true } },
          { name: 'photo', value: { blobValue: new Uint8Array([1, 2, 3]) } },
          { name: 'note', value: { isNull: true } },
        ],
      },
    );
    expect(out.numberOfRecordsUpdated).toBe(1);
    expect(out.generatedFields).toEqual([{ longValue: expect.any(Number) }]);
    const id = Number(out.generatedFields?.[0]?.longValue);

    const back = await run('SELECT name, score, active, photo, note FROM people WHERE id = :id', {
      parameters: [{ name: 'id', value: { longValue: id } }],
      includeResultMetadata: true,
    });
    expect(back.records).toEqual([
      [
        { stringValue: "O'Brien \\ :not_a_param" },
        { doubleValue: 2.25 },
        { booleanValue: true },
        { blobValue: new Uint8Array([1, 2, 3]) },
        { isNull: true },
      ],
    ]);
    expect(back.columnMetadata?.[0]).toMatchObject({ tableName: 'people', nullable: 1, precision: 400 });
  });

  it('runs a batch once per parameter set, returning each generated key', async () => {
    const out = await api.client.send(
      new BatchExecuteStatementCommand({
        resourceArn,
        secretArn: SECRET,
        sql: 'INSERT INTO people (name) VALUES (:name)',
        parameterSets: [
          [{ name: 'name', value: { stringValue: 'batch-1' } }],
          [{ name: 'name', value: { stringValue: 'batch-2' } }],
        ],
      }),
    );

    const keys = out.updateResults?.map((r) => Number(r.generatedFields?.[0]?.longValue));
    expect(keys).toHaveLength(2);
    expect((keys?.[1] ?? 0) - (keys?.[0] ?? 0)).toBe(1);
    const rows = await run("SELECT name FROM people WHERE name LIKE 'batch-%' ORDER BY id");
    expect(rows.records).toEqual([[{ stringValue: 'batch-1' }], [{ stringValue: 'batch-2' }]]);
  });

  it('returns formattedRecords instead of records when formatRecordsAs is JSON', async () => {
    const out = await run("SELECT 1 AS id, 'a' AS name, NULL AS missing", { formatRecordsAs: 'JSON' });
    expect(out.records).toBeUndefined();
    expect(JSON.parse(out.formattedRecords ?? '')).toEqual([{ id: 1, name: 'a', missing: null }]);
  });

  it('commits a transaction made on its own connection', async () => {
    const { transactionId } = await api.client.send(new BeginTransactionCommand({ resourceArn, secretArn: SECRET }));
    await run("INSERT INTO people (name) VALUES ('committed')", { transactionId });
    const outside = await run("SELECT COUNT(*) FROM people WHERE name = 'committed'");
    expect(outside.records).toEqual([[{ longValue: 0 }]]);

    const commit = await api.client.send(
      new CommitTransactionCommand({ resourceArn, secretArn: SECRET, transactionId }),
    );

    expect(commit.transactionStatus).toBe('Transaction Committed');
    const after = await run("SELECT COUNT(*) FROM people WHERE name = 'committed'");
    expect(after.records).toEqual([[{ longValue: 1 }]]);
  });

  it('rolls a transaction back', async () => {
    const { transactionId } = await api.client.send(new BeginTransactionCommand({ resourceArn, secretArn: SECRET }));
    await run("INSERT INTO people (name) VALUES ('rolled back')", { transactionId });

    const rollback = await api.client.send(
      new RollbackTransactionCommand({ resourceArn, secretArn: SECRET, transactionId }),
    );

    expect(rollback.transactionStatus).toBe('Rollback Complete');
    const after = await run("SELECT COUNT(*) FROM people WHERE name = 'rolled back'");
    expect(after.records).toEqual([[{ longValue: 0 }]]);
  });

  it('reports a syntax error as DatabaseErrorException with the database message', async () => {
    const error = await errorOf(run('SELEC 1'));
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/^Database error code: 1064\. Message: You have an error in your SQL syntax/);
  });

  it('refuses a wrong password in the secret without revealing it', async () => {
    const badSecret = secretArn('mysql-wrong');
    const wrongPassword = 'Wr0ng-Passw0rd-xyzzy';
    api.secrets.set(badSecret, JSON.stringify({ username: db().rootUser, password: wrongPassword }));

    const error = await errorOf(run('SELECT 1', { secretArn: badSecret }));

    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/Access denied for user 'root'@'127\.0\.0\.1'/);
    expect(error.message).not.toContain(wrongPassword);
  });

  it('masks the secret password when the database echoes it', async () => {
    const error = await errorOf(run(`SELECT * FROM \`${db().rootPassword}\``));
    expect(error.message).toBe("Database error code: 1146. Message: Table 'app.********' doesn't exist");
  });
});
