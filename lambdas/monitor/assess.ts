import { nextWindowStart, validateRotationRules, windowHours } from '../core/schedule';

/** Rotation rules as Secrets Manager returns them. */
export interface RotationRulesView {
  readonly AutomaticallyAfterDays?: number;
  readonly Duration?: string;
  readonly ScheduleExpression?: string;
}

/** The fields of a ListSecrets entry the monitor reads. */
export interface SecretView {
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly rules?: RotationRulesView;
  readonly lastRotatedDate?: Date;
  readonly createdDate?: Date;
  /** VersionId -> staging labels. */
  readonly versionsToStages: Readonly<Record<string, readonly string[]>>;
}

/** What the monitor concludes about one secret. */
export interface SecretHealth {
  readonly name: string;
  /** The first rotation window after the last rotation (or creation) has closed without a rotation. */
  readonly overdue: boolean;
  /** AWSPENDING sits on a version without AWSCURRENT for longer than the window. */
  readonly stuck: boolean;
  /** Automatic rotation is switched off. */
  readonly disabled: boolean;
  /** Hours since the last rotation (or since creation when never rotated); undefined when neither is known. */
  readonly hoursSinceRotation?: number;
  /** Why the schedule could not be read, when it could not; the secret is then not judged overdue. */
  readonly scheduleProblem?: string;
}

const HOUR_MS = 3_600_000;

/**
 * The version that an incomplete rotation left AWSPENDING on, or undefined. AWSPENDING together with
 * AWSCURRENT, or on no version, is the documented "complete" state and is not pending.
 */
export function pendingVersionId(versionsToStages: Readonly<Record<string, readonly string[]>>): string | undefined {
  for (const [versionId, stages] of Object.entries(versionsToStages)) {
    if (stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT')) return versionId;
  }
  return undefined;
}

/**
 * Judges one secret. `pendingCreatedAt` is the creation time of the pending version (see `pendingVersionId`),
 * undefined when there is none.
 */
export function assessSecret(secret: SecretView, pendingCreatedAt: Date | undefined, now: Date): SecretHealth {
  const reference = secret.lastRotatedDate ?? secret.createdDate;
  // Secrets Manager stops returning LastRotatedDate once rotation is off; the creation date would then pass
  // for the age of the value, so a disabled secret without a rotation date reports no age at all.
  const ageReference = secret.lastRotatedDate ?? (secret.rotationEnabled ? secret.createdDate : undefined);
  const hoursSinceRotation =
    ageReference === undefined ? undefined : (now.getTime() - ageReference.getTime()) / HOUR_MS;
  const rules = secret.rules ?? {};
  let windowH: number | undefined;
  let deadline: Date | undefined;
  let scheduleProblem: string | undefined;
  try {
    validateRotationRules(rules);
    windowH = windowHours(rules);
    // Overdue means the first window after the last rotation has closed: exact for cron schedules whose gaps
    // vary (1st and 15th of the month), where "interval plus window" would be wrong one way or the other.
    if (reference !== undefined) deadline = new Date(nextWindowStart(rules, reference).getTime() + windowH * HOUR_MS);
  } catch (error) {
    scheduleProblem = error instanceof Error ? error.message : String(error);
  }
  const overdue = secret.rotationEnabled && deadline !== undefined && now.getTime() > deadline.getTime();
  const stuck =
    pendingCreatedAt !== undefined && (now.getTime() - pendingCreatedAt.getTime()) / HOUR_MS > (windowH ?? 24);
  return {
    name: secret.name,
    overdue,
    stuck,
    disabled: !secret.rotationEnabled,
    ...(hoursSinceRotation !== undefined ? { hoursSinceRotation } : {}),
    ...(scheduleProblem !== undefined ? { scheduleProblem } : {}),
  };
}
