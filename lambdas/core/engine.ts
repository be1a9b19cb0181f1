import { performance } from 'node:perf_hooks';
import {
  ApplyFailedError,
  ConfigurationError,
  PendingVersionMissingError,
  RotationError,
  RotationNotEnabledError,
  SecretFormatError,
  VerificationFailedError,
  withLocation,
} from './errors';
import { parseRotationEvent, type RotationEvent, type RotationStep } from './event';
import { Logger } from './logger';
import { emitStepMetric } from './metrics';
import { generatePassword, type PasswordOptions, PasswordOptionsError } from './password';
import { redactText, registerSecretValue } from './redaction';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  type PutOutcome,
  type SecretMetadata,
  type SecretsGateway,
  versionWithLabel,
} from './secrets-gateway';
import { type Environment, Settings } from './settings';
import type { RotationContext, RotationStrategy, SecretVersionValue } from './strategy';

/** Largest SecretString Secrets Manager stores. */
const MAX_SECRET_STRING = 65536;

export interface RotationEngineOptions {
  /** Function-wide settings. @default process.env */
  readonly env?: Environment;
  /** @default a Logger named after the credential type */
  readonly logger?: Logger;
}

/** The labels as they are after finishSecret's move of AWSCURRENT onto `token`. */
function afterCurrentMove(meta: SecretMetadata, token: string, fromVersionId?: string): SecretMetadata {
  const versions: Record<string, string[]> = {};
  for (const [id, stages] of Object.entries(meta.versions)) {
    versions[id] = stages.filter((s) => s !== AWSCURRENT && !(s === AWSPREVIOUS && fromVersionId !== undefined));
  }
  versions[token] = [...(versions[token] ?? []), AWSCURRENT];
  if (fromVersionId !== undefined) versions[fromVersionId] = [...(versions[fromVersionId] ?? []), AWSPREVIOUS];
  return { ...meta, versions };
}

/**
 * The Secrets Manager rotation protocol, once for every credential type: event validation, the four steps,
 * idempotency under retries, and every staging-label move. Credential types plug in as a RotationStrategy.
 */
export class RotationEngine {
  private readonly env: Environment;
  private readonly logger: Logger;

  constructor(
    private readonly strategy: RotationStrategy,
    private readonly gateway: SecretsGateway,
    options: RotationEngineOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.logger =
      options.logger ?? new Logger(this.env.POWERTOOLS_SERVICE_NAME || `rotation-${strategy.type}`, {}, undefined);
  }

  /** Runs one step. Throws (after logging and recording the failure metric) when the step fails. */
  async handle(rawEvent: unknown): Promise<void> {
    const event = parseRotationEvent(rawEvent);
    const log = this.logger.child({
      secretId: event.SecretId,
      step: event.Step,
      ClientRequestToken: event.ClientRequestToken,
      credentialType: this.strategy.type,
    });
    const started = performance.now();
    try {
      await this.run(event, log);
      emitStepMetric({
        credentialType: this.strategy.type,
        step: event.Step,
        outcome: 'succeeded',
        durationMs: performance.now() - started,
      });
    } catch (error) {
      const located = withLocation(error, event.SecretId, event.Step);
      log.error(`${event.Step} failed`, { error: located });
      emitStepMetric({
        credentialType: this.strategy.type,
        step: event.Step,
        outcome: 'failed',
        durationMs: performance.now() - started,
      });
      throw located;
    }
  }

  private async run(event: RotationEvent, log: Logger): Promise<void> {
    const token = event.ClientRequestToken;
    const meta = await this.gateway.describe(event.SecretId);
    if (!meta.rotationEnabled) {
      throw new RotationNotEnabledError(`secret ${meta.name} is not enabled for rotation`);
    }
    const stages = meta.versions[token];
    if (stages === undefined) {
      throw new PendingVersionMissingError(
        `secret ${meta.name} has no version ${token} carrying a staging label: nothing to rotate`,
      );
    }
    if (stages.includes(AWSCURRENT)) {
      if (event.Step === 'finishSecret') await this.afterCurrent(meta, this.context(meta, event.Step, token, log));
      log.info(`version ${token} of secret ${meta.name} is already ${AWSCURRENT}; nothing to do`);
      return;
    }
    if (!stages.includes(AWSPENDING)) {
      throw new PendingVersionMissingError(
        `secret ${meta.name} version ${token} must carry ${AWSPENDING}, got labels [${stages.join(', ')}]`,
      );
    }
    const ctx = this.context(meta, event.Step, token, log);
    switch (event.Step) {
      case 'createSecret':
        return this.createSecret(ctx, meta, event);
      case 'setSecret':
        return this.guarded(ctx, 'setSecret', () => this.strategy.applyCredential(ctx), ApplyFailedError);
      case 'testSecret':
        return this.guarded(ctx, 'testSecret', () => this.strategy.verifyCredential(ctx), VerificationFailedError);
      case 'finishSecret':
        return this.finishSecret(ctx, meta);
    }
  }

  private async createSecret(ctx: RotationContext, meta: SecretMetadata, event: RotationEvent): Promise<void> {
    const token = ctx.token;
    if (this.gateway.cachedValue(meta, token) !== undefined) {
      ctx.logger.info('pending version already holds a value (written by this container); nothing to do');
      return;
    }
    if (this.strategy.sideEffectsOnCreate) {
      try {
        await ctx.pending();
        ctx.logger.info('pending version already holds a value; nothing to do');
        return;
      } catch (error) {
        if (!(error instanceof PendingVersionMissingError)) throw error;
      }
    }
    const value = await this.strategy.createCredential(ctx);
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SECRET_STRING) {
      throw new SecretFormatError(
        `credential type ${this.strategy.type} built an invalid value for secret ${ctx.secretName}: expected a string of 1-${MAX_SECRET_STRING} characters`,
      );
    }
    let outcome: PutOutcome;
    try {
      outcome = await this.gateway.putPending(meta, token, value, event.RotationToken);
    } catch (error) {
      await this.discard(ctx, value);
      throw error;
    }
    if (outcome === 'exists') await this.discard(ctx, value);
    ctx.logger.info(
      outcome === 'stored'
        ? `stored the new value as ${AWSPENDING}`
        : 'pending version already held a value from an earlier attempt; kept it',
    );
  }

  /** Undoes a credential that was made but not stored; a failure to undo is logged, the original error wins. */
  private async discard(ctx: RotationContext, value: string): Promise<void> {
    if (this.strategy.discardCredential === undefined) return;
    try {
      await this.strategy.discardCredential(ctx, value);
      ctx.logger.info('discarded the credential whose value could not be stored');
    } catch (error) {
      ctx.logger.error('could not discard the credential whose value could not be stored', { error });
    }
  }

  private async finishSecret(ctx: RotationContext, meta: SecretMetadata): Promise<void> {
    const currentId = versionWithLabel(meta, AWSCURRENT);
    await this.gateway.moveLabel(meta, AWSCURRENT, ctx.token, currentId);
    ctx.logger.info(`moved ${AWSCURRENT} to version ${ctx.token}`, { previousVersionId: currentId });
    const moved = afterCurrentMove(meta, ctx.token, currentId);
    await this.afterCurrent(moved, this.context(moved, ctx.step, ctx.token, ctx.logger));
  }

  /**
   * What follows the move of AWSCURRENT, also on a retried finishSecret that finds the move done: the optional
   * removal of AWSPENDING, then the strategy's optional revocation of the previous credential.
   */
  private async afterCurrent(meta: SecretMetadata, ctx: RotationContext): Promise<void> {
    const removePending = ctx.settings.boolean('remove-pending-on-finish', 'REMOVE_PENDING_ON_FINISH', false);
    if (removePending && meta.versions[ctx.token]?.includes(AWSPENDING)) {
      await this.gateway.removeLabel(meta, AWSPENDING, ctx.token);
      ctx.logger.info(`removed ${AWSPENDING} from the new ${AWSCURRENT} version`);
    }
    const revoke = this.strategy.revokePrevious;
    if (revoke !== undefined) {
      await this.guarded(ctx, 'finishSecret', () => revoke.call(this.strategy, ctx), ApplyFailedError);
    }
  }

  /** Runs a strategy hook; errors that are not ours become `Wrapper`, with a redacted message and the cause. */
  private async guarded(
    ctx: RotationContext,
    step: string,
    hook: () => Promise<void>,
    Wrapper: new (message: string, options: { cause: unknown; secretId: string }) => RotationError,
  ): Promise<void> {
    try {
      await hook();
    } catch (error) {
      if (error instanceof RotationError) throw error;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Wrapper(`${step} for secret ${ctx.secretName} failed: ${redactText(detail)}`, {
        cause: error,
        secretId: ctx.secretName,
      });
    }
  }

  private context(meta: SecretMetadata, step: RotationStep, token: string, logger: Logger): RotationContext {
    const settings = new Settings(meta.name, meta.tags, this.env);
    const gateway = this.gateway;
    const memo = new Map<string, Promise<SecretVersionValue | undefined>>();
    const once = <T extends SecretVersionValue | undefined>(key: string, load: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    };
    const read = async (label: string, versionId: string): Promise<SecretVersionValue> => ({
      versionId,
      secretString: await gateway.versionValue(meta, versionId, label),
    });
    let passwordOptions: PasswordOptions | undefined;
    return {
      secretArn: meta.arn,
      secretName: meta.name,
      token,
      step,
      tags: meta.tags,
      settings,
      logger,
      current: () =>
        once('current', () => {
          const id = versionWithLabel(meta, AWSCURRENT);
          if (id === undefined) throw new SecretFormatError(`secret ${meta.name} has no ${AWSCURRENT} version`);
          return read(AWSCURRENT, id);
        }),
      pending: () => once('pending', () => read(AWSPENDING, token)),
      previous: () =>
        once('previous', async () => {
          const id = versionWithLabel(meta, AWSPREVIOUS);
          return id === undefined ? undefined : read(AWSPREVIOUS, id);
        }),
      otherSecret: (secretId) => gateway.currentValueOf(secretId),
      generatePassword: (overrides) => {
        passwordOptions ??= settings.passwordOptions(this.strategy.passwordDefaults);
        try {
          const password = generatePassword({ ...passwordOptions, ...overrides });
          registerSecretValue(password);
          return password;
        } catch (error) {
          if (!(error instanceof PasswordOptionsError)) throw error;
          throw new ConfigurationError(`secret ${meta.name} password settings are invalid: ${error.message}`, {
            cause: error,
          });
        }
      },
      registerSecret: registerSecretValue,
    };
  }
}
