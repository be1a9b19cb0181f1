import { SecretFormatError } from '../core/errors';

/** An IAM access key secret, with IAM's own field names. Other fields of the JSON object are kept as they are. */
export interface AccessKeySecret {
  readonly UserName: string;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  /** The whole parsed object, so that a new value keeps every other field. */
  readonly fields: Readonly<Record<string, unknown>>;
}

const REQUIRED = ['UserName', 'AccessKeyId', 'SecretAccessKey'] as const;

/**
 * Parses a SecretString into an access key secret. Errors name the secret, the version and the field, and never
 * echo the value.
 */
export function parseKeySecret(secretString: string, secretName: string, stage: string): AccessKeySecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SecretFormatError(
      `secret ${secretName} (${stage}) must be a JSON object with the fields ${REQUIRED.join(', ')}, got something else`,
    );
  }
  const fields = parsed as Record<string, unknown>;
  for (const name of REQUIRED) {
    const value = fields[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new SecretFormatError(
        `secret ${secretName} (${stage}) field "${name}" must be a non-empty string, got ${value === undefined ? 'no such field' : typeof value}`,
      );
    }
  }
  return {
    UserName: fields.UserName as string,
    AccessKeyId: fields.AccessKeyId as string,
    SecretAccessKey: fields.SecretAccessKey as string,
    fields,
  };
}

/**
 * The access key id of an optional version (AWSPREVIOUS), or undefined when the version is absent or is not an
 * access key secret of `userName` (an old value written before the secret held keys, say).
 */
export function keyIdOf(secretString: string | undefined, userName: string): string | undefined {
  if (secretString === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { UserName, AccessKeyId } = parsed as Record<string, unknown>;
    return UserName === userName && typeof AccessKeyId === 'string' ? AccessKeyId : undefined;
  } catch {
    return undefined;
  }
}
