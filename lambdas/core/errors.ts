import type { RotationStep } from './event';

/** Where an error happened. Never holds a secret value. */
export interface RotationErrorOptions {
  readonly cause?: unknown;
  readonly secretId?: string;
  readonly step?: RotationStep;
}

/**
 * Base of every error the rotation engine raises. Messages name the secret, the field or the version and what
 * was expected; they never contain a secret value.
 */
export class RotationError extends Error {
  readonly secretId?: string;
  readonly step?: RotationStep;

  constructor(message: string, options: RotationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RotationError';
    this.secretId = options.secretId;
    this.step = options.step;
  }
}

/** The Lambda event is not a Secrets Manager rotation event. Raised before any AWS call. */
export class InvalidEventError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

/** DescribeSecret says rotation is not enabled on the secret. */
export class RotationNotEnabledError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'RotationNotEnabledError';
  }
}

/** The event's token is not a version of the secret, or that version does not carry AWSPENDING. */
export class PendingVersionMissingError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'PendingVersionMissingError';
  }
}

/** A secret value (current, pending or previous) does not have the shape the credential type needs. */
export class SecretFormatError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'SecretFormatError';
  }
}

/** A setting from a tag or an environment variable is invalid. */
export class ConfigurationError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** setSecret could not apply the pending credential to the target system. */
export class ApplyFailedError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'ApplyFailedError';
  }
}

/** testSecret found that the pending credential does not work. */
export class VerificationFailedError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'VerificationFailedError';
  }
}

/** A Secrets Manager call failed. The cause is the SDK error. */
export class SecretsManagerCallError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'SecretsManagerCallError';
  }
}

/** Gives our own errors the secret and step they lack; leaves anything else alone. */
export function withLocation<T>(error: T, secretId: string, step: RotationStep): T {
  if (error instanceof RotationError) {
    const located = error as { secretId?: string; step?: RotationStep };
    located.secretId ??= secretId;
    located.step ??= step;
  }
  return error;
}
