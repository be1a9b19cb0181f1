import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { rotationFunctionName } from '../../lambdas/registry';
import type { RotationConfig, SecretConfig } from '../config/schema';
import { TYPE_PROFILES } from '../config/type-profiles';

/** Where the config is applied: an emulator (or any Secrets Manager endpoint) in one account and Region. */
export interface ApplyTarget {
  readonly client: SecretsManagerClient;
  readonly account: string;
  readonly region: string;
  /** Progress lines for humans; never given a secret value. */
  readonly log?: (line: string) => void;
}

/** What happened to one secret. */
export interface AppliedSecret {
  readonly secretId: string;
  /** True when the secret did not exist and was created with a random first value. */
  readonly created: boolean;
  readonly functionArn: string;
  readonly rotationStarted: boolean;
  /**
   * Why nothing was done: a missing secret whose type needs a working credential as its first value (a database
   * password, an IAM key) is not invented, since a random value could never rotate.
   */
  readonly skipped?: string;
}

/** The name a config secret has in an emulator: its name, or the name inside its ARN. */
export function localSecretName(secret: SecretConfig): string {
  if (secret.name !== undefined) return secret.name;
  return (secret.arn as string).replace(/^.*:secret:/, '').replace(/-[A-Za-z0-9]{6}$/, '');
}

/** Tags the stack would put on a created secret (rotation settings, managed-by, inventory). */
export function secretTags(secret: SecretConfig, managedBy: string): Array<{ Key: string; Value: string }> {
  const tags: Record<string, string> = {
    ...secret.rotationTags,
    'rotation:managed-by': managedBy,
    'rotation:credential-type': secret.type,
  };
  if (secret.owner !== undefined) tags.owner = secret.owner;
  if (secret.consumers.length > 0) tags.consumers = secret.consumers.join(' ');
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A throwaway first value, like the one CloudFormation generates: rotation replaces it. */
function firstValue(secret: SecretConfig): string {
  const random = randomBytes(24).toString('hex');
  const field = secret.generatedField;
  return field === undefined ? random : JSON.stringify({ ...secret.initialFields, [field]: random });
}

async function exists(client: SecretsManagerClient, secretId: string): Promise<boolean> {
  try {
    await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return true;
  } catch (error) {
    if (
      error instanceof ResourceNotFoundException ||
      (error as { name?: string }).name === 'ResourceNotFoundException'
    ) {
      return false;
    }
    throw error;
  }
}

/**
 * Applies a config the way the deployed stack would, against a local emulator: creates each secret that does
 * not exist (existing secrets of the config too, since an emulator starts empty) with the stack's tags, tags
 * the ones that do (a missing database or IAM key secret is skipped: only its owner has a working first value), and turns rotation on with the configured schedule and window through RotateSecret
 * pointed at the emulator's `rotation-<type>` function. `rotateOnDeploy` rotates at once; otherwise Secrets
 * Manager (and the emulator) only runs testSecret now. Function name prefixes are ignored: the emulator
 * registers every type as `rotation-<type>`.
 */
export async function applyConfigLocally(config: RotationConfig, target: ApplyTarget): Promise<AppliedSecret[]> {
  const log = target.log ?? (() => undefined);
  const applied: AppliedSecret[] = [];
  for (const secret of config.secrets) {
    const secretId = localSecretName(secret);
    const tags = secretTags(secret, config.stackName);
    const functionArn = `arn:aws:lambda:${target.region}:${target.account}:function:${rotationFunctionName(secret.type)}`;
    const created = !(await exists(target.client, secretId));
    if (created && TYPE_PROFILES[secret.type]?.needsRealFirstValue) {
      const skipped = `a ${secret.type} secret needs a working credential as its first value; create ${secretId} with one, then apply again`;
      log(`skipped ${secretId}: ${skipped}`);
      applied.push({ secretId, created: false, functionArn, rotationStarted: false, skipped });
      continue;
    }
    if (created) {
      await target.client.send(
        new CreateSecretCommand({
          Name: secretId,
          ...(secret.description ? { Description: secret.description } : {}),
          SecretString: firstValue(secret),
          Tags: tags,
        }),
      );
    } else {
      await target.client.send(new TagResourceCommand({ SecretId: secretId, Tags: tags }));
    }
    await target.client.send(
      new RotateSecretCommand({
        SecretId: secretId,
        RotationLambdaARN: functionArn,
        RotationRules: { ScheduleExpression: secret.scheduleExpression, Duration: secret.window },
        RotateImmediately: secret.rotateOnDeploy,
      }),
    );
    log(
      `${created ? 'created' : 'tagged'} ${secretId}: ${secret.scheduleExpression}, window ${secret.window}, ${
        secret.rotateOnDeploy ? 'rotating now' : 'testSecret run, first rotation on schedule'
      } (${rotationFunctionName(secret.type)})`,
    );
    applied.push({ secretId, created, functionArn, rotationStarted: secret.rotateOnDeploy });
  }
  return applied;
}
