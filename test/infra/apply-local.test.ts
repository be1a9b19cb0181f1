import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadConfig } from '../../lib/config/load-config';
import { applyConfigLocally } from '../../lib/local/apply-config';
import { EXAMPLE_CONFIG } from './synth-helpers';

describe('applyConfigLocally', () => {
  const sm = mockClient(SecretsManagerClient);
  const config = loadConfig(EXAMPLE_CONFIG);
  const apply = (log?: (line: string) => void) =>
    applyConfigLocally(config, {
      client: new SecretsManagerClient({}),
      account: '123456789012',
      region: 'us-east-1',
      ...(log ? { log } : {}),
    });

  beforeEach(() => {
    sm.reset();
    sm.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    sm.on(DescribeSecretCommand, { SecretId: 'internal/hmac-key' }).resolves({ Name: 'internal/hmac-key' });
  });

  it('creates missing secrets with the tags the stack would set and a value in the configured shape', async () => {
    await apply();
    expect(sm).toHaveReceivedCommandTimes(CreateSecretCommand, 3);
    const created = sm.commandCalls(CreateSecretCommand).map((c) => c.args[0].input);
    const webhook = created.find((c) => c.Name === 'payments/webhooks/signing-secret');
    expect(webhook?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'rotation:field', Value: 'signingSecret' },
        { Key: 'rotation:managed-by', Value: 'SecretRotation' },
        { Key: 'owner', Value: 'team-payments' },
      ]),
    );
    expect(JSON.parse(webhook?.SecretString ?? '')).toEqual({
      algorithm: 'HMAC-SHA256',
      signingSecret: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect(created.map((c) => c.Name)).toContain('legacy/session-signing');
  });

  it('skips a missing database or IAM key secret instead of inventing a first value that could never rotate', async () => {
    const applied = await apply();
    const skipped = applied.filter((a) => a.skipped !== undefined);
    expect(skipped.map((a) => a.secretId)).toEqual([
      'ci/deployer-key',
      'orders/db-app',
      'inventory/db-app',
      'analytics/db-reporting',
    ]);
    expect(skipped[1].skipped).toMatch(/postgres secret needs a working credential as its first value/);
    const touched = [
      ...sm.commandCalls(CreateSecretCommand).map((c) => c.args[0].input.Name),
      ...sm.commandCalls(TagResourceCommand).map((c) => c.args[0].input.SecretId),
      ...sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input.SecretId),
    ];
    expect(touched).not.toContain('ci/deployer-key');
    expect(touched).not.toContain('orders/db-app');
  });

  it('tags and rotates a database secret that already exists', async () => {
    sm.on(DescribeSecretCommand, { SecretId: 'orders/db-app' }).resolves({ Name: 'orders/db-app' });
    await apply();
    expect(sm).toHaveReceivedCommandWith(TagResourceCommand, {
      SecretId: 'orders/db-app',
      Tags: expect.arrayContaining([
        { Key: 'rotation:strategy', Value: 'single-user' },
        { Key: 'rotation:connection', Value: 'direct' },
      ]),
    });
    expect(sm).toHaveReceivedCommandWith(RotateSecretCommand, {
      SecretId: 'orders/db-app',
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotation-postgres',
    });
  });

  it('tags a secret that already exists instead of creating it', async () => {
    await apply();
    expect(sm).toHaveReceivedCommandWith(TagResourceCommand, {
      SecretId: 'internal/hmac-key',
      Tags: expect.arrayContaining([{ Key: 'rotation:format', Value: 'hex' }]),
    });
  });

  it('turns rotation on with the schedule, window and rotate-on-deploy of each secret', async () => {
    await apply();
    expect(sm).toHaveReceivedCommandTimes(RotateSecretCommand, 4);
    expect(sm).toHaveReceivedCommandWith(RotateSecretCommand, {
      SecretId: 'payments/webhooks/signing-secret',
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotation-random-secret',
      RotationRules: { ScheduleExpression: 'cron(0 2 ? * SUN *)', Duration: '3h' },
      RotateImmediately: true,
    });
    expect(sm).toHaveReceivedCommandWith(RotateSecretCommand, {
      SecretId: 'partners/api-key',
      RotateImmediately: false,
    });
  });

  it('never logs a secret value', async () => {
    const lines: string[] = [];
    await apply((line) => lines.push(line));
    const values = sm.commandCalls(CreateSecretCommand).map((c) => c.args[0].input.SecretString ?? '');
    expect(lines).toHaveLength(8);
    for (const value of values) {
      const random = value.startsWith('{') ? String(Object.values(JSON.parse(value)).pop()) : value;
      for (const line of lines) expect(line).not.toContain(random);
    }
  });
});
