import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { PendingVersionMissingError, RotationError, SecretFormatError, SecretsManagerCallError } from './errors';
import { registerSecretString } from './redaction';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** What DescribeSecret says about a secret, reduced to what rotation needs. Labels are always read fresh. */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** VersionId -> staging labels, for versions that carry at least one label. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** Result of storing the pending value: `exists` when the version already held a value. */
export type PutOutcome = 'stored' | 'exists';

/**
 * Secret versions never change once written, so their values are cached by (ARN, VersionId) for the life of a
 * warm container: a rotation whose four steps land in one container reads each value once. Bounded, oldest
 * entries dropped first.
 */
export class VersionValueCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly capacity = 256) {}

  get(arn: string, versionId: string): string | undefined {
    return this.entries.get(`${arn}\n${versionId}`);
  }

  set(arn: string, versionId: string, value: string): void {
    const key = `${arn}\n${versionId}`;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache shared by every rotation in this container. */
export const sharedVersionCache = new VersionValueCache();

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/**
 * Every Secrets Manager call the engine makes. Failures become SecretsManagerCallError naming the operation and
 * the secret, with the SDK error as cause.
 */
export class SecretsGateway {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly cache: VersionValueCache = sharedVersionCache,
  ) {}

  private async call<T>(operation: string, secretId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof RotationError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new SecretsManagerCallError(`${operation} on secret ${secretId} failed: ${errorName(error)}: ${message}`, {
        cause: error,
        secretId,
      });
    }
  }

  async describe(secretId: string): Promise<SecretMetadata> {
    const out = await this.call('DescribeSecret', secretId, () =>
      this.client.send(new DescribeSecretCommand({ SecretId: secretId })),
    );
    const tags: Record<string, string> = {};
    for (const tag of out.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    return {
      arn: out.ARN ?? secretId,
      name: out.Name ?? secretId,
      rotationEnabled: out.RotationEnabled === true,
      versions: out.VersionIdsToStages ?? {},
      tags,
    };
  }

  /** A version's value if this container has already read or written it; never calls AWS. */
  cachedValue(meta: SecretMetadata, versionId: string): string | undefined {
    return this.cache.get(meta.arn, versionId);
  }

  /** A version's SecretString, from the cache when this container has read or written it before. */
  async versionValue(meta: SecretMetadata, versionId: string, stage: string): Promise<string> {
    const cached = this.cache.get(meta.arn, versionId);
    if (cached !== undefined) return cached;
    const out = await this.call('GetSecretValue', meta.name, async () => {
      try {
        return await this.client.send(
          new GetSecretValueCommand({ SecretId: meta.arn, VersionId: versionId, VersionStage: stage }),
        );
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException' && stage === AWSPENDING) {
          throw new PendingVersionMissingError(
            `secret ${meta.name} version ${versionId} (${AWSPENDING}) has no value yet: createSecret has not stored one`,
            { cause: error, secretId: meta.name },
          );
        }
        throw error;
      }
    });
    if (out.SecretString === undefined) {
      throw new SecretFormatError(
        `secret ${meta.name} version ${versionId} (${stage}) holds SecretBinary; this function rotates SecretString values`,
        { secretId: meta.name },
      );
    }
    registerSecretString(out.SecretString);
    this.cache.set(meta.arn, versionId, out.SecretString);
    return out.SecretString;
  }

  /** The AWSCURRENT value of any secret (no cache: we do not know its VersionId before asking). */
  async currentValueOf(secretId: string): Promise<{ versionId: string; secretString: string }> {
    const out = await this.call('GetSecretValue', secretId, () =>
      this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: AWSCURRENT })),
    );
    if (out.SecretString === undefined || out.VersionId === undefined) {
      throw new SecretFormatError(`secret ${secretId} (${AWSCURRENT}) holds no SecretString`, { secretId });
    }
    registerSecretString(out.SecretString);
    if (out.ARN !== undefined) this.cache.set(out.ARN, out.VersionId, out.SecretString);
    return { versionId: out.VersionId, secretString: out.SecretString };
  }

  /**
   * Stores the pending value on the rotation's version. A version that already holds a value cannot be changed
   * (ResourceExistsException), which is how a retried createSecret keeps the value an earlier attempt stored.
   */
  async putPending(meta: SecretMetadata, token: string, value: string, rotationToken?: string): Promise<PutOutcome> {
    registerSecretString(value);
    return this.call('PutSecretValue', meta.name, async () => {
      try {
        await this.client.send(
          new PutSecretValueCommand({
            SecretId: meta.arn,
            ClientRequestToken: token,
            SecretString: value,
            VersionStages: [AWSPENDING],
            ...(rotationToken === undefined ? {} : { RotationToken: rotationToken }),
          }),
        );
      } catch (error) {
        if (errorName(error) === 'ResourceExistsException') return 'exists';
        throw error;
      }
      this.cache.set(meta.arn, token, value);
      return 'stored';
    });
  }

  /** Moves `label` onto `toVersionId`, off `fromVersionId` when another version holds it. */
  async moveLabel(meta: SecretMetadata, label: string, toVersionId: string, fromVersionId?: string): Promise<void> {
    await this.call('UpdateSecretVersionStage', meta.name, () =>
      this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: meta.arn,
          VersionStage: label,
          MoveToVersionId: toVersionId,
          ...(fromVersionId === undefined ? {} : { RemoveFromVersionId: fromVersionId }),
        }),
      ),
    );
  }

  async removeLabel(meta: SecretMetadata, label: string, fromVersionId: string): Promise<void> {
    await this.call('UpdateSecretVersionStage', meta.name, () =>
      this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: meta.arn,
          VersionStage: label,
          RemoveFromVersionId: fromVersionId,
        }),
      ),
    );
  }
}

/** The VersionId carrying `label`, if any. */
export function versionWithLabel(meta: SecretMetadata, label: string): string | undefined {
  return Object.entries(meta.versions).find(([, stages]) => stages.includes(label))?.[0];
}
