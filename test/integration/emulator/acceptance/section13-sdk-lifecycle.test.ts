import { resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import {
  CancelRotateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  RotateSecretCommand,
  type RotateSecretCommandInput,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { Emulator } from '../../../../local/emulator';
import { ACCOUNT, serviceEvents, smClient, startTestEmulator } from '../rotation/emulator-fixture';
import { createSecret, failure, put, type SdkError, shape, stagesOf } from './acceptance-fixture';

const SILENT_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:acceptance-silent`;
const INCOMPLETE = /^A previous rotation isn['’]t complete\. That rotation will be reattempted\.$/;
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * AWS-BEHAVIOUR.md section 13, checks 32-38 (cancel, abandon, label events, passwords, schedules, IAM and STS),
 * through SDK v3 clients over HTTP against one emulator.
 */
describe('section 13 acceptance checks 32-38 through SDK v3 over HTTP', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  let iam: IAMClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.runner.register({
      name: 'acceptance-silent',
      modulePath: resolve(__dirname, 'fixtures/silent-function.js'),
      exportName: 'handler',
    });
    sm = smClient(emulator);
    iam = new IAMClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const rotateAndWait = async (input: RotateSecretCommandInput) => {
    const out = await sm.send(new RotateSecretCommand(input));
    await emulator.rotations.idle();
    return out;
  };
  const labelEvents = (arn: string) =>
    emulator.events
      .list()
      .filter(
        (e) => e['detail-type'] === 'Secret Label Updated' && (e.resources as string[] | undefined)?.includes(arn),
      );

  it('check 32: CancelRotateSecret disables rotation but keeps the configuration and AWSPENDING', async () => {
    const { arn } = await createSecret(sm, 'c32/secret');
    const token = (
      await rotateAndWait({
        SecretId: arn,
        RotationLambdaARN: SILENT_ARN,
        RotationRules: { ScheduleExpression: 'rate(10 days)' },
      })
    ).VersionId as string;
    const { $metadata: _, ...cancelled } = await sm.send(new CancelRotateSecretCommand({ SecretId: arn }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    const blocked = await failure(sm.send(new RotateSecretCommand({ SecretId: arn })));
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }),
    );
    const accepted = await rotateAndWait({ SecretId: arn });

    expect(cancelled).toEqual({ ARN: arn, Name: 'c32/secret', VersionId: token });
    expect(described).toMatchObject({
      RotationEnabled: false,
      RotationLambdaARN: SILENT_ARN,
      RotationRules: { ScheduleExpression: 'rate(10 days)' },
    });
    expect(described.VersionIdsToStages?.[token]).toEqual(['AWSPENDING']);
    expect(blocked.name).toBe('InvalidRequestException');
    expect(blocked.message).toMatch(INCOMPLETE);
    expect(accepted.$metadata.httpStatusCode).toBe(200);
  });

  it('check 33: a default PutSecretValue during a rotation removes AWSPENDING and records RotationAbandoned', async () => {
    const { arn, v1 } = await createSecret(sm, 'c33/secret');
    await rotateAndWait({ SecretId: arn, RotationLambdaARN: SILENT_ARN });
    const manual = await put(sm, arn, 'manual');

    expect(await stagesOf(sm, arn)).toEqual({ [manual]: ['AWSCURRENT'], [v1]: ['AWSPREVIOUS'] });
    const abandoned = serviceEvents(emulator, arn, 'RotationAbandoned');
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]?.detail).toMatchObject({ eventType: 'AwsServiceEvent' });
  });

  it('check 34: moving AWSCURRENT emits one Secret Label Updated event; AWSPENDING and AWSPREVIOUS moves none', async () => {
    const { arn, v1 } = await createSecret(sm, 'c34/secret');
    const x = await put(sm, arn, 'x', ['AWSPENDING']);
    const before = labelEvents(arn).length;
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: x,
        RemoveFromVersionId: v1,
      }),
    );
    const afterCurrent = labelEvents(arn).slice(before);
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: x }),
    );
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: 'AWSPREVIOUS',
        MoveToVersionId: x,
        RemoveFromVersionId: v1,
      }),
    );
    await put(sm, arn, 'y', ['AWSPENDING']);

    expect(afterCurrent).toEqual([
      expect.objectContaining({
        'detail-type': 'Secret Label Updated',
        source: 'aws.secretsmanager',
        resources: [arn],
        detail: { name: 'c34/secret', labelUpdated: 'AWSCURRENT', versionId: x },
      }),
    ]);
    expect(labelEvents(arn).length).toBe(before + 1);
  });

  it('check 35: GetRandomPassword draws 32 characters from every class and honours ExcludeCharacters and IncludeSpace', async () => {
    const password = (await sm.send(new GetRandomPasswordCommand({}))).RandomPassword as string;
    const excluded = (
      await sm.send(new GetRandomPasswordCommand({ PasswordLength: 200, ExcludeCharacters: 'xyzDje@?!.' }))
    ).RandomPassword as string;
    const spaced = (
      await sm.send(
        new GetRandomPasswordCommand({
          PasswordLength: 60,
          IncludeSpace: true,
          ExcludeNumbers: true,
          ExcludePunctuation: true,
          ExcludeUppercase: true,
          ExcludeLowercase: true,
        }),
      )
    ).RandomPassword;

    expect(password).toHaveLength(32);
    for (const char of password)
      expect(`ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${PUNCTUATION}`).toContain(char);
    for (const cls of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(password).toMatch(cls);
    expect(excluded).not.toMatch(/[xyzDje@?!.]/);
    expect(password + excluded).not.toContain(' ');
    expect(spaced).toBe(' '.repeat(60));
  });

  it.each([
    ['rate(3 hours)', { ScheduleExpression: 'rate(3 hours)' }],
    ['cron minutes not 0', { ScheduleExpression: 'cron(30 4 * * ? *)' }],
    ['cron year not *', { ScheduleExpression: 'cron(0 4 * * ? 2030)' }],
    ['a 5h window every 4 hours', { ScheduleExpression: 'rate(4 hours)', Duration: '5h' }],
  ])('check 36: RotationRules with %s are InvalidParameterException and persist nothing', async (label, rules) => {
    const { arn } = await createSecret(sm, `c36/${label.replace(/\W+/g, '-')}`);
    const error = await failure(
      sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: SILENT_ARN, RotationRules: rules })),
    );
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(error.name).toBe('InvalidParameterException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationRules).toBeUndefined();
  });

  it('check 37: a third access key is LimitExceeded (HTTP 409) even when one of the two is inactive', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'c37-user' }));
    const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'c37-user' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'c37-user' }));
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'c37-user',
        AccessKeyId: first.AccessKey?.AccessKeyId,
        Status: 'Inactive',
      }),
    );
    const error = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'c37-user' })));

    expect(shape(error)).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      status: 409,
    });
    expect((error as SdkError & { Error?: { Code?: string } }).Error?.Code).toBe('LimitExceeded');
  });

  it('check 38: GetCallerIdentity with a new user key returns the user identity (polling through propagation)', async () => {
    const user = await iam.send(new CreateUserCommand({ UserName: 'c38-user' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'c38-user' }))).AccessKey;
    const sts = new STSClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: key?.AccessKeyId as string, secretAccessKey: key?.SecretAccessKey as string },
      maxAttempts: 1,
    });
    let identity: GetCallerIdentityCommandOutput | undefined;
    for (let attempt = 0; attempt < 50 && identity === undefined; attempt++) {
      try {
        identity = await sts.send(new GetCallerIdentityCommand({}));
      } catch (error) {
        if ((error as SdkError).name !== 'InvalidClientTokenId') throw error;
        await new Promise((retry) => setTimeout(retry, 100));
      }
    }

    expect(identity).toMatchObject({
      UserId: user.User?.UserId,
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/c38-user`,
    });
  });
});
