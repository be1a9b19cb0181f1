import { ListSecretsCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runMonitor } from '../../../lambdas/monitor/handler';
import { functionNameOf } from '../../../lambdas/monitor/inventory';

const NOW = new Date('2026-06-30T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const FN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const RULES = { ScheduleExpression: 'rate(30 days)', Duration: '4h' };

describe('runMonitor', () => {
  const sm = mockClient(SecretsManagerClient);
  let lines: string[];
  const run = (env: Record<string, string> = {}) =>
    runMonitor({ client: new SecretsManagerClient({}), env, now: () => NOW, write: (l) => lines.push(l) });

  beforeEach(() => {
    sm.reset();
    lines = [];
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          ARN: 'arn:healthy',
          Name: 'healthy',
          RotationEnabled: true,
          RotationLambdaARN: FN('rotation-random-secret'),
          RotationRules: RULES,
          LastRotatedDate: hoursAgo(24),
          SecretVersionsToStages: { a: ['AWSCURRENT'] },
        },
        {
          ARN: 'arn:overdue',
          Name: 'overdue',
          RotationEnabled: true,
          RotationLambdaARN: FN('rotation-random-secret-1'),
          RotationRules: RULES,
          LastRotatedDate: hoursAgo(40 * 24),
          SecretVersionsToStages: { b: ['AWSCURRENT'] },
        },
        {
          ARN: 'arn:other',
          Name: 'someone-elses',
          RotationEnabled: false,
          RotationLambdaARN: FN('their-rotator'),
          RotationRules: RULES,
          SecretVersionsToStages: {},
        },
        { ARN: 'arn:unrotated', Name: 'no-rotation-at-all' },
      ],
      NextToken: 'page2',
    });
    sm.on(ListSecretsCommand, { NextToken: 'page2' }).resolves({
      SecretList: [
        {
          ARN: 'arn:stuck',
          Name: 'stuck',
          RotationEnabled: true,
          RotationLambdaARN: FN('rotation-random-secret'),
          RotationRules: RULES,
          LastRotatedDate: hoursAgo(24),
          SecretVersionsToStages: { c: ['AWSCURRENT'], d: ['AWSPENDING'] },
        },
        {
          ARN: 'arn:disabled',
          Name: 'disabled',
          RotationEnabled: false,
          RotationLambdaARN: FN('rotation-random-secret'),
          RotationRules: RULES,
          LastRotatedDate: hoursAgo(24),
          SecretVersionsToStages: { e: ['AWSCURRENT'] },
        },
      ],
    });
    sm.on(ListSecretVersionIdsCommand, { SecretId: 'arn:stuck' }).resolves({
      Versions: [
        { VersionId: 'c', VersionStages: ['AWSCURRENT'], CreatedDate: hoursAgo(48) },
        { VersionId: 'd', VersionStages: ['AWSPENDING'], CreatedDate: hoursAgo(6) },
      ],
    });
  });

  it('reports overdue, stuck and disabled secrets of this deployment and leaves healthy ones alone', async () => {
    const health = await run();
    expect(health.map((h) => [h.name, h.overdue, h.stuck, h.disabled])).toEqual([
      ['healthy', false, false, false],
      ['overdue', true, false, false],
      ['stuck', false, true, false],
      ['disabled', false, false, true],
    ]);
  });

  it('reads version metadata only for the secret with an incomplete rotation', async () => {
    await run();
    expect(sm).toHaveReceivedCommandTimes(ListSecretVersionIdsCommand, 1);
    expect(sm).toHaveReceivedCommandWith(ListSecretVersionIdsCommand, { SecretId: 'arn:stuck' });
  });

  it('writes a summary EMF line with the counts the alarms watch and the names of the bad secrets', async () => {
    await run();
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'SecretRotation', Dimensions: [[]] });
    expect(summary).toMatchObject({
      OverdueSecrets: 1,
      StuckSecrets: 1,
      RotationDisabledSecrets: 1,
      MonitoredSecrets: 4,
      overdueSecrets: ['overdue'],
      stuckSecrets: ['stuck'],
      disabledSecrets: ['disabled'],
    });
  });

  it('writes one EMF line per secret with its flags and the age of its last rotation', async () => {
    await run();
    const overdue = lines.map((l) => JSON.parse(l)).find((l) => l.SecretName === 'overdue');
    expect(overdue).toMatchObject({
      RotationOverdue: 1,
      RotationStuck: 0,
      RotationDisabled: 0,
      HoursSinceLastRotation: 960,
    });
    expect(overdue._aws.CloudWatchMetrics[0].Dimensions).toEqual([['SecretName']]);
  });

  it('watches the functions of the configured prefix only', async () => {
    const health = await run({ ROTATION_FUNCTION_PREFIX: 'their-' });
    expect(health.map((h) => h.name)).toEqual(['someone-elses']);
  });

  it('uses the namespace from the environment', async () => {
    await run({ METRICS_NAMESPACE: 'Custom' });
    expect(lines.every((l) => JSON.parse(l)._aws.CloudWatchMetrics[0].Namespace === 'Custom')).toBe(true);
  });
});

describe('functionNameOf', () => {
  it('takes the name out of a function ARN, with or without a qualifier', () => {
    expect(functionNameOf(FN('rotation-x'))).toBe('rotation-x');
    expect(functionNameOf(`${FN('rotation-x')}:live`)).toBe('rotation-x');
  });
});
