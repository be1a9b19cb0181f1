import type { RotationStep } from './event';
import type { Logger } from './logger';
import type { PasswordOptions } from './password';
import type { Settings } from './settings';

/** One version of a secret, as read by the engine. */
export interface SecretVersionValue {
  readonly versionId: string;
  readonly secretString: string;
}

/**
 * What a credential type sees of a rotation. Every Secrets Manager call goes through the engine, behind these
 * methods: a strategy never moves a label and never writes a secret.
 */
export interface RotationContext {
  /** The secret's ARN. */
  readonly secretArn: string;
  /** The secret's name: use it in messages. */
  readonly secretName: string;
  /** The VersionId being rotated in (the event's ClientRequestToken). */
  readonly token: string;
  readonly step: RotationStep;
  /** The secret's tags, as DescribeSecret returned them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Per-secret settings: tags `rotation:<name>` over environment variables over defaults. */
  readonly settings: Settings;
  readonly logger: Logger;
  /** The AWSCURRENT version. */
  current(): Promise<SecretVersionValue>;
  /** The AWSPENDING version being rotated in; fails if createSecret has not stored its value. */
  pending(): Promise<SecretVersionValue>;
  /** The AWSPREVIOUS version, if there is one. */
  previous(): Promise<SecretVersionValue | undefined>;
  /** The AWSCURRENT value of another secret (a master secret, say), read through the engine. */
  otherSecret(secretId: string): Promise<SecretVersionValue>;
  /** A new password from the secret's password settings, with `overrides` applied last. */
  generatePassword(overrides?: Partial<PasswordOptions>): string;
  /** Marks a value as secret so that the logger masks it wherever it appears. */
  registerSecret(value: string): void;
}

/**
 * A credential type. The engine runs the protocol; the strategy only knows its credential.
 *
 * @example
 * class ApiKeyStrategy implements RotationStrategy {
 *   readonly type = 'api-key';
 *   async createCredential(ctx) { return ctx.generatePassword({ excludePunctuation: true }); }
 *   async applyCredential() {}
 *   async verifyCredential(ctx) { if ((await ctx.pending()).secretString.length < 32) throw new Error('too short'); }
 * }
 */
export interface RotationStrategy {
  /** Kebab-case type name, as in the registry; used in metrics and logs. */
  readonly type: string;
  /**
   * True when createCredential changes an outside system (IAM's CreateAccessKey, say). The engine then reads the
   * pending version first and skips createCredential if a value is already stored, so that a retried
   * createSecret never makes a second credential. When false (the default) the engine lets PutSecretValue's own
   * idempotency decide, which saves one Secrets Manager call per rotation.
   */
  readonly sideEffectsOnCreate?: boolean;
  /**
   * Password options this type uses unless the secret's settings (tags `rotation:*`, environment variables) say
   * otherwise: a database leaves out characters that connection strings need escaped, say.
   */
  readonly passwordDefaults?: Partial<PasswordOptions>;
  /** createSecret: returns the new SecretString, built from the current value (keep every other field). */
  createCredential(ctx: RotationContext): Promise<string>;
  /**
   * createSecret, when the value createCredential returned could not be stored (PutSecretValue failed, or
   * another attempt stored a value first): undoes the credential's side effects, so that nothing is left
   * behind that no secret holds. Only strategies with side effects on create need it.
   */
  discardCredential?(ctx: RotationContext, value: string): Promise<void>;
  /** setSecret: makes the pending credential valid in the target system. Must be idempotent. */
  applyCredential(ctx: RotationContext): Promise<void>;
  /** testSecret: proves the pending credential works. Must not change anything. */
  verifyCredential(ctx: RotationContext): Promise<void>;
  /**
   * finishSecret, after AWSCURRENT has moved: revokes the previous credential where the type does that
   * immediately. Also called when a retried finishSecret finds the move already done, so it must be idempotent.
   */
  revokePrevious?(ctx: RotationContext): Promise<void>;
}
