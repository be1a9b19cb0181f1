import { assessSecret, pendingVersionId, type SecretView } from '../../../lambdas/monitor/assess';

const NOW = new Date('2026-06-30T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function secret(extra: Partial<SecretView> = {}): SecretView {
  return {
    name: 'app/key',
    rotationEnabled: true,
    rules: { ScheduleExpression: 'rate(30 days)', Duration: '4h' },
    lastRotatedDate: hoursAgo(24),
    createdDate: hoursAgo(24 * 400),
    versionsToStages: { v1: ['AWSCURRENT'] },
    ...extra,
  };
}

describe('assessSecret', () => {
  it('reports a recently rotated secret as healthy', () => {
    expect(assessSecret(secret(), undefined, NOW)).toEqual({
      name: 'app/key',
      overdue: false,
      stuck: false,
      disabled: false,
      hoursSinceRotation: 24,
    });
  });

  it('reports a secret as overdue once the first window after its last rotation has closed', () => {
    // rate(30 days): the next window is 2026-06-30 00:00-04:00 UTC; NOW is 12:00 that day.
    const health = assessSecret(secret({ lastRotatedDate: new Date('2026-05-31T01:00:00Z') }), undefined, NOW);
    expect(health.overdue).toBe(true);
  });

  it('does not report a secret as overdue while its window is still open', () => {
    const inWindow = new Date('2026-06-30T03:00:00Z');
    expect(
      assessSecret(secret({ lastRotatedDate: new Date('2026-05-31T01:00:00Z') }), undefined, inWindow).overdue,
    ).toBe(false);
  });

  it('follows the uneven gaps of a cron schedule', () => {
    const rules = { ScheduleExpression: 'cron(0 2 1,15 * ? *)', Duration: '2h' };
    const rotated = secret({ rules, lastRotatedDate: new Date('2026-06-15T02:30:00Z') });
    // 15 days later is past the shortest gap (14 days) but before the next window (1 July, 02:00-04:00).
    expect(assessSecret(rotated, undefined, new Date('2026-06-30T12:00:00Z')).overdue).toBe(false);
    expect(assessSecret(rotated, undefined, new Date('2026-07-01T05:00:00Z')).overdue).toBe(true);
  });

  it('measures a never-rotated secret from its creation date', () => {
    const health = assessSecret(secret({ lastRotatedDate: undefined, createdDate: hoursAgo(31 * 24) }), undefined, NOW);
    expect(health).toMatchObject({ overdue: true, hoursSinceRotation: 31 * 24 });
  });

  it('reports a secret whose rotation is switched off as disabled and not overdue', () => {
    const health = assessSecret(
      secret({ rotationEnabled: false, lastRotatedDate: hoursAgo(365 * 24) }),
      undefined,
      NOW,
    );
    expect(health).toMatchObject({ disabled: true, overdue: false });
  });

  it('gives no age for a disabled secret that has no rotation date (not its creation date)', () => {
    const health = assessSecret(secret({ rotationEnabled: false, lastRotatedDate: undefined }), undefined, NOW);
    expect(health.disabled).toBe(true);
    expect(health.hoursSinceRotation).toBeUndefined();
  });

  it('reports a pending version older than the window as stuck', () => {
    expect(assessSecret(secret(), hoursAgo(5), NOW).stuck).toBe(true);
  });

  it('does not report a pending version younger than the window as stuck', () => {
    expect(assessSecret(secret(), hoursAgo(3), NOW).stuck).toBe(false);
  });

  it('reports an unreadable schedule instead of guessing whether it is overdue', () => {
    const health = assessSecret(secret({ rules: { ScheduleExpression: 'rate(1 minute)' } }), undefined, NOW);
    expect(health.overdue).toBe(false);
    expect(health.scheduleProblem).toEqual(expect.any(String));
  });
});

describe('pendingVersionId', () => {
  it('finds AWSPENDING on a version without AWSCURRENT', () => {
    expect(pendingVersionId({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] })).toBe('v2');
  });

  it('treats AWSPENDING together with AWSCURRENT as a completed rotation', () => {
    expect(pendingVersionId({ v1: ['AWSCURRENT', 'AWSPENDING'], v0: ['AWSPREVIOUS'] })).toBeUndefined();
  });

  it('finds nothing when no version carries AWSPENDING', () => {
    expect(pendingVersionId({ v1: ['AWSCURRENT'] })).toBeUndefined();
  });
});
