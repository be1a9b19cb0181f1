import { sweepAction } from '../../../lambdas/revocation-sweeper/sweep-plan';

const rotated = new Date('2026-01-01T00:00:00Z');
const hoursLater = (hours: number) => new Date(rotated.getTime() + hours * 3_600_000);

describe('sweepAction', () => {
  it.each([
    [0, 'keep'],
    [23.9, 'keep'],
    [24, 'deactivate'],
    [24 + 167, 'deactivate'],
    [24 + 168, 'remove'],
  ])('after %d hours with 24 h grace and 168 h to removal: %s', (hours, action) => {
    expect(sweepAction(rotated, hoursLater(hours), 24, 168)).toBe(action);
  });

  it('keeps the credential of a secret that was never rotated', () => {
    expect(sweepAction(undefined, hoursLater(10_000), 24, 168)).toBe('keep');
  });
});
