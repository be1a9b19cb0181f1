import { AwsServiceError, type CallerIdentity, type EmulatorRequest } from '../http-types';
import type { KeyLookup } from './types';
import { verifySignature } from './verify-signature';

export interface AuthenticatorOptions {
  readonly keys: KeyLookup;
  /** The emulator clock (propagation delays are measured on it). */
  readonly now: () => Date;
  /**
   * The clock clients sign with, for the 15-minute skew check. The emulator clock can be moved forward for
   * schedule tests while SDK clients keep signing with real time.
   * @default () => new Date()
   */
  readonly signingNow?: () => Date;
  /** Called for every accepted request, e.g. IAM's `recordKeyUse` (GetAccessKeyLastUsed). */
  readonly onAccepted?: (accessKeyId: string, service: string, region: string, when: Date) => void;
}

/**
 * Adapts {@link verifySignature} to the emulator server's `authenticate(req, service)` hook: returns the caller
 * or throws the AWS error (`AwsServiceError`) that the server serializes in the service's protocol.
 *
 * @example
 * const authenticate = createAuthenticator({ keys: iam, now: () => clock.now(), onAccepted: iam.recordKeyUse });
 */
export function createAuthenticator(
  options: AuthenticatorOptions,
): (req: EmulatorRequest, service: string) => CallerIdentity {
  const signingNow = options.signingNow ?? (() => new Date());
  return (req, service) => {
    const now = options.now();
    const result = verifySignature(req, options.keys, now, { signingNow: signingNow(), service });
    if (!result.ok) throw new AwsServiceError(result.code, result.message, result.status);
    options.onAccepted?.(result.identity.accessKeyId, result.service, result.region, now);
    return result.identity;
  };
}
