import type { SecretRecord, SecretValue, VersionRecord } from './model';

type Out = Record<string, unknown>;

/** Timestamps travel as epoch seconds (JSON numbers, fractional). */
export function epoch(ms: number): number {
  return ms / 1000;
}

/** Copies the defined entries only: AWS omits members without a value, it never sends null. */
export function compact(entries: Out): Out {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

const optionalEpoch = (ms: number | undefined) => (ms === undefined ? undefined : epoch(ms));

function stagesMap(secret: SecretRecord): Record<string, string[]> {
  return Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]));
}

/**
 * The metadata DescribeSecret and ListSecrets share. Rotation members follow the documented nulls: absent until
 * rotation is configured; RotationRules and RotationLambdaARN stay after CancelRotateSecret, LastRotatedDate and
 * NextRotationDate are shown only while rotation is enabled.
 */
function metadata(secret: SecretRecord): Out {
  const enabled = secret.rotationEnabled === true;
  return {
    ARN: secret.arn,
    Name: secret.name,
    Type: secret.type,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    RotationEnabled: secret.rotationEnabled,
    RotationLambdaARN: secret.rotationLambdaArn,
    RotationRules: secret.rotationRules ? { ...secret.rotationRules } : undefined,
    LastRotatedDate: enabled ? optionalEpoch(secret.lastRotated) : undefined,
    LastChangedDate: epoch(secret.lastChanged),
    LastAccessedDate: optionalEpoch(secret.lastAccessed),
    DeletedDate: optionalEpoch(secret.deletedDate),
    NextRotationDate: enabled ? optionalEpoch(secret.nextRotation) : undefined,
    Tags: secret.tags.length > 0 ? secret.tags.map((t) => ({ ...t })) : undefined,
    OwningService: secret.owningService,
    CreatedDate: epoch(secret.created),
  };
}

export function describeView(secret: SecretRecord): Out {
  return compact({ ...metadata(secret), VersionIdsToStages: stagesMap(secret) });
}

export function listEntryView(secret: SecretRecord): Out {
  return compact({ ...metadata(secret), SecretVersionsToStages: stagesMap(secret) });
}

export function valueMembers(value: SecretValue): Out {
  return value.kind === 'string' ? { SecretString: value.text } : { SecretBinary: value.base64 };
}

/** GetSecretValue / BatchGetSecretValue entry. */
export function secretValueView(secret: SecretRecord, version: VersionRecord, value: SecretValue): Out {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.id,
    ...valueMembers(value),
    VersionStages: [...version.stages],
    CreatedDate: epoch(version.created),
  };
}

/** ListSecretVersionIds entry: a deprecated version has no VersionStages key at all. */
export function versionEntryView(secret: SecretRecord, version: VersionRecord): Out {
  return compact({
    VersionId: version.id,
    VersionStages: version.stages.length > 0 ? [...version.stages] : undefined,
    LastAccessedDate: optionalEpoch(version.lastAccessed),
    CreatedDate: epoch(version.created),
    KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
  });
}
