/**
 * Synth-time schedule checks, delegated to the module the functions, the emulator and the monitor use, so that
 * a schedule the stack accepts is one Secrets Manager accepts (AWS-BEHAVIOUR.md section 4.6).
 */
import {
  intervalHours,
  nextWindowStart,
  ScheduleValidationError,
  validateRotationRules,
} from '../../lambdas/core/schedule';

const HOUR_MS = 3_600_000;
/** A year of windows: cron schedules repeat at most yearly (29 February aside). */
const SPAN_MS = 366 * 24 * HOUR_MS;

/** Why the schedule and window are invalid, or undefined when Secrets Manager would accept them. */
export function scheduleProblem(scheduleExpression: string, window: string): string | undefined {
  try {
    validateRotationRules({ ScheduleExpression: scheduleExpression, Duration: window });
    return undefined;
  } catch (error) {
    if (error instanceof ScheduleValidationError) return error.message;
    throw error;
  }
}

/**
 * Longest gap between two window starts of a valid schedule, in hours: what a risk tier's "at least every N
 * days" must bound. For rate() it is the rate; for cron it is measured over a year, because the shortest gap
 * (`cron(0 2 1,15 * ? *)`: 13 days) says nothing about the longest (17 days, from the 15th to the 1st).
 */
export function longestGapHours(scheduleExpression: string): number {
  const rules = { ScheduleExpression: scheduleExpression };
  if (!scheduleExpression.startsWith('cron(')) return intervalHours(rules);
  let previous = nextWindowStart(rules, new Date(Date.UTC(2027, 0, 1)));
  const end = previous.getTime() + SPAN_MS;
  let longest = 0;
  while (previous.getTime() < end) {
    const next = nextWindowStart(rules, previous);
    longest = Math.max(longest, (next.getTime() - previous.getTime()) / HOUR_MS);
    previous = next;
  }
  return longest;
}
