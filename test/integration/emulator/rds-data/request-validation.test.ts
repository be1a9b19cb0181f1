import { AwsServiceError, type EmulatorRequest, type RequestContext } from '../../../../local/http-types';
import { createRdsData } from '../../../../local/rds-data';

const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:app';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const ctx = {} as RequestContext;

const rdsData = createRdsData({
  // Port 9 (discard) on loopback: nothing listens, so no test here may reach a database.
  clusters: new Map([[ARN, 'postgres://127.0.0.1:9/app']]),
  currentSecretString: () => {
    throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  },
});

afterAll(() => rdsData.close());

function request(path: string, body: unknown, method = 'POST'): EmulatorRequest {
  return { method, path, query: new URLSearchParams(), headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

async function failure(req: EmulatorRequest): Promise<AwsServiceError> {
  const error = await rdsData.handle(req, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AwsServiceError)) throw new Error(`expected an AwsServiceError, got ${String(error)}`);
  return error;
}

describe('RDS Data API request handling', () => {
  it('names the operations by their rest-json routes', () => {
    expect(rdsData.operationOf(request('/Execute', {}))).toBe('ExecuteStatement');
    expect(rdsData.operationOf(request('/BatchExecute', {}))).toBe('BatchExecuteStatement');
    expect(rdsData.operationOf(request('/BeginTransaction', {}))).toBe('BeginTransaction');
    expect(rdsData.operationOf(request('/CommitTransaction', {}))).toBe('CommitTransaction');
    expect(rdsData.operationOf(request('/RollbackTransaction', {}))).toBe('RollbackTransaction');
    expect(rdsData.operationOf(request('/Execute', {}, 'GET'))).toBeUndefined();
  });

  it('answers an unknown route with 404', async () => {
    const error = await failure(request('/ExecuteSql', {}));
    expect([error.code, error.status]).toEqual(['UnknownOperationException', 404]);
  });

  it('requires sql', async () => {
    const error = await failure(request('/Execute', { resourceArn: ARN, secretArn: SECRET }));
    expect([error.code, error.message]).toEqual(['BadRequestException', 'sql is required']);
  });

  it('refuses array parameters as the service does', async () => {
    const parameters = [{ name: 'ids', value: { arrayValue: { longValues: [1] } } }];
    const error = await failure(
      request('/Execute', { resourceArn: ARN, secretArn: SECRET, sql: 'SELECT 1', parameters }),
    );
    expect([error.code, error.message]).toEqual(['BadRequestException', 'Array parameters are not supported.']);
  });

  it('refuses an unknown typeHint, naming the parameter', async () => {
    const parameters = [{ name: 'a', value: { stringValue: 'x' }, typeHint: 'BLOB' }];
    const error = await failure(
      request('/Execute', { resourceArn: ARN, secretArn: SECRET, sql: 'SELECT 1', parameters }),
    );
    expect(error.message).toBe(
      'parameters[0].typeHint must be one of JSON, UUID, TIMESTAMP, DATE, TIME, DECIMAL, got "BLOB"',
    );
  });

  it('maps a missing secret to SecretsErrorException', async () => {
    const error = await failure(request('/Execute', { resourceArn: ARN, secretArn: SECRET, sql: 'SELECT 1' }));
    expect([error.code, error.status]).toEqual(['SecretsErrorException', 400]);
  });

  it('answers an unknown transaction with TransactionNotFoundException (404)', async () => {
    const error = await failure(
      request('/CommitTransaction', { resourceArn: ARN, secretArn: SECRET, transactionId: 'nope' }),
    );
    expect([error.code, error.status, error.message]).toEqual([
      'TransactionNotFoundException',
      404,
      'Transaction nope is not found',
    ]);
  });
});
