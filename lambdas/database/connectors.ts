import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../core/errors';
import { createSecretsManagerClient } from '../core/handler';
import type { RotationContext } from '../core/strategy';
import { clusterArnFor, DataApiConnector, sweepProbeSecrets } from './data-api';
import type { DatabaseSecret } from './db-secret';
import { DirectConnector } from './direct';
import type { DatabaseEngine } from './strategy';
import { tlsTrust } from './tls';
import type { Connector, TlsTrust } from './types';

export type ConnectionMode = 'direct' | 'data-api';

const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;

// One of each per container: clients keep their connections warm between invocations.
let rdsData: RDSDataClient | undefined;
let secretsManager: SecretsManagerClient | undefined;
const trustByCaFile = new Map<string, TlsTrust>();

/**
 * How to reach the database for a secret: tag `rotation:connection` (or env DB_CONNECTION) `direct` (the default: pg
 * or mysql2 with verified TLS) or `data-api` (the RDS Data API on the Aurora cluster named by the secret's
 * `dbClusterIdentifier`, or by tag `rotation:cluster-arn` / env DB_CLUSTER_ARN).
 */
export function connectorFor(ctx: RotationContext, secret: DatabaseSecret, engine: DatabaseEngine): Connector {
  if (connectionMode(ctx) === 'direct') {
    const caFile = ctx.settings.string('ca-file', 'DB_CA_FILE');
    return new DirectConnector(
      engine.driver,
      () => {
        const key = caFile ?? '';
        let trust = trustByCaFile.get(key);
        if (trust === undefined) {
          trust = tlsTrust(caFile, ctx.secretName);
          trustByCaFile.set(key, trust);
        }
        return trust;
      },
      ctx.logger,
    );
  }
  rdsData ??= new RDSDataClient({ maxAttempts: 8 });
  secretsManager ??= createSecretsManagerClient();
  return new DataApiConnector({
    clusterArn: dataApiClusterArn(ctx, secret),
    database: secret.dbname,
    engine: engine.dataApiEngine,
    token: ctx.token,
    logger: ctx.logger,
    rdsData,
    secretsManager,
  });
}

export function connectionMode(ctx: RotationContext): ConnectionMode {
  return ctx.settings.oneOf<ConnectionMode>('connection', 'DB_CONNECTION', ['direct', 'data-api'], 'direct');
}

/** Lambda's longest timeout: a probe secret older than this belongs to no running invocation. */
export const PROBE_MAX_AGE_MS = 15 * 60_000;

/**
 * finishSecret over the Data API: deletes probe secrets that a crashed invocation left behind (a process killed
 * between CreateSecret and DeleteSecret): every probe of this secret, and any other older than Lambda's longest
 * timeout. One ListSecrets call; a failure is logged, never fatal: the rotation is done.
 */
export async function sweepLeftoverProbes(ctx: RotationContext): Promise<void> {
  secretsManager ??= createSecretsManagerClient();
  try {
    await sweepProbeSecrets(secretsManager, PROBE_MAX_AGE_MS, { logger: ctx.logger, forSecretArn: ctx.secretArn });
  } catch (error) {
    ctx.logger.warn('could not list leftover probe secrets; the next rotation tries again', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}

/** The Aurora cluster ARN for the Data API: the setting, else built from the secret's `dbClusterIdentifier`. */
export function dataApiClusterArn(ctx: RotationContext, secret: DatabaseSecret): string {
  const setting = ctx.settings.raw('cluster-arn', 'DB_CLUSTER_ARN');
  if (setting !== undefined) {
    if (!CLUSTER_ARN.test(setting.value)) {
      throw ctx.settings.invalid(setting, 'an Aurora cluster ARN (arn:aws:rds:<region>:<account>:cluster:<name>)');
    }
    return setting.value;
  }
  if (secret.dbClusterIdentifier === undefined) {
    throw new ConfigurationError(
      `secret ${ctx.secretName} field "dbClusterIdentifier" must name the Aurora cluster for the Data API ` +
        '(tag rotation:connection=data-api), got no such field; or set tag rotation:cluster-arn',
      { secretId: ctx.secretName },
    );
  }
  return clusterArnFor(ctx.secretArn, secret.dbClusterIdentifier);
}
