import type { EmulatorRequest, EmulatorResponse, RequestContext, ServiceHandler } from '../http-types';
import { AwsServiceError } from '../http-types';
import { type ClusterTarget, parseClusterUrl } from './cluster-spec';
import { credentialsFrom } from './credentials';
import { type Credentials, DbFailure, type DbSession, type StatementResult } from './engine';
import { dataApiError, redact } from './errors';
import { formatRecordsAsJson } from './formatted-records';
import {
  batchExecuteStatementInput,
  beginTransactionInput,
  type ExecuteStatementInput,
  endTransactionInput,
  executeStatementInput,
  parseBody,
} from './input';
import { connectMySql } from './mysql-engine';
import { connectPostgres } from './postgres-engine';
import { TransactionRegistry } from './transactions';
import type { Field, ResultSetOptions } from './wire-types';

const DEFAULT_RESULT_OPTIONS: ResultSetOptions = { decimalReturnType: 'STRING', longReturnType: 'LONG' };

/** What the emulator tells the Data API. */
export interface RdsDataOptions {
  /** Cluster ARN -> URL; the CLI flag is `--data-api <clusterArn>=<url>`. */
  clusters: Map<string, string>;
  /**
   * Returns the AWSCURRENT SecretString of secretArn, as Secrets Manager would give it to the Data API;
   * throws AwsServiceError for a missing secret (mapped to SecretsErrorException).
   */
  currentSecretString(secretArn: string): string;
}

/** rest-json routes of the model (`POST /Execute` etc.). */
const OPERATIONS: Readonly<Record<string, string>> = {
  '/Execute': 'ExecuteStatement',
  '/BatchExecute': 'BatchExecuteStatement',
  '/BeginTransaction': 'BeginTransaction',
  '/CommitTransaction': 'CommitTransaction',
  '/RollbackTransaction': 'RollbackTransaction',
};

function json(body: unknown): EmulatorResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Turns a database failure into the Data API error, masking the login password wherever a driver echoed it. */
function toAwsError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof DbFailure)) return error;
  const message = redact(error.message, secrets);
  return error.kind === 'unavailable' ? dataApiError.unavailable(message) : dataApiError.database(message);
}

function responseOf(input: ExecuteStatementInput, result: StatementResult): Record<string, unknown> {
  const body: Record<string, unknown> = { numberOfRecordsUpdated: result.numberOfRecordsUpdated };
  if (result.columns !== undefined && result.rows !== undefined) {
    if (input.formatRecordsAs === 'JSON') body.formattedRecords = formatRecordsAsJson(result.columns, result.rows);
    else body.records = result.rows;
    if (input.includeResultMetadata) body.columnMetadata = result.columns;
  }
  if (result.generatedFields !== undefined) body.generatedFields = result.generatedFields;
  return body;
}

/**
 * The RDS Data API over real PostgreSQL / MySQL servers: ExecuteStatement, BatchExecuteStatement,
 * BeginTransaction, CommitTransaction and RollbackTransaction for the registered clusters (AWS-BEHAVIOUR.md section 8).
 * A statement outside a transaction gets its own connection (autocommit); a transaction keeps a dedicated
 * connection until it is committed, rolled back, idle for three minutes, or `close()` is called.
 *
 * @example
 * const rdsData = createRdsData({
 *   clusters: new Map([parseDataApiSpec('arn:aws:rds:us-east-1:123456789012:cluster:app=postgres://127.0.0.1:5432/app')]),
 *   currentSecretString: (arn) => secrets.currentString(arn),
 * });
 */
export function createRdsData(options: RdsDataOptions): ServiceHandler & { close(): Promise<void> } {
  const clusters = new Map<string, ClusterTarget>();
  for (const [arn, url] of options.clusters) clusters.set(arn, parseClusterUrl(url));
  const transactions = new TransactionRegistry();
  /** Autocommit sessions in flight, so `close()` can end them too. */
  const active = new Set<DbSession>();

  const clusterOf = (resourceArn: string): ClusterTarget => {
    const target = clusters.get(resourceArn);
    if (target === undefined) throw dataApiError.notServed(resourceArn);
    return target;
  };

  const connect = async (target: ClusterTarget, credentials: Credentials, database?: string): Promise<DbSession> => {
    const name = database ?? target.database;
    try {
      return target.engine === 'postgres'
        ? await connectPostgres(target, credentials, name)
        : await connectMySql(target, credentials, name);
    } catch (error) {
      throw toAwsError(error, [credentials.password]);
    }
  };

  /**
   * Runs `work` on the transaction's connection when a transactionId is given, else on a fresh autocommit
   * connection logged in with the secret's AWSCURRENT credentials; database failures become Data API errors.
   */
  const withSession = async <T>(
    input: { resourceArn: string; secretArn: string; database?: string; transactionId?: string },
    work: (session: DbSession) => Promise<T>,
  ): Promise<T> => {
    const target = clusterOf(input.resourceArn);
    if (input.transactionId !== undefined) {
      const secrets = transactions.secretsOf(input.transactionId);
      return transactions.run(input.transactionId, input.resourceArn, work).catch((error: unknown) => {
        throw toAwsError(error, secrets);
      });
    }
    const credentials = credentialsFrom(input.secretArn, options.currentSecretString);
    const session = await connect(target, credentials, input.database);
    active.add(session);
    try {
      return await work(session);
    } catch (error) {
      throw toAwsError(error, [credentials.password]);
    } finally {
      active.delete(session);
      await session.close();
    }
  };

  const executeStatement = async (body: Record<string, unknown>): Promise<EmulatorResponse> => {
    const input = executeStatementInput(body);
    const result = await withSession(input, (session) =>
      session.execute(input.sql, input.parameters, input.resultSetOptions),
    );
    return json(responseOf(input, result));
  };

  /**
   * One run of the statement per parameter set, in order, on one connection; a failure stops the batch.
   * [I] Outside a transaction each run commits on its own (JDBC autocommit), so earlier sets stay applied.
   */
  const batchExecuteStatement = async (body: Record<string, unknown>): Promise<EmulatorResponse> => {
    const input = batchExecuteStatementInput(body);
    const updateResults = await withSession(input, async (session) => {
      const sets = input.parameterSets.length > 0 ? input.parameterSets : [new Map()];
      const results: { generatedFields: readonly Field[] }[] = [];
      for (const set of sets) {
        const result = await session.execute(input.sql, set, DEFAULT_RESULT_OPTIONS);
        results.push({ generatedFields: result.generatedFields ?? [] });
      }
      return input.parameterSets.length > 0 ? results : [];
    });
    return json({ updateResults });
  };

  const beginTransaction = async (body: Record<string, unknown>): Promise<EmulatorResponse> => {
    const input = beginTransactionInput(body);
    const target = clusterOf(input.resourceArn);
    const credentials = credentialsFrom(input.secretArn, options.currentSecretString);
    const session = await connect(target, credentials, input.database);
    try {
      await session.execute(
        target.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION',
        new Map(),
        DEFAULT_RESULT_OPTIONS,
      );
    } catch (error) {
      await session.close();
      throw toAwsError(error, [credentials.password]);
    }
    return json({ transactionId: transactions.add(input.resourceArn, session, [credentials.password]) });
  };

  const endTransaction = async (
    body: Record<string, unknown>,
    statement: 'COMMIT' | 'ROLLBACK',
  ): Promise<EmulatorResponse> => {
    const input = endTransactionInput(body);
    clusterOf(input.resourceArn);
    const secrets = transactions.secretsOf(input.transactionId);
    await transactions.end(input.transactionId, input.resourceArn, statement).catch((error: unknown) => {
      throw toAwsError(error, secrets);
    });
    return json({ transactionStatus: statement === 'COMMIT' ? 'Transaction Committed' : 'Rollback Complete' });
  };

  return {
    name: 'rds-data',
    operationOf: (req: EmulatorRequest) => (req.method === 'POST' ? OPERATIONS[req.path] : undefined),
    handle: async (req: EmulatorRequest, _ctx: RequestContext): Promise<EmulatorResponse> => {
      const operation = req.method === 'POST' ? OPERATIONS[req.path] : undefined;
      if (operation === undefined) {
        throw new AwsServiceError('UnknownOperationException', `No operation at ${req.method} ${req.path}`, 404);
      }
      const body = parseBody(req.body);
      switch (operation) {
        case 'ExecuteStatement':
          return executeStatement(body);
        case 'BatchExecuteStatement':
          return batchExecuteStatement(body);
        case 'BeginTransaction':
          return beginTransaction(body);
        case 'CommitTransaction':
          return endTransaction(body, 'COMMIT');
        default:
          return endTransaction(body, 'ROLLBACK');
      }
    },
    close: async () => {
      await Promise.all([transactions.closeAll(), ...[...active].map((session) => session.close())]);
    },
  };
}
