import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { SecretConfig } from '../config/schema';

/** What the stack hands to the revocation sweeper. */
export interface RevocationSweeperBinding {
  /** Managed secrets whose credential type can revoke old credentials (see `TypeProfile.canRevoke`). */
  readonly secrets: readonly SecretConfig[];
  readonly alarmActions: readonly cloudwatch.IAlarmAction[];
  readonly permissionsBoundary?: iam.IManagedPolicy;
  readonly roleNamePrefix?: string;
}

/**
 * EXTENSION POINT for the revocation sweeper (the IAM access key issue): a function on its own schedule that
 * revokes old credentials after their grace period, for every type that can revoke. It does not exist yet; the
 * stack calls this factory when one is given and otherwise records a warning annotation whenever a revocable
 * type is in use, so that nobody believes old keys are being swept.
 */
export type RevocationSweeperFactory = (scope: Construct, binding: RevocationSweeperBinding) => void;
