import type { RotationOrchestrator } from './orchestrator';

/** A rotation that was under way when the emulator stopped: AWSPENDING on a version without AWSCURRENT. */
export interface IncompleteRotation {
  readonly secretArn: string;
  readonly functionArn: string;
  /** The VersionId holding AWSPENDING. */
  readonly token: string;
}

/**
 * Restarts, with their own tokens, the rotations a previous emulator process left incomplete (a kill -9 in the
 * middle of one, or one that had failed for good): AWS answers a RotateSecret in that state with "A previous
 * rotation isn't complete. That rotation will be reattempted.", so it reattempts them too.
 */
export function resumeIncompleteRotations(
  incomplete: readonly IncompleteRotation[],
  orchestrator: RotationOrchestrator,
): number {
  for (const rotation of incomplete) {
    orchestrator.start({ ...rotation, rotateImmediately: true, trigger: 'resume' });
  }
  return incomplete.length;
}
