import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../../local/emulator';
import { ACCOUNT, RANDOM_SECRET_ARN, serviceEvents, smClient, startTestEmulator } from './emulator-fixture';

const FAILING_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotation-failing`;
const RECORDING_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotation-recording`;

describe('rotation through RotateSecret (SDK v3 over HTTP)', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  const recordFile = join(mkdtempSync(join(tmpdir(), 'rotation-record-')), 'events.jsonl');

  beforeAll(async () => {
    emulator = await startTestEmulator({
      rotationRetries: 2,
      functions: [`rotation-failing=${resolve(__dirname, 'fixtures/failing-function.js')}#handler`],
    });
    emulator.runner.register({
      name: 'rotation-recording',
      modulePath: resolve(__dirname, 'fixtures/recording-function.js'),
      exportName: 'handler',
      environment: { RECORD_FILE: recordFile },
    });
    sm = smClient(emulator);
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const create = (name: string, value = 'initial-value-1234') =>
    sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));

  it('rotates end to end: AWSCURRENT on the new version, AWSPREVIOUS on the old, dates and events recorded', async () => {
    const created = await create('sdk/rotated');

    const rotated = await sm.send(
      new RotateSecretCommand({
        SecretId: 'sdk/rotated',
        RotationLambdaARN: RANDOM_SECRET_ARN,
        RotationRules: { AutomaticallyAfterDays: 7 },
      }),
    );
    await emulator.rotations.idle();
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'sdk/rotated' }));
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/rotated' }));

    expect(rotated).toMatchObject({ ARN: created.ARN, Name: 'sdk/rotated', VersionId: expect.any(String) });
    expect(current.VersionId).toBe(rotated.VersionId);
    expect(current.SecretString).not.toBe('initial-value-1234');
    expect(described.VersionIdsToStages?.[created.VersionId as string]).toEqual(['AWSPREVIOUS']);
    expect(described.VersionIdsToStages?.[rotated.VersionId as string]).toContain('AWSCURRENT');
    expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: RANDOM_SECRET_ARN });
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    expect(described.NextRotationDate).toBeInstanceOf(Date);
    expect(serviceEvents(emulator, created.ARN as string, 'RotationSucceeded')).toHaveLength(1);
    expect(emulator.events.list()).toContainEqual(
      expect.objectContaining({
        'detail-type': 'Secret Label Updated',
        resources: [created.ARN],
        detail: { name: 'sdk/rotated', labelUpdated: 'AWSCURRENT', versionId: rotated.VersionId },
      }),
    );
  });

  it('rotates again, and after two rotations the original version is no longer listed', async () => {
    const created = await create('sdk/twice');
    const rotate = async () => {
      const out = await sm.send(
        new RotateSecretCommand({ SecretId: 'sdk/twice', RotationLambdaARN: RANDOM_SECRET_ARN }),
      );
      await emulator.rotations.idle();
      return out;
    };

    await rotate();
    const second = await rotate();
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'sdk/twice' }));

    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/twice' }))).VersionId).toBe(second.VersionId);
    expect(versions.Versions?.map((v) => v.VersionId)).not.toContain(created.VersionId);
  });

  it('refuses a function that does not exist with AccessDeniedException and saves nothing', async () => {
    const created = await create('sdk/no-function');

    const error = await sm
      .send(
        new RotateSecretCommand({
          SecretId: 'sdk/no-function',
          RotationLambdaARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:does-not-exist`,
        }),
      )
      .catch((e: Error) => e);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'sdk/no-function' }));

    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message:
        'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    });
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
    expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([created.VersionId]);
  });

  it('retries a failing rotation, records RotationFailed each time, leaves AWSPENDING and blocks the next RotateSecret', async () => {
    const created = await create('sdk/failing');

    const rotated = await sm.send(new RotateSecretCommand({ SecretId: 'sdk/failing', RotationLambdaARN: FAILING_ARN }));
    await emulator.rotations.idle();
    const run = emulator.rotations.list().find((r) => r.token === rotated.VersionId);
    const failed = serviceEvents(emulator, created.ARN as string, 'RotationFailed');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'sdk/failing' }));
    const again = await sm
      .send(new RotateSecretCommand({ SecretId: 'sdk/failing', RotationLambdaARN: FAILING_ARN }))
      .catch((e: Error) => e);

    expect(run).toMatchObject({ status: 'failed', attempts: 3 });
    expect(run?.steps.filter((s) => s.status === 'failed').map((s) => s.step)).toEqual([
      'setSecret',
      'setSecret',
      'setSecret',
    ]);
    expect(failed).toHaveLength(3);
    expect(failed[0].detail).toMatchObject({
      eventType: 'AwsServiceEvent',
      errorMessage: `Error when executing lambda ${FAILING_ARN} during setSecret step`,
    });
    expect(described.VersionIdsToStages?.[rotated.VersionId as string]).toEqual(['AWSPENDING']);
    expect(described.VersionIdsToStages?.[created.VersionId as string]).toEqual(['AWSCURRENT']);
    expect(again).toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/^A previous rotation isn.t complete/),
    });
  });

  it('runs only testSecret for RotateImmediately=false, against a temporary copy of the current value', async () => {
    const created = await create('sdk/test-only', 'the-current-value');

    await sm.send(
      new RotateSecretCommand({
        SecretId: 'sdk/test-only',
        RotationLambdaARN: RECORDING_ARN,
        RotateImmediately: false,
      }),
    );
    await emulator.rotations.idle();
    const records = readFileSync(recordFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((r) => r.event.SecretId === created.ARN);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/test-only' }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'sdk/test-only' }));

    expect(records.map((r) => r.event.Step)).toEqual(['testSecret']);
    expect(records[0].pending).toMatchObject({ secretString: 'the-current-value', stages: ['AWSPENDING'] });
    expect(records[0].pending.versionId).not.toBe(created.VersionId);
    expect(current).toMatchObject({ VersionId: created.VersionId, SecretString: 'the-current-value' });
    expect(Object.values(described.VersionIdsToStages ?? {}).flat()).not.toContain('AWSPENDING');
    expect(serviceEvents(emulator, created.ARN as string, 'TestRotationSucceeded')).toHaveLength(1);
  });

  it('starts a scheduled rotation when the emulator clock passes NextRotationDate', async () => {
    const created = await create('sdk/scheduled');
    await sm.send(
      new RotateSecretCommand({
        SecretId: 'sdk/scheduled',
        RotationLambdaARN: RANDOM_SECRET_ARN,
        RotationRules: { AutomaticallyAfterDays: 1 },
      }),
    );
    await emulator.rotations.idle();
    const afterFirst = await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/scheduled' }));

    const response = await fetch(`${emulator.url}/_emulator/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceSeconds: 3 * 86_400 }),
    });
    await emulator.rotations.idle();
    const afterSchedule = await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/scheduled' }));
    const runs = emulator.rotations.list().filter((r) => r.secretArn === created.ARN);

    expect(((await response.json()) as { rotationsStarted: number }).rotationsStarted).toBeGreaterThanOrEqual(1);
    expect(afterSchedule.VersionId).not.toBe(afterFirst.VersionId);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['api', 'succeeded'],
      ['schedule', 'succeeded'],
    ]);
  });

  it('refuses a request signed with a wrong secret key', async () => {
    const wrong = smClient(emulator, 'not-the-secret');

    const error = await wrong.send(new DescribeSecretCommand({ SecretId: 'sdk/rotated' })).catch((e: Error) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toMatch(/InvalidSignatureException|UnrecognizedClientException/);
  });
});
