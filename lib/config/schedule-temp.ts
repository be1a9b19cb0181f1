// TEMPORARY stand-in for lambdas/core/schedule.ts (being written by another engineer). Delete when it lands.
export interface Rules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}
export class ScheduleValidationError extends Error {}
function rateHours(expr: string): number | undefined {
  const m = /^rate\((\d+) (hour|hours|day|days)\)$/.exec(expr);
  if (!m) return undefined;
  return Number(m[1]) * (m[2].startsWith('day') ? 24 : 1);
}
export function intervalHours(rules: Rules): number {
  if (rules.ScheduleExpression === undefined) return (rules.AutomaticallyAfterDays ?? 0) * 24;
  const rate = rateHours(rules.ScheduleExpression);
  if (rate !== undefined) return rate;
  const f = rules.ScheduleExpression.slice(5, -1).split(' ');
  if (f[2] === '*' || f[4] === '*') return 24;
  if (f[4] !== '?') return 24 * 7;
  return 24 * 31;
}
export function windowHours(rules: Rules): number {
  if (rules.Duration) return Number(rules.Duration.slice(0, -1));
  return 24;
}
export function validateRotationRules(rules: Rules): void {
  const e = rules.ScheduleExpression ?? '';
  const w = windowHours(rules);
  if (e.startsWith('rate(')) {
    const h = rateHours(e);
    if (h === undefined) throw new ScheduleValidationError(`bad rate ${e}`);
    if (h < 4) throw new ScheduleValidationError('rate must be at least 4 hours');
    if (w > h) throw new ScheduleValidationError(`window ${w}h is longer than the interval ${h}h`);
    return;
  }
  const f = e.slice(5, -1).split(' ');
  if (!e.startsWith('cron(') || f.length !== 6) throw new ScheduleValidationError(`bad cron ${e}`);
  if (f[0] !== '0') throw new ScheduleValidationError('cron minutes must be 0');
  if (f[5] !== '*') throw new ScheduleValidationError('cron year must be *');
  if (/^\d+$/.test(f[1]) && Number(f[1]) + w > 24) throw new ScheduleValidationError('window crosses the UTC day');
}
