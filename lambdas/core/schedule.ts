/**
 * Rotation schedules as Secrets Manager accepts them (AWS-BEHAVIOUR.md section 4.6), shared by the emulator,
 * the CDK constructs (synth-time validation) and the monitor. All times are UTC.
 */

/** The `RotationRules` member of RotateSecret. */
export interface RotationRulesInput {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

/** A schedule that Secrets Manager would reject. The message names the field, what it got and what it expects. */
export class ScheduleValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleValidationError';
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MIN_INTERVAL_HOURS = 4;
const MAX_RATE_DAYS = 999;
const MAX_AFTER_DAYS = 1000;
const EXPRESSION_PATTERN = /^[0-9A-Za-z()#?*\-/, ]+$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Whether a UTC calendar day takes part in a cron schedule. */
type DayMatcher = (day: Date) => boolean;

/** A schedule reduced to what the window arithmetic needs. */
type Schedule =
  | { readonly kind: 'days'; readonly days: number; readonly expression?: string }
  | { readonly kind: 'hours'; readonly hours: number; readonly expression: string }
  | { readonly kind: 'cron'; readonly hours: readonly number[]; readonly day: DayMatcher; readonly expression: string };

function fail(message: string): never {
  throw new ScheduleValidationError(message);
}

/** Values of one cron field: `*`, `a`, `a-b`, `a/s`, `a-b/s`, `*\/s` and comma lists of those. Ranges may wrap. */
function parseValues(
  field: string,
  name: string,
  min: number,
  max: number,
  names: readonly string[] = [],
): Set<number> {
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const parsed = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) fail(`cron ${name} value "${token}" must be ${min}-${max}`);
    return parsed;
  };
  const result = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') fail(`cron ${name} field "${field}" is malformed`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(`cron ${name} step "${stepText}" must be a positive integer`);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    const span = to >= from ? to - from : to - from + (max - min + 1);
    for (let i = 0; i <= span; i += step) result.add(((from - min + i) % (max - min + 1)) + min);
  }
  return result;
}

function lastDayOfMonth(day: Date): number {
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
}

function dayOfMonthMatcher(field: string): DayMatcher {
  if (field.toUpperCase() === 'L') return (day) => day.getUTCDate() === lastDayOfMonth(day);
  const days = parseValues(field, 'day-of-month', 1, 31);
  return (day) => days.has(day.getUTCDate());
}

/** Day of week 1-7 = SUN-SAT; also `L` (Saturday), `nL` (last weekday n of the month) and `n#k` (k-th weekday n). */
function dayOfWeekMatcher(field: string): DayMatcher {
  const weekday = (day: Date) => day.getUTCDay() + 1;
  const upper = field.toUpperCase();
  if (upper === 'L') return (day) => weekday(day) === 7;
  const last = /^(\w+)L$/.exec(upper);
  if (last) {
    const wanted = [...parseValues(last[1] as string, 'day-of-week', 1, 7, WEEKDAYS)][0] as number;
    return (day) => weekday(day) === wanted && day.getUTCDate() + 7 > lastDayOfMonth(day);
  }
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const wanted = [...parseValues(nth[1] as string, 'day-of-week', 1, 7, WEEKDAYS)][0] as number;
    const k = Number(nth[2]);
    if (k < 1 || k > 5) fail(`cron day-of-week "${field}" must use #1-#5`);
    return (day) => weekday(day) === wanted && Math.ceil(day.getUTCDate() / 7) === k;
  }
  const days = parseValues(field, 'day-of-week', 1, 7, WEEKDAYS);
  return (day) => days.has(weekday(day));
}

function parseCron(expression: string, body: string): Schedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) fail(`ScheduleExpression "${expression}" must have 6 cron fields, got ${fields.length}`);
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (minutes !== '0') fail(`ScheduleExpression "${expression}" must have minutes 0 (windows start on the hour)`);
  if (year !== '*') fail(`ScheduleExpression "${expression}" must have year "*", got "${year}"`);
  if ((dom === '?') === (dow === '?')) {
    fail(`ScheduleExpression "${expression}" must have exactly one of day-of-month and day-of-week set to "?"`);
  }
  const hourSet = [...parseValues(hours, 'hours', 0, 23)].sort((a, b) => a - b);
  const months = parseValues(month, 'month', 1, 12, MONTHS);
  const dayMatch = dom === '?' ? dayOfWeekMatcher(dow) : dayOfMonthMatcher(dom);
  const day: DayMatcher = (d) => months.has(d.getUTCMonth() + 1) && dayMatch(d);
  return { kind: 'cron', hours: hourSet, day, expression };
}

function parseExpression(expression: string): Schedule {
  if (expression.length > 256 || !EXPRESSION_PATTERN.test(expression)) {
    fail(`ScheduleExpression "${expression}" must match [0-9A-Za-z()#?*-/, ]+ and be at most 256 characters`);
  }
  const rate = /^rate\((\d+) (hours?|days?)\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const inHours = (rate[2] as string).startsWith('hour');
    const hours = inHours ? value : value * 24;
    if (value < 1 || hours < MIN_INTERVAL_HOURS) {
      fail(`ScheduleExpression "${expression}" must not be more frequent than every ${MIN_INTERVAL_HOURS} hours`);
    }
    if (hours > MAX_RATE_DAYS * 24) fail(`ScheduleExpression "${expression}" must not exceed ${MAX_RATE_DAYS} days`);
    return inHours ? { kind: 'hours', hours: value, expression } : { kind: 'days', days: value, expression };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) return parseCron(expression, cron[1] as string);
  return fail(`ScheduleExpression "${expression}" must be rate(N hours|days) or cron(0 H DoM Mon DoW *)`);
}

/** Parses and checks everything except the window. */
function parseSchedule(rules: RotationRulesInput): Schedule {
  const { AutomaticallyAfterDays: days, ScheduleExpression: expression } = rules;
  if (days !== undefined && expression !== undefined) {
    fail('You cannot specify both rotation frequency and schedule expression together.');
  }
  if (expression !== undefined) return parseExpression(expression);
  if (days === undefined) fail('RotationRules must contain AutomaticallyAfterDays or ScheduleExpression, got neither');
  if (!Number.isInteger(days) || days < 1 || days > MAX_AFTER_DAYS) {
    fail(`AutomaticallyAfterDays must be an integer 1-${MAX_AFTER_DAYS}, got ${days}`);
  }
  return { kind: 'days', days };
}

/** Smallest gap in hours between the hours of one cron day, counting the wrap into the next day. */
function cronHourGap(hours: readonly number[]): number {
  let gap = 24;
  hours.forEach((hour, i) => {
    const next = i + 1 < hours.length ? (hours[i + 1] as number) : (hours[0] as number) + 24;
    gap = Math.min(gap, next - hour);
  });
  return gap;
}

function explicitDuration(rules: RotationRulesInput): number | undefined {
  const { Duration: duration } = rules;
  if (duration === undefined) return undefined;
  if (!/^[0-9]{1,2}h$/.test(duration)) fail(`Duration "${duration}" must match [0-9]+h with at most 2 digits`);
  const hours = Number.parseInt(duration, 10);
  if (hours < 1) fail(`Duration "${duration}" must be at least 1h`);
  return hours;
}

function defaultWindow(schedule: Schedule): number {
  if (schedule.kind === 'days') return 24;
  if (schedule.kind === 'hours') return 1;
  return schedule.hours.length > 1 ? 1 : 24 - (schedule.hours[0] as number);
}

/** Throws ScheduleValidationError unless Secrets Manager would accept these RotationRules. */
export function validateRotationRules(rules: RotationRulesInput): void {
  const schedule = parseSchedule(rules);
  if (schedule.kind === 'cron') {
    if (schedule.hours.length > 1 && cronHourGap(schedule.hours) < MIN_INTERVAL_HOURS) {
      fail(
        `ScheduleExpression "${schedule.expression}" must not be more frequent than every ${MIN_INTERVAL_HOURS} hours`,
      );
    }
    firstCronStart(schedule, new Date(Date.UTC(2000, 0, 1)));
  }
  const duration = explicitDuration(rules);
  if (duration === undefined) return;
  const subject = schedule.expression === undefined ? 'AutomaticallyAfterDays' : `"${schedule.expression}"`;
  if (schedule.kind === 'hours' && duration > schedule.hours) {
    fail(`Duration "${rules.Duration}" must not be longer than the ${schedule.hours}-hour interval of ${subject}`);
  }
  if (schedule.kind === 'days' && duration > 24) {
    fail(`Duration "${rules.Duration}" must not cross the UTC day: windows of ${subject} start at 00:00 UTC`);
  }
  if (schedule.kind === 'cron') {
    const gap = cronHourGap(schedule.hours);
    if (schedule.hours.length > 1 && duration > gap) {
      fail(`Duration "${rules.Duration}" overlaps the next window of ${subject}, which starts ${gap} hours later`);
    }
    const lastStart = schedule.hours[schedule.hours.length - 1] as number;
    if (lastStart + duration > 24) {
      fail(`Duration "${rules.Duration}" must not cross the UTC day: a window of ${subject} starts at ${lastStart}:00`);
    }
  }
}

/** Length of the rotation window in hours (explicit Duration or AWS's default). */
export function windowHours(rules: RotationRulesInput): number {
  return explicitDuration(rules) ?? defaultWindow(parseSchedule(rules));
}

function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

/** First cron window start strictly after `after`; looks 8 years ahead so that 29 February is covered. */
function firstCronStart(schedule: Extract<Schedule, { kind: 'cron' }>, after: Date): Date {
  const firstDay = startOfUtcDay(after.getTime());
  for (let dayStart = firstDay; dayStart < firstDay + 8 * 366 * DAY_MS; dayStart += DAY_MS) {
    if (!schedule.day(new Date(dayStart))) continue;
    for (const hour of schedule.hours) {
      const start = dayStart + hour * HOUR_MS;
      if (start > after.getTime()) return new Date(start);
    }
  }
  return fail(`ScheduleExpression "${schedule.expression}" never matches a date`);
}

/**
 * Start of the first rotation window that starts strictly after `after` (UTC). For AutomaticallyAfterDays and
 * rate(N days), the UTC day `after + N days` at 00:00 (windows of day schedules start at midnight). For
 * rate(N hours), the hour `after + N hours` falls in, at :00. For cron, the next matching hour.
 */
export function nextWindowStart(rules: RotationRulesInput, after: Date): Date {
  const schedule = parseSchedule(rules);
  if (schedule.kind === 'days') return new Date(startOfUtcDay(after.getTime()) + schedule.days * DAY_MS);
  if (schedule.kind === 'hours') {
    return new Date(Math.floor((after.getTime() + schedule.hours * HOUR_MS) / HOUR_MS) * HOUR_MS);
  }
  return firstCronStart(schedule, after);
}

/**
 * Nominal interval between windows in hours, for "overdue" checks: the rate value, AutomaticallyAfterDays * 24,
 * or for cron the smallest gap between two window starts over a year.
 */
export function intervalHours(rules: RotationRulesInput): number {
  const schedule = parseSchedule(rules);
  if (schedule.kind === 'days') return schedule.days * 24;
  if (schedule.kind === 'hours') return schedule.hours;
  let previous = firstCronStart(schedule, new Date(Date.UTC(2024, 0, 1)));
  const end = previous.getTime() + 366 * DAY_MS;
  let gap = Number.POSITIVE_INFINITY;
  while (previous.getTime() < end) {
    const next = firstCronStart(schedule, previous);
    gap = Math.min(gap, (next.getTime() - previous.getTime()) / HOUR_MS);
    previous = next;
  }
  return gap;
}
