import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  type ListSecretsCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactText } from '../core/redaction';
import type { DatabaseSecret } from './db-secret';
import type { LoginAs } from './types';

/**
 * Probe secrets: the Data API logs in with a secret's AWSCURRENT only, so to log in with another version (AWSPENDING
 * in testSecret, AWSPREVIOUS in setSecret) that version's user name and password are copied into a short-lived
 * secret named `<prefix>/<token>/<stage>-<8 hex>`, used for the login and then deleted without recovery.
 * See docs/data-api.md for the trade-off.
 */

/** Name prefix of probe secrets; the rotation function's IAM policy is scoped to `<prefix>/*`. */
export const DEFAULT_PROBE_PREFIX = 'rotation-probe';
/** Tag on every probe secret: its value is the ARN of the secret whose version it copies. */
export const PROBE_TAG = 'rotation:probe-for';

const PREFIX_PATTERN = /^[A-Za-z0-9_+=.@-]+(?:\/[A-Za-z0-9_+=.@-]+)*$/;
/** Secret names allow these; a token (any string in the event) is reduced to them. */
const NAME_UNSAFE = /[^A-Za-z0-9_+=.@-]/g;
const MAX_TOKEN_PART = 64;
/** AWS tag values hold at most 256 characters. */
const MAX_TAG_VALUE = 256;

/** Checks a probe prefix (no leading or trailing `/`, secret-name characters only); returns it. */
export function checkProbePrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix) || prefix.length > 256) {
    throw new ConfigurationError(
      `probe secret prefix must be 1-256 of A-Z a-z 0-9 / _ + = . @ - without a leading or trailing "/", got "${prefix}"`,
    );
  }
  return prefix;
}

/** `<prefix>/<token>/<stage lowercase>-<8 random hex>`; the token is cut to secret-name characters and 64 long. */
export function probeSecretName(prefix: string, token: string, stage: LoginAs['stage']): string {
  const tokenPart = token.replace(NAME_UNSAFE, '-').slice(0, MAX_TOKEN_PART) || 'no-token';
  return `${prefix}/${tokenPart}/${stage.toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

/** One redacted line for a failed Secrets Manager call (exception name and message). */
function describeCall(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  return redactText(`${error.name}: ${error.message}`.replace(/\s+/g, ' ').slice(0, 500));
}

export interface ProbeSecret {
  readonly arn: string;
  readonly name: string;
}

export interface CreateProbeOptions {
  readonly prefix: string;
  readonly token: string;
  readonly as: LoginAs;
}

/**
 * Creates the probe secret for `as` (not AWSCURRENT). It holds only `username` and `password`: what the Data API
 * reads, and no other field of the version. Throws (with a redacted message) when Secrets Manager refuses.
 */
export async function createProbeSecret(
  client: SecretsManagerClient,
  { prefix, token, as }: CreateProbeOptions,
): Promise<ProbeSecret> {
  const name = probeSecretName(prefix, token, as.stage);
  const secret: Pick<DatabaseSecret, 'username' | 'password'> = as.secret;
  try {
    const out = await client.send(
      new CreateSecretCommand({
        Name: name,
        Description:
          `Temporary login probe: ${as.stage} of ${as.secretArn}, for the RDS Data API during rotation ${token}. ` +
          'Deleted by the rotation function within seconds; safe to delete.',
        SecretString: JSON.stringify({ username: secret.username, password: secret.password }),
        Tags: [{ Key: PROBE_TAG, Value: as.secretArn.slice(0, MAX_TAG_VALUE) }],
      }),
    );
    if (out.ARN === undefined) throw new Error(`CreateSecret ${name} returned no ARN`);
    return { arn: out.ARN, name };
  } catch (error) {
    throw new Error(`creating probe secret ${name} failed: ${describeCall(error)}`);
  }
}

/** Deletes a probe secret without recovery. Idempotent (a missing secret is fine); never throws, warns instead. */
export async function deleteProbeSecret(
  client: SecretsManagerClient,
  probe: ProbeSecret,
  logger: Logger,
): Promise<void> {
  try {
    await client.send(new DeleteSecretCommand({ SecretId: probe.arn, ForceDeleteWithoutRecovery: true }));
    logger.debug('deleted the probe secret', { probe: probe.name });
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return;
    logger.warn('could not delete the probe secret; sweepProbeSecrets or a manual delete removes it', {
      probe: probe.name,
      error: describeCall(error),
    });
  }
}

export interface SweepOptions {
  /** @default 'rotation-probe' */
  readonly prefix?: string;
  /** @default - no logging */
  readonly logger?: Logger;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Probes made for this secret ARN are deleted whatever their age. finishSecret passes its own secret: Secrets
   * Manager runs one rotation of a secret at a time, and this one's probes are closed by then, so any left is a
   * leftover of a killed invocation.
   */
  readonly forSecretArn?: string;
}

export interface SweepResult {
  /** Names of the probe secrets deleted. */
  readonly deleted: readonly string[];
  /** Names of the probe secrets that could not be deleted (each logged as a warning). */
  readonly failed: readonly string[];
}

/**
 * Deletes probe secrets left behind by a function that crashed between creating and deleting one: every secret whose
 * name starts with `<prefix>/`, that carries the `rotation:probe-for` tag and was created more than `olderThanMs`
 * ago (keep that above the function's timeout, so that a probe in use is never swept). ListSecrets is eventually
 * consistent, so a probe made a moment ago may be missed: the next sweep gets it. Never throws for one secret;
 * throws when ListSecrets fails.
 *
 * @example
 * await sweepProbeSecrets(client, 60 * 60_000); // from finishSecret or the monitor: probes older than an hour
 */
export async function sweepProbeSecrets(
  client: SecretsManagerClient,
  olderThanMs: number,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const prefix = checkProbePrefix(options.prefix ?? DEFAULT_PROBE_PREFIX);
  const cutoff = (options.now ?? Date.now)() - olderThanMs;
  const deleted: string[] = [];
  const failed: string[] = [];
  let nextToken: string | undefined;
  do {
    const page: ListSecretsCommandOutput = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [`${prefix}/`] },
          { Key: 'tag-key', Values: [PROBE_TAG] },
        ],
        MaxResults: 100,
        NextToken: nextToken,
      }),
    );
    for (const entry of page.SecretList ?? []) {
      const name = entry.Name ?? '';
      const created = entry.CreatedDate?.getTime();
      const tag = (entry.Tags ?? []).find((t) => t.Key === PROBE_TAG);
      if (!name.startsWith(`${prefix}/`) || tag === undefined || entry.ARN === undefined) continue;
      const ours = options.forSecretArn !== undefined && tag.Value === options.forSecretArn;
      if (!ours && (created === undefined || created > cutoff)) continue;
      try {
        await client.send(new DeleteSecretCommand({ SecretId: entry.ARN, ForceDeleteWithoutRecovery: true }));
        deleted.push(name);
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') continue;
        failed.push(name);
        options.logger?.warn('could not delete a leftover probe secret', {
          probe: name,
          error: describeCall(error),
        });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  if (deleted.length > 0) options.logger?.info('deleted leftover probe secrets', { probes: deleted });
  return { deleted, failed };
}
