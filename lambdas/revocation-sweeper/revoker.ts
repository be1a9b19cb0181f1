import type { Logger } from '../core/logger';

/** The two values of a secret that a revocation looks at. Values are SecretStrings: never log them. */
export interface RevocationTarget {
  readonly secretName: string;
  /** AWSCURRENT's value: whatever it names must never be touched. */
  readonly currentValue: string;
  /** AWSPREVIOUS's value: the credential to revoke. */
  readonly previousValue: string;
  readonly logger: Logger;
}

/** What a revocation call did. */
export type RevocationOutcome = 'revoked' | 'already-revoked' | 'not-applicable';

/**
 * How one credential type revokes the credential held by AWSPREVIOUS, in two phases: `deactivate` (reversible:
 * a key made Inactive, a user locked) after the grace period, `remove` (for good) after the second period.
 * Both must be idempotent, and must never touch the credential AWSCURRENT holds, even when both versions name
 * the same one.
 *
 * @example
 * const revokers = new Map([[iamAccessKeyRevoker.type, iamAccessKeyRevoker]]);
 */
export interface Revoker {
  /** Credential type name, as in lambdas/registry.ts. */
  readonly type: string;
  deactivate(target: RevocationTarget): Promise<RevocationOutcome>;
  remove(target: RevocationTarget): Promise<RevocationOutcome>;
}
