import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { VerificationFailedError } from '../core/errors';
import type { Logger } from '../core/logger';

/** Default bound on the wait for a new key to work: AWS reports about 15 s of propagation (AWS-BEHAVIOUR.md 9). */
export const DEFAULT_VERIFY_TIMEOUT_SECONDS = 60;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;
/** STS errors that a not-yet-propagated (or inactive) key gets: worth waiting for while IAM catches up. */
const NOT_YET_VALID = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'AuthFailure']);

/** The caller an access key authenticates as. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account?: string;
}

/** Asks STS who the key is. Each call signs with the given key only. */
export type IdentityProbe = (accessKeyId: string, secretAccessKey: string) => Promise<CallerIdentity>;

/**
 * The default probe: STS GetCallerIdentity, which needs no permission (AWS-BEHAVIOUR.md 9). A client is made per
 * probe because its credentials are the key under test; the endpoint follows AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL, which the SDK reads itself.
 */
export const stsIdentityProbe: IdentityProbe = async (accessKeyId, secretAccessKey) => {
  const client = new STSClient({ credentials: { accessKeyId, secretAccessKey }, maxAttempts: 2 });
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    return { arn: out.Arn ?? '', account: out.Account };
  } finally {
    client.destroy();
  }
};

export interface WaitOptions {
  readonly probe: IdentityProbe;
  readonly timeoutSeconds: number;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

function errorName(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const named = error as { name?: unknown; Code?: unknown };
  return String(named.name ?? named.Code ?? 'Error');
}

/**
 * Probes until the key authenticates or `timeoutSeconds` pass, backing off from 0.5 s to 5 s between tries.
 * Only "unknown key" answers are retried; anything else fails at once. The error names the key id, never the
 * secret access key.
 */
export async function waitForKey(
  secretName: string,
  accessKeyId: string,
  secretAccessKey: string,
  options: WaitOptions,
): Promise<CallerIdentity> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.probe(accessKeyId, secretAccessKey);
    } catch (error) {
      const name = errorName(error);
      if (!NOT_YET_VALID.has(name)) {
        throw new VerificationFailedError(
          `secret ${secretName} pending key ${accessKeyId}: STS GetCallerIdentity failed with ${name}`,
          { cause: error },
        );
      }
      const left = deadline - now();
      if (left <= 0) {
        throw new VerificationFailedError(
          `secret ${secretName} pending key ${accessKeyId} was still refused by STS (${name}) after ${attempt} tries over ${options.timeoutSeconds} s; IAM may still be propagating it: retry the rotation, or raise the tag rotation:verify-timeout-seconds`,
          { cause: error },
        );
      }
      options.logger.info('pending key not accepted by STS yet; waiting for IAM to propagate it', {
        AccessKeyId: accessKeyId,
        attempt,
        error: name,
        waitMs: Math.min(delay, left),
      });
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
