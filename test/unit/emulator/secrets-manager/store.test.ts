import { randomUUID } from 'node:crypto';
import { FUNCTION_ARN, Harness } from './harness';

/** The protocol-free API the orchestrator, scheduler and control endpoints use. */
describe('SecretStore', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('putVersion follows PutSecretValue semantics and reports idempotent retries', async () => {
    const { arn, v1 } = await h.secret();
    const token = randomUUID();
    const first = h.sm.store.putVersion(arn, token, { kind: 'string', text: 'v2' });
    expect(first.created).toBe(true);
    const retry = h.sm.store.putVersion(arn, token, { kind: 'string', text: 'v2' });
    expect(retry).toEqual({ version: first.version, created: false });
    expect(() => h.sm.store.putVersion(arn, token, { kind: 'binary', base64: 'djI=' })).toThrow(
      expect.objectContaining({ code: 'ResourceExistsException' }),
    );
    expect(h.sm.store.versionStages(arn)).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect(h.sm.store.getVersionValue(arn, token)).toEqual({ kind: 'string', text: 'v2' });
  });

  it('moveLabel and removeLabel keep labels unique and emit label events', async () => {
    const { arn, v1 } = await h.secret();
    const token = h.sm.store.putVersion(arn, randomUUID(), { kind: 'string', text: 'v2' }, ['AWSPENDING']).version.id;
    h.events.length = 0;
    h.sm.store.moveLabel(arn, 'AWSCURRENT', token);
    h.sm.store.removeLabel(arn, 'AWSPENDING', token);
    expect(h.sm.store.versionStages(arn)).toEqual({ [token]: ['AWSCURRENT'], [v1]: ['AWSPREVIOUS'] });
    expect(h.labelEvents()).toHaveLength(1);
  });

  it('markRotated sets LastRotatedDate and the next window from a cron schedule', async () => {
    const { arn } = await h.secret();
    await h.ok('RotateSecret', {
      SecretId: arn,
      ClientRequestToken: randomUUID(),
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'cron(0 4/12 * * ? *)' },
    });
    h.sm.store.markRotated(arn, new Date('2026-03-01T16:20:00Z'));
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.LastRotatedDate).toBe(Date.parse('2026-03-01T16:20:00Z') / 1000);
    expect(described.NextRotationDate).toBe(Date.parse('2026-03-02T04:00:00Z') / 1000);
  });

  it('a manual put counts as a rotation for AutomaticallyAfterDays', async () => {
    const { arn } = await h.secret();
    await h.ok('RotateSecret', {
      SecretId: arn,
      ClientRequestToken: randomUUID(),
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 2 },
      RotateImmediately: false,
    });
    h.advance(30);
    await h.put(arn, 'manual');
    expect((await h.ok('DescribeSecret', { SecretId: arn })).NextRotationDate).toBe(
      Date.parse('2026-03-04T00:00:00Z') / 1000,
    );
  });

  it('excludes disabled, deleted and not-yet-due secrets from dueRotations and purges on demand', async () => {
    const { arn } = await h.secret('due');
    const other = (await h.secret('cancelled')).arn;
    for (const id of [arn, other]) {
      await h.ok('RotateSecret', {
        SecretId: id,
        ClientRequestToken: randomUUID(),
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { ScheduleExpression: 'rate(4 hours)' },
        RotateImmediately: false,
      });
    }
    await h.ok('CancelRotateSecret', { SecretId: other });
    h.advance(4);
    expect(h.sm.store.dueRotations(h.clock).map((d) => d.secretArn)).toEqual([arn]);
    await h.ok('DeleteSecret', { SecretId: arn, RecoveryWindowInDays: 7 });
    expect(h.sm.store.dueRotations(h.clock)).toEqual([]);
    expect(h.sm.store.beginScheduledRotation(arn)).toBeUndefined();
    expect(h.sm.store.purgeDeleted(new Date(h.clock.getTime() + 7 * 86_400_000))).toBe(1);
    expect(h.sm.store.find(arn)).toBeUndefined();
  });
});
