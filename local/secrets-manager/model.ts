import type { RotationRulesInput } from '../../lambdas/core/schedule';

/** The reserved staging labels (AWS-BEHAVIOUR.md section 2). */
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** Labels across all versions of one secret (quota). */
export const MAX_LABELS = 20;
/** SecretString characters / SecretBinary bytes. */
export const MAX_VALUE_SIZE = 65536;

export interface Tag {
  Key: string;
  Value: string;
}

/** A version's value. Binary values are kept base64-encoded, as they travel on the wire. */
export type SecretValue =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'binary'; readonly base64: string };

/**
 * One secret version. Plain JSON (dates as epoch milliseconds) so that state export is a deep copy.
 * `value` is absent on the AWSPENDING stub RotateSecret creates before the function fills it.
 */
export interface VersionRecord {
  id: string;
  value?: SecretValue;
  /** Labels in the order they were attached. Empty = deprecated (hidden from default listings). */
  stages: string[];
  created: number;
  /** Day resolution, as ListSecretVersionIds reports it. */
  lastAccessed?: number;
}

export interface SecretRecord {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  type?: string;
  owningService?: string;
  tags: Tag[];
  created: number;
  lastChanged: number;
  lastAccessed?: number;
  /** Set while the secret is scheduled for deletion: the moment it is purged. */
  deletedDate?: number;
  /** Absent until rotation is first configured; false after CancelRotateSecret. */
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRulesInput;
  lastRotated?: number;
  nextRotation?: number;
  /** In creation order. */
  versions: VersionRecord[];
}

export function sameValue(a: SecretValue | undefined, b: SecretValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'string' && b.kind === 'string') return a.text === b.text;
  if (a.kind === 'binary' && b.kind === 'binary') return a.base64 === b.base64;
  return false;
}

/** Start of the UTC day: LastAccessedDate has day resolution. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}
