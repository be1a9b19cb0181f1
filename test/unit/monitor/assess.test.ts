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

  it('reports a secret as overdue once its last rotation is older than the interval plus the window', () => {
    expect(assessSecret(secret({ lastRotatedDate: hoursAgo(30 * 24 + 5) }), undefined, NOW).overdue).toBe(true);
  });

  it('does not report a secret as overdue while it is still inside its window', () => {
    expect(assessSecret(secret({ lastRotatedDate: hoursAgo(30 * 24 + 3) }), undefined, NOW).overdue).toBe(false);
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
