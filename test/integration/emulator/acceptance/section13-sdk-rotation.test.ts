import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type RotateSecretCommandInput,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../../local/emulator';
import { ACCOUNT, RANDOM_SECRET_ARN, serviceEvents, smClient, startTestEmulator } from '../rotation/emulator-fixture';
import { createSecret, failure, put, shape, stagesOf } from './acceptance-fixture';

const fn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const SILENT_ARN = fn('acceptance-silent');
const FAILING_ARN = fn('acceptance-failing');
const GATED_ARN = fn('acceptance-gated');
const RECORDING_ARN = fn('acceptance-recording');
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const INCOMPLETE = /^A previous rotation isn['’]t complete\. That rotation will be reattempted\.$/;

interface Recorded {
  event: { Step: string; SecretId: string; ClientRequestToken: string; RotationToken?: string };
  pending: { versionId?: string; secretString?: string; stages?: string[]; error?: string };
  startedAt: string;
  endedAt: string;
}

/**
 * AWS-BEHAVIOUR.md section 13, checks 18-31 (RotateSecret and the rotation lifecycle), through SDK v3 over HTTP
 * against one emulator that runs real function processes. Checks 32-38 are in section13-sdk-lifecycle.test.ts.
 */
describe('section 13 acceptance checks 18-31 through SDK v3 over HTTP', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  const work = mkdtempSync(join(tmpdir(), 'acceptance-rotation-'));
  const recordFile = join(work, 'record.jsonl');

  beforeAll(async () => {
    emulator = await startTestEmulator({ rotationRetries: 2 });
    const fixture = (name: string, file: string, environment: Record<string, string> = {}) =>
      emulator.runner.register({
        name,
        modulePath: resolve(__dirname, 'fixtures', file),
        exportName: 'handler',
        environment,
      });
    fixture('acceptance-silent', 'silent-function.js');
    fixture('acceptance-failing', 'failing-function.js');
    fixture('acceptance-gated', 'gated-function.js', { GATE_DIR: work });
    fixture('acceptance-recording', 'recording-function.js', { RECORD_FILE: recordFile });
    sm = smClient(emulator);
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const rotate = (input: RotateSecretCommandInput) => sm.send(new RotateSecretCommand(input));
  const rotateAndWait = async (input: RotateSecretCommandInput) => {
    const out = await rotate(input);
    await emulator.rotations.idle();
    return out;
  };
  const describe_ = (secretId: string) => sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  const recorded = (token: string): Recorded[] =>
    readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded)
      .filter((r) => r.event.ClientRequestToken === token);

  it('check 18: a secret that never rotated has no rotation members in DescribeSecret', async () => {
    const { arn } = await createSecret(sm, 'c18/secret');
    const described = await describe_(arn);

    for (const key of [
      'RotationEnabled',
      'RotationLambdaARN',
      'RotationRules',
      'LastRotatedDate',
      'NextRotationDate',
    ]) {
      expect(Object.hasOwn(described, key)).toBe(false);
    }
  });

  it('check 19: RotateSecret without any function ARN is InvalidRequestException and changes nothing', async () => {
    const { arn } = await createSecret(sm, 'c19/secret');
    const { $metadata: _before, ...before } = await describe_(arn);
    const error = await failure(rotate({ SecretId: arn }));
    const { $metadata: _after, ...after } = await describe_(arn);

    expect(shape(error)).toEqual({
      name: 'InvalidRequestException',
      message: 'No Lambda rotation function ARN is associated with this secret.',
      status: 400,
    });
    expect(after).toEqual(before);
  });

  it('check 20: a function Secrets Manager cannot invoke is AccessDeniedException and persists nothing', async () => {
    const { arn, v1 } = await createSecret(sm, 'c20/secret');
    const error = await failure(
      rotate({ SecretId: arn, RotationLambdaARN: fn('does-not-exist'), RotationRules: { AutomaticallyAfterDays: 1 } }),
    );
    const described = await describe_(arn);

    expect(shape(error)).toEqual({
      name: 'AccessDeniedException',
      message:
        'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
      status: 400,
    });
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationRules).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
    expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([v1]);
  });

  it('check 21: AutomaticallyAfterDays together with ScheduleExpression is InvalidParameterException', async () => {
    const { arn } = await createSecret(sm, 'c21/secret');
    const error = await failure(
      rotate({
        SecretId: arn,
        RotationLambdaARN: SILENT_ARN,
        RotationRules: { AutomaticallyAfterDays: 14, ScheduleExpression: 'cron(0 16 1,15 * ? *)' },
      }),
    );

    expect(shape(error)).toEqual({
      name: 'InvalidParameterException',
      message: 'You cannot specify both rotation frequency and schedule expression together.',
      status: 400,
    });
  });

  it('check 22: RotateSecret answers {ARN, Name, VersionId = token} while the first step is still running', async () => {
    const { arn } = await createSecret(sm, 'c22/secret');
    const token = randomUUID();
    const { $metadata: _, ...out } = await rotate({
      SecretId: arn,
      ClientRequestToken: token,
      RotationLambdaARN: GATED_ARN,
    });
    const run = emulator.rotations.list().find((r) => r.token === token);
    const statusThen = run?.status;
    const stepsThen = run?.steps.map((s) => s.step);
    writeFileSync(join(work, token), '');
    await emulator.rotations.idle();

    expect(out).toEqual({ ARN: arn, Name: 'c22/secret', VersionId: token });
    expect(statusThen).toBe('running');
    expect(stepsThen).not.toContain('finishSecret');
  });

  it('check 23: before createSecret writes, the AWSPENDING stub is listed but cannot be read', async () => {
    const { arn } = await createSecret(sm, 'c23/secret');
    const token = (await rotate({ SecretId: arn, RotationLambdaARN: GATED_ARN })).VersionId as string;
    const described = await describe_(arn);
    const read = await failure(
      sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' })),
    );
    writeFileSync(join(work, token), '');
    await emulator.rotations.idle();

    expect(described.RotationEnabled).toBe(true);
    expect(described.VersionIdsToStages?.[token]).toEqual(['AWSPENDING']);
    expect(read.name).toBe('ResourceNotFoundException');
    expect(read.$metadata.httpStatusCode).toBe(400);
  });

  it('check 24: the function gets the four steps in order, one at a time, with the ARN and the same token', async () => {
    const { arn } = await createSecret(sm, 'c24/secret');
    const token = (await rotateAndWait({ SecretId: arn, RotationLambdaARN: RECORDING_ARN })).VersionId as string;
    const calls = recorded(token);

    expect(calls.map((c) => c.event.Step)).toEqual(STEPS);
    for (const call of calls) {
      expect(call.event).toMatchObject({ SecretId: arn, ClientRequestToken: token });
    }
    expect(new Set(calls.map((c) => c.event.RotationToken)).size).toBe(1);
    for (let i = 1; i < calls.length; i++) {
      expect(BigInt(calls[i]?.startedAt as string) > BigInt(calls[i - 1]?.endedAt as string)).toBe(true);
    }
  });

  it('check 25: PutSecretValue(token, [AWSPENDING]) fills the stub rather than colliding with it', async () => {
    const { arn } = await createSecret(sm, 'c25/secret');
    const token = (await rotateAndWait({ SecretId: arn, RotationLambdaARN: SILENT_ARN })).VersionId as string;
    const out = await sm.send(
      new PutSecretValueCommand({
        SecretId: arn,
        ClientRequestToken: token,
        SecretString: 'pending',
        VersionStages: ['AWSPENDING'],
      }),
    );
    const pending = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }));

    expect(out).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
    expect(pending).toMatchObject({ VersionId: token, SecretString: 'pending' });
    expect(serviceEvents(emulator, arn, 'RotationAbandoned')).toEqual([]);
  });

  it('check 26: after a rotation the old version is AWSPREVIOUS, the new one AWSCURRENT, and the dates are set', async () => {
    const { arn, v1 } = await createSecret(sm, 'c26/secret');
    const token = (
      await rotateAndWait({
        SecretId: arn,
        RotationLambdaARN: RANDOM_SECRET_ARN,
        RotationRules: { AutomaticallyAfterDays: 7 },
      })
    ).VersionId as string;
    const described = await describe_(arn);
    const stages = await stagesOf(sm, arn);

    expect(stages[v1]).toEqual(['AWSPREVIOUS']);
    expect([['AWSCURRENT'], ['AWSCURRENT', 'AWSPENDING']]).toContainEqual(stages[token]);
    expect(Object.entries(stages).filter(([id, s]) => id !== token && s.includes('AWSPENDING'))).toEqual([]);
    expect(described.RotationEnabled).toBe(true);
    expect(described.LastRotatedDate).toBeInstanceOf(Date);
    expect(described.NextRotationDate).toBeInstanceOf(Date);
  });

  it('check 27: after two rotations the original version is gone from VersionIdsToStages and the listing', async () => {
    const { arn, v1 } = await createSecret(sm, 'c27/secret');
    await rotateAndWait({ SecretId: arn, RotationLambdaARN: RANDOM_SECRET_ARN });
    await rotateAndWait({ SecretId: arn });
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn }));

    expect((await stagesOf(sm, arn))[v1]).toBeUndefined();
    expect(listed.Versions?.map((v) => v.VersionId)).not.toContain(v1);
  });

  it('check 28: AWSPENDING on a version without AWSCURRENT blocks RotateSecret', async () => {
    const { arn } = await createSecret(sm, 'c28/secret');
    await rotateAndWait({ SecretId: arn, RotationLambdaARN: SILENT_ARN });
    const error = await failure(rotate({ SecretId: arn }));

    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toMatch(INCOMPLETE);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('check 29: AWSPENDING on the AWSCURRENT version, or absent, does not block RotateSecret', async () => {
    const { arn, v1 } = await createSecret(sm, 'c29/secret');
    const x = await put(sm, arn, 'x', ['AWSPENDING']);
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: x,
        RemoveFromVersionId: v1,
      }),
    );
    expect((await stagesOf(sm, arn))[x]).toEqual(['AWSCURRENT', 'AWSPENDING']);
    const sameVersion = await rotateAndWait({ SecretId: arn, RotationLambdaARN: RANDOM_SECRET_ARN });
    const absent = await createSecret(sm, 'c29/absent');
    const noPending = await rotateAndWait({ SecretId: absent.arn, RotationLambdaARN: RANDOM_SECRET_ARN });

    expect(sameVersion.$metadata.httpStatusCode).toBe(200);
    expect(noPending.$metadata.httpStatusCode).toBe(200);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId).toBe(sameVersion.VersionId);
  });

  it('check 30: RotateImmediately=false runs only testSecret against a temporary copy of the current value', async () => {
    const { arn, v1 } = await createSecret(sm, 'c30/secret', 'current-value');
    const token = (await rotateAndWait({ SecretId: arn, RotationLambdaARN: RECORDING_ARN, RotateImmediately: false }))
      .VersionId as string;
    const calls = recorded(token);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: arn }));

    expect(calls.map((c) => c.event.Step)).toEqual(['testSecret']);
    expect(calls[0]?.pending).toMatchObject({ versionId: token, secretString: 'current-value' });
    expect(current).toMatchObject({ VersionId: v1, SecretString: 'current-value' });
    expect(Object.values(await stagesOf(sm, arn)).flat()).not.toContain('AWSPENDING');
  });

  it('check 31: a failing step retries the rotation, keeps AWSPENDING and records RotationFailed', async () => {
    const { arn } = await createSecret(sm, 'c31/secret');
    const token = (await rotateAndWait({ SecretId: arn, RotationLambdaARN: FAILING_ARN })).VersionId as string;
    const run = emulator.rotations.list().find((r) => r.token === token);
    const failed = serviceEvents(emulator, arn, 'RotationFailed');

    expect(run?.attempts).toBeGreaterThan(1);
    expect((await stagesOf(sm, arn))[token]).toEqual(['AWSPENDING']);
    expect(failed.length).toBeGreaterThan(0);
    for (const event of failed) {
      expect(event.detail).toMatchObject({
        eventType: 'AwsServiceEvent',
        additionalEventData: { SecretId: arn },
        errorMessage: `Error when executing lambda ${FAILING_ARN} during setSecret step`,
      });
    }
  });
});
