import type { IAMClient } from '@aws-sdk/client-iam';
import { VerificationFailedError } from '../core/errors';
import type { RotationContext, RotationStrategy } from '../core/strategy';
import { createIamClient, UserKeys } from './iam-calls';
import { keyIdOf, parseKeySecret } from './key-secret';
import { keysToDelete } from './make-room';
import { DEFAULT_VERIFY_TIMEOUT_SECONDS, type IdentityProbe, stsIdentityProbe, waitForKey } from './verify-key';

/** Largest verify bound: a Lambda function runs at most 900 s, and the step needs time around the wait. */
export const MAX_VERIFY_TIMEOUT_SECONDS = 840;
/** Bound on remembered stranded keys, so that a warm container does not grow without limit. */
const MAX_REMEMBERED_KEYS = 256;

export interface IamAccessKeyStrategyOptions {
  /** @default an IAM client from createIamClient(), made on first use and kept for the container's life */
  readonly iam?: IAMClient;
  /** @default STS GetCallerIdentity signed with the key under test */
  readonly probe?: IdentityProbe;
  /** Waits between probes (tests replace it). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * IAM user access keys, inside the Secrets Manager protocol. The secret is `{UserName, AccessKeyId,
 * SecretAccessKey, ...}`; every other field is kept.
 *
 * - createSecret makes room under IAM's two-key quota (see make-room.ts for which keys may go), then creates a
 *   key. A key's secret is returned only once, so a key whose value the engine then failed to store (a
 *   PutSecretValue that failed for good) is "stranded": nobody holds its secret. This container remembers the
 *   key it created for each (secret, token); when the engine calls createSecret again for the same token (it
 *   only does when the pending version still has no value), that key is deleted before a new one is made. A
 *   container that did not create the key (a cold start after a crash) cannot tell a stranded key from one an
 *   administrator made, so it never deletes it: the rotation fails with an error naming the key.
 * - setSecret has nothing to apply: the key exists from the moment IAM created it.
 * - testSecret calls STS GetCallerIdentity with the pending key, waiting for IAM to propagate it for up to
 *   `rotation:verify-timeout-seconds` (env IAM_KEY_VERIFY_TIMEOUT_SECONDS, default 60), and checks that the
 *   caller is the secret's user.
 * - finishSecret leaves the previous key active (consumers still holding it keep working) unless emergency mode
 *   is on (`rotation:emergency=true` or env EMERGENCY_ROTATION=true): then the previous key is deactivated at
 *   once. Remove the tag after the emergency, or every later rotation deactivates its previous key too.
 */
export class IamAccessKeyStrategy implements RotationStrategy {
  readonly type = 'iam-access-key';
  readonly sideEffectsOnCreate = true;
  private client: IAMClient | undefined;
  private readonly created = new Map<string, string>();

  constructor(private readonly options: IamAccessKeyStrategyOptions = {}) {
    this.client = options.iam;
  }

  async createCredential(ctx: RotationContext): Promise<string> {
    const current = parseKeySecret((await ctx.current()).secretString, ctx.secretName, 'AWSCURRENT');
    const previousKey = keyIdOf((await ctx.previous())?.secretString, current.UserName);
    const user = this.userKeys(current.UserName);
    const keys = await user.list();
    if (!keys.some((k) => k.accessKeyId === current.AccessKeyId)) {
      ctx.logger.warn(`the AWSCURRENT key is not a key of IAM user ${current.UserName} any more; rotating anyway`, {
        AccessKeyId: current.AccessKeyId,
      });
    }
    const rememberKey = this.memoKey(ctx);
    const emergency = isEmergency(ctx);
    const doomed = keysToDelete(current.UserName, keys, {
      current: current.AccessKeyId,
      previous: previousKey,
      stranded: this.created.get(rememberKey),
      deleteActivePrevious:
        emergency || ctx.settings.boolean('delete-active-previous-key', 'DELETE_ACTIVE_PREVIOUS_KEY', false),
    });
    for (const accessKeyId of doomed) {
      await user.delete(accessKeyId);
      ctx.logger.info(`deleted access key of IAM user ${current.UserName} to make room`, {
        AccessKeyId: accessKeyId,
        reason: accessKeyId === previousKey ? 'AWSPREVIOUS key' : 'created by an earlier attempt whose value was lost',
      });
    }
    const fresh = await user.create();
    ctx.registerSecret(fresh.secretAccessKey);
    this.remember(rememberKey, fresh.accessKeyId);
    ctx.logger.info(`created access key of IAM user ${current.UserName}`, { AccessKeyId: fresh.accessKeyId });
    return JSON.stringify({
      ...current.fields,
      UserName: current.UserName,
      AccessKeyId: fresh.accessKeyId,
      SecretAccessKey: fresh.secretAccessKey,
    });
  }

  /** The engine could not store the new key's secret: delete the key at once, so it is not stranded. */
  async discardCredential(ctx: RotationContext, value: string): Promise<void> {
    const made = parseKeySecret(value, ctx.secretName, 'AWSPENDING');
    await this.userKeys(made.UserName).delete(made.AccessKeyId);
    this.created.delete(this.memoKey(ctx));
    ctx.logger.info(`deleted the new access key of IAM user ${made.UserName}: its secret could not be stored`, {
      AccessKeyId: made.AccessKeyId,
    });
  }

  async applyCredential(ctx: RotationContext): Promise<void> {
    // The pending value is stored by now, so the key this container made for the token is not stranded.
    this.created.delete(this.memoKey(ctx));
    ctx.logger.info('IAM access keys are valid from creation; nothing to apply');
  }

  async verifyCredential(ctx: RotationContext): Promise<void> {
    const current = parseKeySecret((await ctx.current()).secretString, ctx.secretName, 'AWSCURRENT');
    const pending = parseKeySecret((await ctx.pending()).secretString, ctx.secretName, 'AWSPENDING');
    ctx.registerSecret(pending.SecretAccessKey);
    if (pending.UserName !== current.UserName) {
      throw new VerificationFailedError(
        `secret ${ctx.secretName} pending field "UserName" is ${pending.UserName}, expected the current user ${current.UserName}`,
      );
    }
    if (pending.AccessKeyId === current.AccessKeyId) {
      // RotateImmediately=false: Secrets Manager runs testSecret alone against a copy of AWSCURRENT
      // (AWS-BEHAVIOUR.md 4.5). Probing that key tests the configuration without changing any key.
      ctx.logger.info('pending value holds the current key (a rotation configuration test); probing that key', {
        AccessKeyId: pending.AccessKeyId,
      });
    }
    const timeoutSeconds = ctx.settings.integer(
      'verify-timeout-seconds',
      'IAM_KEY_VERIFY_TIMEOUT_SECONDS',
      0,
      MAX_VERIFY_TIMEOUT_SECONDS,
      DEFAULT_VERIFY_TIMEOUT_SECONDS,
    );
    const identity = await waitForKey(ctx.secretName, pending.AccessKeyId, pending.SecretAccessKey, {
      probe: this.options.probe ?? stsIdentityProbe,
      timeoutSeconds,
      logger: ctx.logger,
      sleep: this.options.sleep,
      now: this.options.now,
    });
    if (!isUserArn(identity.arn, pending.UserName)) {
      throw new VerificationFailedError(
        `secret ${ctx.secretName} pending key ${pending.AccessKeyId} authenticates as ${identity.arn}, expected IAM user ${pending.UserName}`,
      );
    }
    ctx.logger.info('pending key authenticates as the secret user', { AccessKeyId: pending.AccessKeyId });
  }

  async revokePrevious(ctx: RotationContext): Promise<void> {
    if (!isEmergency(ctx)) {
      ctx.logger.info('previous key stays active for consumers that still hold it (no emergency mode)');
      return;
    }
    const current = parseKeySecret((await ctx.current()).secretString, ctx.secretName, 'AWSCURRENT');
    const previousKey = keyIdOf((await ctx.previous())?.secretString, current.UserName);
    if (previousKey === undefined || previousKey === current.AccessKeyId) {
      ctx.logger.info('emergency mode: no previous key of this user to deactivate');
      return;
    }
    const found = await this.userKeys(current.UserName).deactivate(previousKey);
    ctx.logger.warn(
      found ? 'emergency mode: deactivated the previous key' : 'emergency mode: the previous key is already gone',
      { AccessKeyId: previousKey },
    );
  }

  private userKeys(userName: string): UserKeys {
    this.client ??= createIamClient();
    return new UserKeys(this.client, userName);
  }

  private memoKey(ctx: RotationContext): string {
    return `${ctx.secretArn}#${ctx.token}`;
  }

  private remember(key: string, accessKeyId: string): void {
    if (this.created.size >= MAX_REMEMBERED_KEYS) {
      const oldest = this.created.keys().next().value;
      if (oldest !== undefined) this.created.delete(oldest);
    }
    this.created.set(key, accessKeyId);
  }
}

function isEmergency(ctx: RotationContext): boolean {
  return ctx.settings.boolean('emergency', 'EMERGENCY_ROTATION', false);
}

/** `arn:<partition>:iam::<account>:user/<path/><UserName>`: user names are case-insensitive in IAM. */
function isUserArn(arn: string, userName: string): boolean {
  const match = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match !== null && match[1].toLowerCase() === userName.toLowerCase();
}
