import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type Field,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerClient } from '../core/handler';
import type { Logger } from '../core/logger';
import { REDACTED, redactText, registerSecretValue } from '../core/redaction';
import { type PlaceholderDialect, parameterName, toNamedParameters } from './placeholders';
import {
  checkProbePrefix,
  createProbeSecret,
  DEFAULT_PROBE_PREFIX,
  deleteProbeSecret,
  type ProbeSecret,
} from './probe-secret';
import type { Connector, LoginAs, LoginResult, SqlRow, SqlSession, SqlValue } from './types';

export { sweepProbeSecrets } from './probe-secret';

const SECRET_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:.+$/;
const CLUSTER_ID = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

/**
 * The Aurora cluster ARN for the Data API, in the partition, Region and account of the secret:
 * `arn:<partition>:rds:<region>:<account>:cluster:<dbClusterIdentifier>`.
 *
 * @example
 * clusterArnFor('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf', 'app-cluster')
 * // 'arn:aws:rds:eu-west-1:123456789012:cluster:app-cluster'
 */
export function clusterArnFor(secretArn: string, dbClusterIdentifier: string): string {
  const match = SECRET_ARN.exec(secretArn);
  if (match === null) {
    throw new Error(
      `secret ARN must look like arn:aws:secretsmanager:<region>:<account>:secret:<name>, got "${secretArn}"`,
    );
  }
  if (!CLUSTER_ID.test(dbClusterIdentifier)) {
    throw new Error(
      `field "dbClusterIdentifier" must be an Aurora cluster identifier (a letter, then up to 62 letters, digits or ` +
        `hyphens), got "${dbClusterIdentifier.slice(0, 80)}"`,
    );
  }
  const [, partition, region, account] = match;
  return `arn:${partition}:rds:${region}:${account}:cluster:${dbClusterIdentifier}`;
}

/** A Data API call that failed: `name` is the service's exception name, the message is one redacted line. */
export class DataApiError extends Error {
  constructor(
    name: string,
    message: string,
    /** The service's request id, for AWS support. */
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = name;
  }
}

/**
 * Messages of a refused login: PostgreSQL (SQLSTATE 28P01 / 28000) and MySQL / MariaDB (error 1045, "Access denied for
 * user '...'@'...' (using password: YES)"). Not error 1044 ("Access denied for user ... to database ..."): that user
 * logged in and lacks a privilege on the database.
 */
const AUTH_MESSAGE =
  /password authentication failed|SQLState: 28(?:P01|000)\b|error code: 1045\b|Access denied for user .*\(using password: (?:YES|NO)\)/i;
/** The exceptions AWS documents for a database that refuses the statement or the login. */
const DATABASE_EXCEPTIONS = new Set(['DatabaseErrorException', 'BadRequestException']);
/** Waits before retrying a login that the Data API answered with a transient exception. */
export interface LoginRetryDelays {
  /** A probe secret made a moment ago may not be readable yet (eventual consistency, inferred). */
  readonly SecretsErrorException: readonly number[];
  /** An Aurora Serverless v2 cluster paused at zero capacity: AWS says the request resumes it, "wait a few seconds". */
  readonly DatabaseResumingException: readonly number[];
}

const DEFAULT_RETRY_DELAYS: LoginRetryDelays = {
  SecretsErrorException: [250, 1000],
  DatabaseResumingException: [2000, 4000, 8000, 10_000],
};
const MAX_MESSAGE = 500;

/** True when a Data API error says the database refused the user name / password. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof Error && DATABASE_EXCEPTIONS.has(error.name) && AUTH_MESSAGE.test(error.message);
}

/**
 * A Data API (or SDK) error as one line, `<ExceptionName>: <message>`, with every remembered secret value and every
 * string in `mask` replaced by [REDACTED].
 */
export function describeDataApiError(error: unknown, mask: readonly string[] = []): string {
  const name = error instanceof Error ? error.name : 'Error';
  return `${name}: ${redactMessage(error instanceof Error ? error.message : String(error), mask)}`;
}

function redactMessage(message: string, mask: readonly string[]): string {
  let line = message.replace(/\s+/g, ' ').trim();
  for (const secret of mask) {
    if (secret.length > 0) line = line.split(secret).join(REDACTED);
  }
  line = redactText(line);
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}...` : line;
}

/** Turns an SDK failure into a DataApiError (no `cause`: the SDK error may carry the request body). */
function dataApiError(error: unknown, mask: readonly string[]): DataApiError {
  const requestId = (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
  const name = error instanceof Error ? error.name : 'Error';
  return new DataApiError(name, redactMessage(error instanceof Error ? error.message : String(error), mask), requestId);
}

/** One positional value as a Data API parameter value. */
export function toField(value: SqlValue, position: number): Field {
  if (value === null) return { isNull: true };
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { booleanValue: value };
    case 'number':
      if (Number.isSafeInteger(value)) return { longValue: value };
      if (Number.isFinite(value)) return { doubleValue: value };
      throw new TypeError(`parameter ${position} must be a finite number, got ${value}`);
    default:
      throw new TypeError(`parameter ${position} must be a string, number, boolean or null, got ${typeof value}`);
  }
}

/** The SDK input for `sql` with positional `params` in `dialect`. */
export function statementInput(
  sql: string,
  params: readonly SqlValue[],
  dialect: PlaceholderDialect,
): { sql: string; parameters: SqlParameter[] } {
  return {
    sql: toNamedParameters(sql, dialect, params.length),
    parameters: params.map((value, i) => ({ name: parameterName(i + 1), value: toField(value, i + 1) })),
  };
}

/** Options of DataApiConnector. */
export interface DataApiConnectorOptions {
  /** The Aurora cluster: `arn:aws:rds:<region>:<account>:cluster:<id>` (see `clusterArnFor`). */
  readonly clusterArn: string;
  /** Database to run statements in. @default - the cluster's default */
  readonly database: string | undefined;
  readonly engine: 'postgres' | 'mysql';
  /** The rotation's ClientRequestToken: it names the probe secrets. */
  readonly token: string;
  readonly logger: Logger;
  /** @default - a new RDSDataClient (Region and endpoint from the environment) */
  readonly rdsData?: RDSDataClient;
  /** @default - createSecretsManagerClient() */
  readonly secretsManager?: SecretsManagerClient;
  /** Probe secret names start with `<probePrefix>/`. @default 'rotation-probe' */
  readonly probePrefix?: string;
  /** @default - 0.25 s and 1 s for a fresh probe; 2, 4, 8 and 10 s for a resuming cluster */
  readonly loginRetryDelays?: LoginRetryDelays;
}

/** What a session needs to run statements: the cluster, the secret to log in with, and how to describe failures. */
interface Binding {
  readonly rdsData: RDSDataClient;
  readonly clusterArn: string;
  readonly database: string | undefined;
  readonly dialect: PlaceholderDialect;
  readonly secretArn: string;
  /** Strings to mask in messages besides the remembered secret values: the login password. */
  readonly mask: readonly string[];
  readonly logger: Logger;
}

class DataApiSession implements SqlSession {
  private closed = false;

  constructor(
    private readonly binding: Binding,
    readonly username: string,
    private readonly transactionId: string | undefined,
    private readonly onClose: () => Promise<void>,
  ) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<readonly SqlRow[]> {
    const { rdsData, clusterArn, database, dialect, secretArn, mask } = this.binding;
    const input = statementInput(sql, params, dialect);
    try {
      const out = await rdsData.send(
        new ExecuteStatementCommand({
          resourceArn: clusterArn,
          secretArn,
          ...(database === undefined ? {} : { database }),
          ...input,
          ...(this.transactionId === undefined ? {} : { transactionId: this.transactionId }),
          formatRecordsAs: 'JSON',
        }),
      );
      return out.formattedRecords === undefined ? [] : (JSON.parse(out.formattedRecords) as SqlRow[]);
    } catch (error) {
      throw dataApiError(error, mask);
    }
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    // Already inside one: the Data API has no nested transactions, so the work joins this one.
    if (this.transactionId !== undefined) return work(this);
    const { rdsData, clusterArn, database, secretArn, mask, logger } = this.binding;
    let transactionId: string;
    try {
      const out = await rdsData.send(
        new BeginTransactionCommand({
          resourceArn: clusterArn,
          secretArn,
          ...(database === undefined ? {} : { database }),
        }),
      );
      if (out.transactionId === undefined) throw new Error('BeginTransaction returned no transactionId');
      transactionId = out.transactionId;
    } catch (error) {
      throw dataApiError(error, mask);
    }
    const ends = { resourceArn: clusterArn, secretArn, transactionId };
    try {
      const result = await work(new DataApiSession(this.binding, this.username, transactionId, async () => undefined));
      try {
        await rdsData.send(new CommitTransactionCommand(ends));
      } catch (error) {
        throw dataApiError(error, mask);
      }
      return result;
    } catch (error) {
      await rdsData.send(new RollbackTransactionCommand(ends)).catch((rollbackError: unknown) => {
        // A failed commit has usually ended the transaction already; the Data API also rolls back after 3 minutes.
        logger.debug('RollbackTransaction failed', { error: describeDataApiError(rollbackError, mask) });
      });
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose();
  }
}

/**
 * Reaches an Aurora cluster through the RDS Data API: no VPC placement, no database driver. The Data API logs in
 * with the AWSCURRENT value of the secret named in each call, so a login with AWSCURRENT is bound to the secret
 * itself, and a login with any other version goes through a probe secret holding that version's user name and
 * password, deleted again by `close()` (docs/data-api.md).
 */
export class DataApiConnector implements Connector {
  readonly mode = 'data-api';
  private readonly rdsData: RDSDataClient;
  private readonly secretsManager: SecretsManagerClient;
  private readonly probePrefix: string;

  constructor(private readonly options: DataApiConnectorOptions) {
    this.rdsData = options.rdsData ?? new RDSDataClient({ maxAttempts: 8 });
    this.secretsManager = options.secretsManager ?? createSecretsManagerClient();
    this.probePrefix = checkProbePrefix(options.probePrefix ?? DEFAULT_PROBE_PREFIX);
  }

  async login(as: LoginAs): Promise<LoginResult> {
    registerSecretValue(as.secret.password);
    if (as.stage === 'AWSCURRENT') return this.check(as, as.secretArn, async () => undefined, false);
    let probe: ProbeSecret;
    try {
      probe = await createProbeSecret(this.secretsManager, { prefix: this.probePrefix, token: this.options.token, as });
    } catch (error) {
      return { reason: describeDataApiError(error, [as.secret.password]).replace(/^Error: /, ''), authFailure: false };
    }
    this.options.logger.debug('created a probe secret to log in with a non-current version', {
      probe: probe.name,
      stage: as.stage,
      user: as.secret.username,
    });
    return this.check(as, probe.arn, () => deleteProbeSecret(this.secretsManager, probe, this.options.logger), true);
  }

  /**
   * Logs in through `secretArn` and checks who the Data API logged in as (one statement): a refused login is an
   * auth failure; a login as another user (AWSCURRENT moved under us) is a failure too.
   */
  private async check(
    as: LoginAs,
    secretArn: string,
    cleanup: () => Promise<void>,
    freshProbe: boolean,
  ): Promise<LoginResult> {
    const { clusterArn, database, engine, logger } = this.options;
    const binding: Binding = {
      rdsData: this.rdsData,
      clusterArn,
      database,
      dialect: engine,
      secretArn,
      mask: [as.secret.password],
      logger,
    };
    const session = new DataApiSession(binding, as.secret.username, undefined, cleanup);
    const whoAmI = engine === 'postgres' ? 'SELECT session_user::text AS username' : 'SELECT USER() AS username';
    const delays = this.options.loginRetryDelays ?? DEFAULT_RETRY_DELAYS;
    const left = {
      SecretsErrorException: freshProbe ? [...delays.SecretsErrorException] : [],
      DatabaseResumingException: [...delays.DatabaseResumingException],
    };
    let rows: readonly SqlRow[];
    for (;;) {
      try {
        rows = await session.query(whoAmI);
        break;
      } catch (error) {
        const name = (error as Error).name;
        const delay =
          name === 'SecretsErrorException' || name === 'DatabaseResumingException' ? left[name].shift() : undefined;
        if (delay !== undefined) {
          logger.debug('the Data API login will be retried', { exception: name, delayMs: delay, stage: as.stage });
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        await session.close();
        return { reason: describeDataApiError(error), authFailure: isAuthFailure(error) };
      }
    }
    const raw = rows[0]?.username;
    // MySQL's USER() is 'name@client-host'; the name itself may contain '@'.
    const user =
      typeof raw === 'string' && engine === 'mysql' && raw.includes('@') ? raw.slice(0, raw.lastIndexOf('@')) : raw;
    if (user !== as.secret.username) {
      await session.close();
      const why = as.stage === 'AWSCURRENT' ? ": the secret's AWSCURRENT changed meanwhile" : '';
      return {
        reason:
          `the Data API logged in as ${JSON.stringify(user)}, not as ${as.secret.username} (${as.stage} of ` +
          `${as.secretArn})${why}`,
        authFailure: false,
      };
    }
    return { session };
  }
}
