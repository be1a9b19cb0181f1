/**
 * Synth-time schedule checks, delegated to the same module the functions and the emulator use, so that a
 * schedule the stack accepts is one Secrets Manager accepts (AWS-BEHAVIOUR.md section 4.6).
 */
import { intervalHours, ScheduleValidationError, validateRotationRules } from './schedule-temp';

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

/** Longest gap between two rotation windows of a valid schedule, in hours. */
export function scheduleIntervalHours(scheduleExpression: string, window: string): number {
  return intervalHours({ ScheduleExpression: scheduleExpression, Duration: window });
}
