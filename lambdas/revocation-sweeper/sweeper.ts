import {
  GetSecretValueCommand,
  ListSecretsCommand,
  type SecretListEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { RotationError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactText, registerSecretString } from '../core/redaction';
import { type Environment, Settings } from '../core/settings';
import type { RevocationOutcome, Revoker } from './revoker';
import {
  DEFAULT_DEACTIVATE_AFTER_HOURS,
  DEFAULT_REMOVE_AFTER_HOURS,
  type SweepAction,
  sweepAction,
} from './sweep-plan';

/** Tag naming a secret's credential type, set by the stack and by `apply-local`. */
export const CREDENTIAL_TYPE_TAG = 'rotation:credential-type';
const MAX_HOURS = 24 * 365;

export interface SweepSummary {
  readonly examined: number;
  readonly revoked: number;
  readonly failed: number;
}

/** At least one secret could not be swept; the others were. Names secrets, never values. */
export class SweepFailedError extends RotationError {
  constructor(message: string) {
    super(message);
    this.name = 'SweepFailedError';
  }
}

export interface RevocationSweeperOptions {
  readonly env?: Environment;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Revokes previous credentials of every secret whose type has a Revoker: deactivated `deactivate-after-hours`
 * after the last rotation, removed `remove-after-hours` later (tags `rotation:<name>` over the environment
 * variables REVOKE_DEACTIVATE_AFTER_HOURS / REVOKE_REMOVE_AFTER_HOURS over 24 h / 168 h). Idempotent: run it on
 * a schedule as often as you like. The type comes from the tag `rotation:credential-type`, else from the rotation
 * function's name `...rotation-<type>[-<shard>]`. With SWEEP_ROTATION_FUNCTION_PREFIX set (the stack sets
 * `<functionNamePrefix>rotation-`), only secrets rotated by `<prefix><type>[-<shard>]` are swept: those of this
 * deployment, the only ones its role may read. A failure on one secret does not stop the others; the run then fails.
 */
export class RevocationSweeper {
  private readonly revokers: ReadonlyMap<string, Revoker>;
  private readonly env: Environment;
  private readonly now: () => Date;

  constructor(
    private readonly sm: SecretsManagerClient,
    revokers: readonly Revoker[],
    private readonly logger: Logger,
    options: RevocationSweeperOptions = {},
  ) {
    this.revokers = new Map(revokers.map((r) => [r.type, r]));
    this.env = options.env ?? process.env;
    this.now = options.now ?? (() => new Date());
  }

  async run(): Promise<SweepSummary> {
    let examined = 0;
    let revoked = 0;
    const failed: string[] = [];
    for await (const entry of this.secrets()) {
      const revoker = this.revokerOf(entry);
      if (revoker === undefined || !hasPrevious(entry)) continue;
      examined += 1;
      const name = entry.Name ?? entry.ARN ?? '?';
      const log = this.logger.child({ secretId: name, credentialType: revoker.type });
      try {
        const outcome = await this.sweep(entry, revoker, log);
        if (outcome === 'revoked') revoked += 1;
      } catch (error) {
        failed.push(name);
        log.error('could not revoke the previous credential', { error });
      }
    }
    this.logger.info('revocation sweep finished', { examined, revoked, failed: failed.length });
    if (failed.length > 0) {
      throw new SweepFailedError(`revocation failed for ${failed.length} secret(s): ${failed.join(', ')}`);
    }
    return { examined, revoked, failed: 0 };
  }

  private async sweep(entry: SecretListEntry, revoker: Revoker, log: Logger): Promise<RevocationOutcome | 'kept'> {
    const tags = Object.fromEntries((entry.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const settings = new Settings(entry.Name ?? '', tags, this.env);
    const action: SweepAction = sweepAction(
      entry.LastRotatedDate,
      this.now(),
      settings.integer(
        'deactivate-after-hours',
        'REVOKE_DEACTIVATE_AFTER_HOURS',
        0,
        MAX_HOURS,
        DEFAULT_DEACTIVATE_AFTER_HOURS,
      ),
      settings.integer('remove-after-hours', 'REVOKE_REMOVE_AFTER_HOURS', 0, MAX_HOURS, DEFAULT_REMOVE_AFTER_HOURS),
    );
    if (action === 'keep') return 'kept';
    const secretId = entry.ARN ?? entry.Name ?? '';
    const target = {
      secretName: entry.Name ?? secretId,
      currentValue: await this.value(secretId, 'AWSCURRENT'),
      previousValue: await this.value(secretId, 'AWSPREVIOUS'),
      logger: log,
    };
    const outcome = action === 'deactivate' ? await revoker.deactivate(target) : await revoker.remove(target);
    log.info(`previous credential ${action}: ${outcome}`);
    return outcome;
  }

  private async value(secretId: string, stage: string): Promise<string> {
    try {
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
      const value = out.SecretString ?? '';
      registerSecretString(value);
      return value;
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new RotationError(`GetSecretValue ${stage} of ${secretId} failed: ${redactText(detail)}`, { cause: error });
    }
  }

  private revokerOf(entry: SecretListEntry): Revoker | undefined {
    const functionName = entry.RotationLambdaARN?.split(':').pop() ?? '';
    const deployment = this.env.SWEEP_ROTATION_FUNCTION_PREFIX;
    const tagged = entry.Tags?.find((t) => t.Key === CREDENTIAL_TYPE_TAG)?.Value;
    const revoker =
      tagged !== undefined
        ? this.revokers.get(tagged)
        : [...this.revokers.values()].find((r) => rotatedBy(functionName, `rotation-${r.type}`, false));
    if (revoker === undefined) return undefined;
    // A deployed sweeper may read only its own deployment's secrets: skip the others rather than fail on them.
    if (deployment && !rotatedBy(functionName, `${deployment}${revoker.type}`, true)) return undefined;
    return revoker;
  }

  private async *secrets(): AsyncGenerator<SecretListEntry> {
    let next: string | undefined;
    do {
      const out = await this.sm.send(new ListSecretsCommand({ MaxResults: 100, NextToken: next }));
      yield* out.SecretList ?? [];
      next = out.NextToken;
    } while (next !== undefined);
  }
}

/**
 * Whether a rotation function name is `<base>` or a shard's `<base>-<n>`; `exact` requires the name to start
 * with `base` (a deployment's prefix), otherwise it only has to end with it.
 */
export function rotatedBy(functionName: string, base: string, exact: boolean): boolean {
  const name = functionName.replace(/-\d+$/, '');
  return exact ? name === base : name.endsWith(base);
}

function hasPrevious(entry: SecretListEntry): boolean {
  return Object.values(entry.SecretVersionsToStages ?? {}).some((stages) => stages.includes('AWSPREVIOUS'));
}
