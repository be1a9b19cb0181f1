/** What started a rotation: RotateSecret, the schedule, or a restart that found it incomplete. */
export type RotationTrigger = 'api' | 'schedule' | 'resume';

/** One function invocation inside a rotation run, as `GET /_emulator/rotations` lists it. */
export interface RotationStepRecord {
  readonly attempt: number;
  readonly step: string;
  status: 'running' | 'succeeded' | 'failed';
  durationMs?: number;
  errorType?: string;
  /** The function's error message (functions must not put secret values in errors). */
  errorMessage?: string;
}

/** Every rotation the emulator starts, including test rotations (RotateImmediately=false) and scheduled ones. */
export interface RotationRun {
  readonly id: string;
  readonly secretArn: string;
  /** The ClientRequestToken: the VersionId the rotation creates (or the temporary test version). */
  readonly token: string;
  readonly rotationToken: string;
  readonly functionArn: string;
  readonly kind: 'rotation' | 'test';
  readonly trigger: RotationTrigger;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  readonly startedAt: string;
  finishedAt?: string;
  readonly steps: RotationStepRecord[];
}
