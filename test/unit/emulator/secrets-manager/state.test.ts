import { randomUUID } from 'node:crypto';
import { FUNCTION_ARN, Harness } from './harness';

describe('Secrets Manager: exportState / importState', () => {
  it('round-trips secrets, versions, values, labels, tags, dates and rotation state through JSON', async () => {
    const h = new Harness();
    const { arn } = await h.secret('a', 'first');
    await h.put(arn, 'second', ['AWSCURRENT', 'custom']);
    await h.put(arn, 'third', ['AWSPENDING']);
    await h.ok('TagResource', { SecretId: arn, Tags: [{ Key: 'k', Value: 'v' }] });
    await h.ok('CreateSecret', {
      Name: 'b',
      SecretBinary: Buffer.from('bin').toString('base64'),
      ClientRequestToken: randomUUID(),
    });
    await h.ok('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: Object.entries(await h.stages(arn)).find(([, s]) => s.includes('AWSPENDING'))?.[0],
    });
    await h.ok('RotateSecret', {
      SecretId: arn,
      ClientRequestToken: randomUUID(),
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'rate(6 hours)' },
    });
    await h.ok('GetSecretValue', { SecretId: 'b' });
    await h.ok('DeleteSecret', { SecretId: 'b', RecoveryWindowInDays: 10 });

    const snapshot = JSON.parse(JSON.stringify(h.sm.exportState()));
    const copy = new Harness();
    copy.clock = h.clock;
    copy.sm.importState(snapshot);

    expect(copy.sm.exportState()).toEqual(h.sm.exportState());
    for (const id of ['a', 'b']) {
      expect(await copy.ok('DescribeSecret', { SecretId: id })).toEqual(await h.ok('DescribeSecret', { SecretId: id }));
      const versions = { SecretId: id, IncludeDeprecated: true };
      expect(await copy.ok('ListSecretVersionIds', versions)).toEqual(await h.ok('ListSecretVersionIds', versions));
    }
    expect(await copy.ok('GetSecretValue', { SecretId: arn, VersionStage: 'custom' })).toEqual(
      await h.ok('GetSecretValue', { SecretId: arn, VersionStage: 'custom' }),
    );
  });

  it('refuses a snapshot it does not recognise and keeps its state', async () => {
    const h = new Harness();
    await h.secret('kept');
    expect(() => h.sm.importState({ secrets: 'nope' })).toThrow(/format/);
    expect((await h.ok('DescribeSecret', { SecretId: 'kept' })).Name).toBe('kept');
  });
});
