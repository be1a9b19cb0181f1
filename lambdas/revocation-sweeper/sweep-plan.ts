/** What the sweeper does to a secret's previous credential now. */
export type SweepAction = 'keep' | 'deactivate' | 'remove';

/** Hours after a rotation before the previous credential is deactivated, when no tag or variable says otherwise. */
export const DEFAULT_DEACTIVATE_AFTER_HOURS = 24;
/** Hours after deactivation before it is removed. */
export const DEFAULT_REMOVE_AFTER_HOURS = 7 * 24;

/**
 * The action due for a previous credential, from the time AWSCURRENT last moved (LastRotatedDate). Deactivation
 * comes first, removal `removeAfterHours` later; a secret never rotated keeps its credential.
 */
export function sweepAction(
  lastRotated: Date | undefined,
  now: Date,
  deactivateAfterHours: number,
  removeAfterHours: number,
): SweepAction {
  if (lastRotated === undefined) return 'keep';
  const hours = (now.getTime() - lastRotated.getTime()) / 3_600_000;
  if (hours >= deactivateAfterHours + removeAfterHours) return 'remove';
  if (hours >= deactivateAfterHours) return 'deactivate';
  return 'keep';
}
