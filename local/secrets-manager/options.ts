import type { Input } from './input';
import type { SecretStore } from './store';

/** What RotateSecret needs from the emulator's Lambda side. */
export interface RotationHooks {
  /** RotateSecret asks this before persisting anything; false => AccessDeniedException (AWS message), nothing saved. */
  canInvoke(functionArn: string): boolean;
  /**
   * RotateSecret calls this after it persisted the rotation config and (RotateImmediately) created the value-less
   * AWSPENDING stub, just before returning {ARN, Name, VersionId}. The orchestrator runs the steps later.
   */
  rotationRequested(req: { secretArn: string; token: string; functionArn: string; rotateImmediately: boolean }): void;
}

export interface SecretsManagerOptions {
  account: string;
  region: string;
  now(): Date;
  /**
   * Called for every event the service produces (EventBridge shapes of AWS-BEHAVIOUR.md section 6: 'Secret Label
   * Updated' native events and 'AWS Service Event via CloudTrail' records such as RotationAbandoned).
   */
  emit(event: Record<string, unknown>): void;
  rotation: RotationHooks;
}

/** What every operation gets. */
export interface OpContext {
  readonly store: SecretStore;
  readonly options: SecretsManagerOptions;
}

/** An operation: validated input in, output members out (AwsServiceError on failure). */
export type Operation = (input: Input, ctx: OpContext) => Record<string, unknown>;
