/**
 * What rotation orchestration needs from the rest of the emulator, as narrow ports so that it can be tested
 * without a real Secrets Manager store or function runner (the emulator wires the real ones).
 */

/** Outcome of one function invocation (a subset of FunctionRunner's result). */
export interface InvocationOutcome {
  readonly ok: boolean;
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly durationMs?: number;
}

export interface FunctionInvoker {
  invoke(functionArn: string, event: Readonly<Record<string, unknown>>): Promise<InvocationOutcome>;
}

/** The Secrets Manager state changes rotation makes itself (the function makes the rest through the API). */
export interface RotationStorePort {
  /** False once the rotation should stop: the secret is gone or deleted, rotation was cancelled or abandoned. */
  isActive(secretArn: string, token: string): boolean;
  /** Adds a version `versionId` holding a copy of the AWSCURRENT value, labelled AWSPENDING (RotateImmediately=false). */
  addTestVersion(secretArn: string, versionId: string): void;
  /** Removes the temporary test version again. */
  removeTestVersion(secretArn: string, versionId: string): void;
  /** Records a successful rotation: LastRotatedDate and the next NextRotationDate. */
  markRotated(secretArn: string): void;
}

/** The CloudTrail events rotation records (see events/event-shapes.ts). */
export type RotationEmit = (eventName: string, secretArn: string, errorMessage?: string, requestId?: string) => void;
