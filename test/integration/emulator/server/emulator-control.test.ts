import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Emulator } from '../../../../local/emulator';
import { RANDOM_SECRET_ARN, smClient, startTestEmulator } from '../rotation/emulator-fixture';

type Json = Record<string, unknown>;

describe('emulator control plane and authentication (in process, real SDK)', () => {
  let emulator: Emulator;
  const control = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Json;
  };
  const credentials = (accessKeyId: string, secretAccessKey: string) => ({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });

  beforeAll(async () => {
    emulator = await startTestEmulator({ iamPropagationSeconds: 30 });
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  it('refuses an IAM key until it has propagated, then accepts it, and refuses it once deactivated', async () => {
    const iam = new IAMClient(credentials('test', 'test'));
    await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
    const sts = new STSClient(credentials(AccessKey?.AccessKeyId as string, AccessKey?.SecretAccessKey as string));

    const early = await sts.send(new GetCallerIdentityCommand({})).catch((e: Error) => e);
    await control('POST', 'clock', { advanceSeconds: 31 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'deployer', AccessKeyId: AccessKey?.AccessKeyId, Status: 'Inactive' }),
    );
    const inactive = await sts.send(new GetCallerIdentityCommand({})).catch((e: Error) => e);

    expect(early).toMatchObject({ name: 'InvalidClientTokenId' });
    expect(identity).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/deployer' });
    expect(inactive).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it("refuses unsigned requests in each service's own protocol", async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetch(`${emulator.url}${path}`, { method: 'POST', headers, body });

    const iam = await post('/', form, 'Action=ListUsers&Version=2010-05-08');
    const sts = await post('/', form, 'Action=GetCallerIdentity&Version=2011-06-15');
    const rds = await post('/Execute', {}, '{}');
    const sm = await post('/', { 'x-amz-target': 'secretsmanager.ListSecrets' }, '{}');

    expect(await iam.text()).toMatch(/iam\.amazonaws\.com.*<Code>MissingAuthenticationToken<\/Code>/);
    expect(await sts.text()).toMatch(/sts\.amazonaws\.com.*<Code>MissingAuthenticationToken<\/Code>/);
    expect(rds.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await sm.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('lists events from a cursor and rotations with their steps', async () => {
    const sm = smClient(emulator);
    const created = await sm.send(new CreateSecretCommand({ Name: 'control/rotated', SecretString: 'abcdefgh' }));
    const { cursor } = await control('GET', 'events');

    await sm.send(new RotateSecretCommand({ SecretId: 'control/rotated', RotationLambdaARN: RANDOM_SECRET_ARN }));
    await emulator.rotations.idle();
    const { events } = await control('GET', `events?since=${cursor}`);
    const { rotations } = await control('GET', `rotations?secretArn=${encodeURIComponent(created.ARN as string)}`);

    expect((events as Json[]).map((e) => (e.detail as Json).eventName ?? e['detail-type'])).toEqual([
      'RotationStarted',
      'Secret Label Updated',
      'RotationSucceeded',
    ]);
    expect(rotations).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        attempts: 1,
        steps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((step) =>
          expect.objectContaining({ step, status: 'succeeded', durationMs: expect.any(Number) }),
        ),
      }),
    ]);
  });

  it('kills a warm function process, and the next rotation starts it cold and still succeeds', async () => {
    const sm = smClient(emulator);
    await sm.send(new CreateSecretCommand({ Name: 'control/killed', SecretString: 'abcdefgh' }));
    await sm.send(new RotateSecretCommand({ SecretId: 'control/killed', RotationLambdaARN: RANDOM_SECRET_ARN }));
    await emulator.rotations.idle();

    const killed = await control('POST', 'functions/rotation-random-secret/kill');
    await sm.send(new RotateSecretCommand({ SecretId: 'control/killed', RotationLambdaARN: RANDOM_SECRET_ARN }));
    await emulator.rotations.idle();

    expect(killed).toEqual({ killed: true });
    expect(emulator.rotations.list().at(-1)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('fails a real SDK call with an injected error in the service protocol', async () => {
    await control('POST', 'faults', {
      operation: 'ListSecrets',
      nth: 1,
      error: { code: 'InternalServiceError', message: 'injected outage', status: 500 },
    });

    const error = await smClient(emulator)
      .send(new ListSecretsCommand({}))
      .catch((e: Error) => e);
    await control('DELETE', 'faults');

    expect(error).toMatchObject({ name: 'InternalServiceError', message: 'injected outage' });
  });

  it('throttles PutSecretValue and UpdateSecret from one shared 50-per-second bucket once quotas are on', async () => {
    const sm = smClient(emulator);
    await sm.send(new CreateSecretCommand({ Name: 'control/busy', SecretString: 'start' }));
    await control('POST', 'quotas', { enabled: true });

    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (i % 2 === 0
          ? sm.send(new PutSecretValueCommand({ SecretId: 'control/busy', SecretString: `value-${i}` }))
          : sm.send(new UpdateSecretCommand({ SecretId: 'control/busy', Description: `call ${i}` }))
        ).then(
          () => 'ok',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      ),
    );
    await control('POST', 'quotas', { enabled: false });

    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(50);
    expect(new Set(results.filter((r) => r !== 'ok'))).toEqual(new Set(['ThrottlingException: Rate exceeded']));
  });

  it('sets the clock to a given date', async () => {
    const body = await control('POST', 'clock', { set: '2031-05-01T12:00:00Z' });
    const read = await control('GET', 'clock');

    expect(Date.parse(String(body.now))).toBeGreaterThanOrEqual(Date.parse('2031-05-01T12:00:00Z'));
    expect(Date.parse(String(read.now)) - Date.parse('2031-05-01T12:00:00Z')).toBeLessThan(60_000);
  });

  it('resets every service, the counters and the events', async () => {
    await control('POST', 'reset');

    const secrets = await smClient(emulator).send(new ListSecretsCommand({}));
    const calls = await control('GET', 'calls');
    const { events } = await control('GET', 'events');

    expect(secrets.SecretList).toEqual([]);
    expect(calls).toEqual({ total: 1, services: { secretsmanager: { ListSecrets: 1 } } });
    expect(events).toEqual([]);
  });
});
