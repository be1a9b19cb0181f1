import {
  intervalHours,
  nextWindowStart,
  type RotationRulesInput,
  ScheduleValidationError,
  validateRotationRules,
  windowHours,
} from '../../../lambdas/core/schedule';

const at = (iso: string) => new Date(iso);

describe('validateRotationRules', () => {
  it.each<[string, RotationRulesInput]>([
    ['AutomaticallyAfterDays 1', { AutomaticallyAfterDays: 1 }],
    ['AutomaticallyAfterDays 1000', { AutomaticallyAfterDays: 1000 }],
    ['AutomaticallyAfterDays with a window', { AutomaticallyAfterDays: 30, Duration: '3h' }],
    ['rate(4 hours)', { ScheduleExpression: 'rate(4 hours)' }],
    ['rate(4 hours) with a 4h window', { ScheduleExpression: 'rate(4 hours)', Duration: '4h' }],
    ['rate(1 day)', { ScheduleExpression: 'rate(1 day)' }],
    ['rate(999 days)', { ScheduleExpression: 'rate(999 days)', Duration: '24h' }],
    ['daily cron', { ScheduleExpression: 'cron(0 16 * * ? *)', Duration: '2h' }],
    ['AWS example cron', { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' }],
    ['hour increments', { ScheduleExpression: 'cron(0 4/12 * * ? *)' }],
    ['hour list with a window', { ScheduleExpression: 'cron(0 0,8,16 * * ? *)', Duration: '8h' }],
    ['weekday range by name', { ScheduleExpression: 'cron(0 8 ? * MON-FRI *)' }],
    ['wrapping weekday range', { ScheduleExpression: 'cron(0 8 ? * FRI-MON *)' }],
    ['month names and steps', { ScheduleExpression: 'cron(0 1 1 JAN-DEC/3 ? *)' }],
    ['last day of month', { ScheduleExpression: 'cron(0 23 L * ? *)', Duration: '1h' }],
    ['last Friday', { ScheduleExpression: 'cron(0 2 ? * 6L *)' }],
    ['third Tuesday', { ScheduleExpression: 'cron(0 2 ? * 3#3 *)' }],
    ['day-of-month step', { ScheduleExpression: 'cron(0 0 1/10 * ? *)' }],
  ])('accepts %s', (_name, rules) => {
    expect(() => validateRotationRules(rules)).not.toThrow();
  });

  it.each<[string, RotationRulesInput, RegExp]>([
    // AWS-BEHAVIOUR check 36
    ['check 36: rate(3 hours)', { ScheduleExpression: 'rate(3 hours)' }, /"rate\(3 hours\)" must not be more frequent/],
    ['check 36: cron minutes not 0', { ScheduleExpression: 'cron(30 4 * * ? *)' }, /must have minutes 0/],
    ['check 36: cron year not *', { ScheduleExpression: 'cron(0 4 * * ? 2030)' }, /must have year "\*", got "2030"/],
    [
      'check 36: window overlaps the next one',
      { ScheduleExpression: 'rate(4 hours)', Duration: '5h' },
      /Duration "5h" must not be longer than the 4-hour interval/,
    ],
    [
      'both frequency and expression',
      { AutomaticallyAfterDays: 1, ScheduleExpression: 'rate(1 day)' },
      /^You cannot specify both rotation frequency and schedule expression together\.$/,
    ],
    [
      'AutomaticallyAfterDays 0',
      { AutomaticallyAfterDays: 0 },
      /AutomaticallyAfterDays must be an integer 1-1000, got 0/,
    ],
    ['AutomaticallyAfterDays 1001', { AutomaticallyAfterDays: 1001 }, /got 1001/],
    ['AutomaticallyAfterDays 1.5', { AutomaticallyAfterDays: 1.5 }, /got 1.5/],
    ['no schedule', { Duration: '2h' }, /got neither/],
    ['rate(0 days)', { ScheduleExpression: 'rate(0 days)' }, /more frequent/],
    ['rate(1000 days)', { ScheduleExpression: 'rate(1000 days)' }, /must not exceed 999 days/],
    ['rate in minutes', { ScheduleExpression: 'rate(300 minutes)' }, /must be rate\(N hours\|days\) or cron/],
    ['hourly cron', { ScheduleExpression: 'cron(0 * * * ? *)' }, /more frequent than every 4 hours/],
    ['cron hours 3 apart', { ScheduleExpression: 'cron(0 1,4 * * ? *)' }, /more frequent/],
    ['cron with 5 fields', { ScheduleExpression: 'cron(0 4 * * ?)' }, /must have 6 cron fields, got 5/],
    ['both day fields set', { ScheduleExpression: 'cron(0 4 1 * MON *)' }, /exactly one of day-of-month/],
    ['both day fields ?', { ScheduleExpression: 'cron(0 4 ? * ? *)' }, /exactly one of day-of-month/],
    ['hour 24', { ScheduleExpression: 'cron(0 24 * * ? *)' }, /hours value "24" must be 0-23/],
    ['month 13', { ScheduleExpression: 'cron(0 1 1 13 ? *)' }, /month value "13" must be 1-12/],
    ['bad weekday name', { ScheduleExpression: 'cron(0 1 ? * FUN *)' }, /day-of-week value "FUN"/],
    ['impossible date', { ScheduleExpression: 'cron(0 1 30 FEB ? *)' }, /never matches a date/],
    ['bad characters', { ScheduleExpression: 'cron(0 1 * * ? *);' }, /must match/],
    ['Duration without unit', { AutomaticallyAfterDays: 1, Duration: '2' }, /Duration "2" must match/],
    ['Duration 0h', { AutomaticallyAfterDays: 1, Duration: '0h' }, /at least 1h/],
    ['Duration 3 digits', { AutomaticallyAfterDays: 1, Duration: '100h' }, /at most 2 digits/],
    ['day window past midnight', { ScheduleExpression: 'rate(2 days)', Duration: '25h' }, /must not cross the UTC day/],
    ['cron window past midnight', { ScheduleExpression: 'cron(0 22 * * ? *)', Duration: '3h' }, /starts at 22:00/],
    [
      'cron window overlaps the next hour',
      { ScheduleExpression: 'cron(0 4/6 * * ? *)', Duration: '7h' },
      /overlaps the next window/,
    ],
  ])('rejects %s', (_name, rules, message) => {
    expect(() => validateRotationRules(rules)).toThrow(ScheduleValidationError);
    expect(() => validateRotationRules(rules)).toThrow(message);
  });

  it('names the error class', () => {
    expect(() => validateRotationRules({})).toThrow(expect.objectContaining({ name: 'ScheduleValidationError' }));
  });
});

describe('windowHours', () => {
  it.each<[RotationRulesInput, number]>([
    [{ AutomaticallyAfterDays: 7 }, 24],
    [{ AutomaticallyAfterDays: 7, Duration: '3h' }, 3],
    [{ ScheduleExpression: 'rate(6 hours)' }, 1],
    [{ ScheduleExpression: 'rate(2 days)' }, 24],
    [{ ScheduleExpression: 'cron(0 16 * * ? *)' }, 8],
    [{ ScheduleExpression: 'cron(0 4/12 * * ? *)' }, 1],
    [{ ScheduleExpression: 'cron(0 16 * * ? *)', Duration: '2h' }, 2],
  ])('gives the window of %j as %i hours', (rules, hours) => {
    expect(windowHours(rules)).toBe(hours);
  });
});

describe('nextWindowStart', () => {
  it('starts AutomaticallyAfterDays windows at midnight N days later', () => {
    expect(nextWindowStart({ AutomaticallyAfterDays: 3 }, at('2026-01-30T17:45:00Z'))).toEqual(at('2026-02-02T00:00Z'));
  });

  it('starts rate(days) windows at midnight', () => {
    expect(nextWindowStart({ ScheduleExpression: 'rate(1 day)' }, at('2026-12-31T23:59:59Z'))).toEqual(
      at('2027-01-01T00:00Z'),
    );
  });

  it('starts rate(hours) windows on the hour', () => {
    expect(nextWindowStart({ ScheduleExpression: 'rate(4 hours)' }, at('2026-03-01T10:20:00Z'))).toEqual(
      at('2026-03-01T14:00Z'),
    );
  });

  it('resets cron hour increments each day', () => {
    const rules = { ScheduleExpression: 'cron(0 4/12 * * ? *)' };
    expect(nextWindowStart(rules, at('2026-03-01T04:00:00Z'))).toEqual(at('2026-03-01T16:00Z'));
    expect(nextWindowStart(rules, at('2026-03-01T16:30:00Z'))).toEqual(at('2026-03-02T04:00Z'));
  });

  it('finds the first and fifteenth of the month', () => {
    const rules = { ScheduleExpression: 'cron(0 16 1,15 * ? *)' };
    expect(nextWindowStart(rules, at('2026-03-15T16:00:00Z'))).toEqual(at('2026-04-01T16:00Z'));
  });

  it('finds the last day of February in a leap year', () => {
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 0 L * ? *)' }, at('2028-02-02T00:00Z'))).toEqual(
      at('2028-02-29T00:00Z'),
    );
  });

  it('finds weekdays (1 = SUN), last weekdays and n-th weekdays', () => {
    // 2026-03-01 is a Sunday.
    const from = at('2026-03-01T12:00Z');
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 8 ? * 1 *)' }, from)).toEqual(at('2026-03-08T08:00Z'));
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 8 ? * MON-FRI *)' }, from)).toEqual(at('2026-03-02T08:00Z'));
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 8 ? * 6L *)' }, from)).toEqual(at('2026-03-27T08:00Z'));
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 8 ? * TUE#2 *)' }, from)).toEqual(at('2026-03-10T08:00Z'));
    expect(nextWindowStart({ ScheduleExpression: 'cron(0 8 ? MAY SAT *)' }, from)).toEqual(at('2026-05-02T08:00Z'));
  });

  it('is strictly after the given time', () => {
    const rules = { ScheduleExpression: 'cron(0 8 * * ? *)' };
    expect(nextWindowStart(rules, at('2026-03-01T08:00Z'))).toEqual(at('2026-03-02T08:00Z'));
  });
});

describe('intervalHours', () => {
  it.each<[RotationRulesInput, number]>([
    [{ AutomaticallyAfterDays: 30 }, 720],
    [{ ScheduleExpression: 'rate(6 hours)' }, 6],
    [{ ScheduleExpression: 'rate(2 days)' }, 48],
    [{ ScheduleExpression: 'cron(0 4/12 * * ? *)' }, 12],
    [{ ScheduleExpression: 'cron(0 16 * * ? *)' }, 24],
    [{ ScheduleExpression: 'cron(0 8 ? * MON *)' }, 168],
    [{ ScheduleExpression: 'cron(0 16 1,15 * ? *)' }, 14 * 24], // 15 February to 1 March
  ])('gives the interval of %j as %i hours', (rules, hours) => {
    expect(intervalHours(rules)).toBe(hours);
  });
});
