import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../../local/emulator';
import { smClient, startTestEmulator } from '../rotation/emulator-fixture';
import { createSecret, failure, put, shape, stagesOf } from './acceptance-fixture';
import { rawSecretsManager } from './raw-request';

/**
 * AWS-BEHAVIOUR.md section 13, checks 1-17 (versions, labels, reads and the wire protocol), driven through the
 * real SDK v3 client (and raw signed HTTP where the SDK would hide the wire) against one emulator.
 * Checks 18-38 are in section13-sdk-rotation.test.ts.
 */
describe('section 13 acceptance checks 1-17 through SDK v3 over HTTP', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    sm = smClient(emulator);
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const versionIds = async (secretId: string, includeDeprecated?: boolean) =>
    (await sm.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: includeDeprecated })))
      .Versions ?? [];

  it('check 1: PutSecretValue repeating a token with the same value returns that version and adds none', async () => {
    const { arn, v1 } = await createSecret(sm, 'c1/secret');
    const out = await sm.send(
      new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: v1, SecretString: 'value-1' }),
    );

    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.VersionId).toBe(v1);
    expect((await versionIds(arn)).map((v) => v.VersionId)).toEqual([v1]);
  });

  it('check 2: PutSecretValue repeating a token with a different value is ResourceExistsException', async () => {
    const { arn, v1 } = await createSecret(sm, 'c2/secret');
    const error = await failure(
      sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: v1, SecretString: 'other' })),
    );

    expect(shape(error)).toEqual({
      name: 'ResourceExistsException',
      message: `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${arn}.`,
      status: 400,
    });
  });

  it('check 3: a default PutSecretValue makes the new version AWSCURRENT and the old one AWSPREVIOUS only', async () => {
    const { arn, v1 } = await createSecret(sm, 'c3/secret');
    const out = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'value-2' }));

    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    expect((await stagesOf(sm, arn))[v1]).toEqual(['AWSPREVIOUS']);
  });

  it('check 4: after a third default put the first version is deprecated: listed only with IncludeDeprecated, without VersionStages', async () => {
    const { arn, v1 } = await createSecret(sm, 'c4/secret');
    await put(sm, arn, 'value-2');
    await put(sm, arn, 'value-3');

    expect((await stagesOf(sm, arn))[v1]).toBeUndefined();
    expect((await versionIds(arn)).map((v) => v.VersionId)).not.toContain(v1);
    const deprecated = (await versionIds(arn, true)).find((v) => v.VersionId === v1);
    expect(deprecated).toBeDefined();
    expect(deprecated && Object.hasOwn(deprecated, 'VersionStages')).toBe(false);
  });

  it('check 5: PutSecretValue with VersionStages=[AWSPENDING] leaves GetSecretValue on the old value', async () => {
    const { arn, v1 } = await createSecret(sm, 'c5/secret');
    await put(sm, arn, 'pending-value', ['AWSPENDING']);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: arn }));

    expect(current).toMatchObject({ SecretString: 'value-1', VersionId: v1 });
  });

  it('check 6: the first value of a value-less secret gets AWSCURRENT even when put as AWSPENDING', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'c6/secret' }));
    const out = await sm.send(
      new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'first', VersionStages: ['AWSPENDING'] }),
    );

    expect(new Set(out.VersionStages)).toEqual(new Set(['AWSPENDING', 'AWSCURRENT']));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }))).VersionId).toBe(out.VersionId);
  });

  it('check 7: labels put on a new version move off the old one, which keeps the rest', async () => {
    const { arn } = await createSecret(sm, 'c7/secret');
    const first = await put(sm, arn, 'a', ['one', 'two', 'three']);
    const second = await put(sm, arn, 'b', ['one', 'two', 'four']);
    const stages = await stagesOf(sm, arn);

    expect(stages[first]).toEqual(['three']);
    expect(stages[second]).toEqual(['four', 'one', 'two']);
  });

  it('check 8: moving AWSCURRENT without RemoveFromVersionId is InvalidParameterException naming the holder', async () => {
    const { arn, v1 } = await createSecret(sm, 'c8/secret');
    const x = await put(sm, arn, 'x', ['AWSPENDING']);
    const error = await failure(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: x })),
    );

    expect(shape(error)).toEqual({
      name: 'InvalidParameterException',
      message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
      status: 400,
    });
  });

  it('check 9: moving AWSCURRENT onto the AWSPENDING version keeps AWSPENDING there and moves AWSPREVIOUS', async () => {
    const { arn, v1 } = await createSecret(sm, 'c9/secret');
    const y = await put(sm, arn, 'y');
    const x = await put(sm, arn, 'x', ['AWSPENDING']);
    const out = await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: x,
        RemoveFromVersionId: y,
      }),
    );
    const stages = await stagesOf(sm, arn);

    expect(stages[x]).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(stages[y]).toEqual(['AWSPREVIOUS']);
    expect(stages[v1]).toBeUndefined();
    const { $metadata: _, ...members } = out;
    expect(members).toEqual({ ARN: arn, Name: 'c9/secret' });
  });

  it('check 10: custom labels survive AWSCURRENT moves', async () => {
    const { arn } = await createSecret(sm, 'c10/secret');
    const z = await put(sm, arn, 'z', ['AWSCURRENT', 'PUT0']);
    const y = await put(sm, arn, 'y', ['AWSCURRENT', 'PUT1']);
    const x = await put(sm, arn, 'x', ['AWSPENDING']);
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: x,
        RemoveFromVersionId: y,
      }),
    );
    const stages = await stagesOf(sm, arn);

    expect(stages[y]).toEqual(['AWSPREVIOUS', 'PUT1']);
    expect(stages[z]).toEqual(['PUT0']);
  });

  it('check 11: UpdateSecretVersionStage with only RemoveFromVersionId removes the label', async () => {
    const { arn } = await createSecret(sm, 'c11/secret');
    const v = await put(sm, arn, 'v', ['AWSPENDING', 'KEEP']);
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: v }),
    );

    expect((await stagesOf(sm, arn))[v]).toEqual(['KEEP']);
  });

  it('check 12: VersionId with a VersionStage not on it is InvalidRequestException, HTTP 400', async () => {
    const { arn, v1 } = await createSecret(sm, 'c12/secret');
    const error = await failure(
      sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: v1, VersionStage: 'AWSPREVIOUS' })),
    );

    expect(shape(error)).toEqual({
      name: 'InvalidRequestException',
      message: 'You provided a VersionStage that is not associated to the provided VersionId.',
      status: 400,
    });
  });

  it('check 13: AWSPREVIOUS on a single-version secret is ResourceNotFoundException', async () => {
    const { arn } = await createSecret(sm, 'c13/secret');
    const error = await failure(sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' })));

    expect(shape(error)).toEqual({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
      status: 400,
    });
  });

  it('check 14: an unknown VersionId is ResourceNotFoundException naming it', async () => {
    const { arn } = await createSecret(sm, 'c14/secret');
    const unknown = randomUUID();
    const error = await failure(sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: unknown })));

    expect(shape(error)).toEqual({
      name: 'ResourceNotFoundException',
      message: `Secrets Manager can't find the specified secret value for VersionId: ${unknown}`,
      status: 400,
    });
  });

  it('check 15: a nonexistent secret is ResourceNotFoundException with HTTP 400 for reads and listings', async () => {
    const expected = {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      status: 400,
    };

    expect(shape(await failure(sm.send(new GetSecretValueCommand({ SecretId: 'c15/missing' }))))).toEqual(expected);
    expect(shape(await failure(sm.send(new ListSecretVersionIdsCommand({ SecretId: 'c15/missing' }))))).toEqual(
      expected,
    );
  });

  it('check 16: raw calls without ClientRequestToken get exactly {__type, Message}, HTTP 400', async () => {
    const { arn } = await createSecret(sm, 'c16/secret');
    const message = 'You must provide a ClientRequestToken value. We recommend a UUID-type value.';

    const putReply = await rawSecretsManager(emulator, 'PutSecretValue', { SecretId: arn, SecretString: 'v2' });
    const rotateReply = await rawSecretsManager(emulator, 'RotateSecret', { SecretId: arn });
    const createReply = await rawSecretsManager(emulator, 'CreateSecret', { Name: 'c16/new', SecretString: 'v' });
    const updateReply = await rawSecretsManager(emulator, 'UpdateSecret', { SecretId: arn, SecretString: 'v3' });

    expect(putReply.status).toBe(400);
    expect(putReply.body).toEqual({ __type: 'InvalidRequestException', Message: message });
    expect(rotateReply.status).toBe(400);
    expect(rotateReply.body).toEqual({ __type: 'InvalidParameterException', Message: message });
    for (const reply of [createReply, updateReply]) {
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ __type: 'InvalidRequestException', Message: message });
    }
    expect(putReply.headers.get('x-amzn-requestid')).toEqual(expect.any(String));
  });

  it('check 17: the awsJson 1.1 headers are required and SecretBinary comes back base64 over raw HTTP', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 42]);
    const created = await sm.send(new CreateSecretCommand({ Name: 'c17/binary', SecretBinary: bytes }));

    const reply = await rawSecretsManager(emulator, 'GetSecretValue', { SecretId: created.ARN });
    const noTarget = await rawSecretsManager(
      emulator,
      'GetSecretValue',
      { SecretId: created.ARN },
      { 'x-amz-target': '' },
    );

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/x-amz-json-1.1');
    expect(reply.body.SecretBinary).toBe(bytes.toString('base64'));
    expect(Object.hasOwn(reply.body, 'SecretString')).toBe(false);
    expect(noTarget.status).toBe(400);
    expect(noTarget.body.__type).toBe('UnknownOperationException');
  });
});
