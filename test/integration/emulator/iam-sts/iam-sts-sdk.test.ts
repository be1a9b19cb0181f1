import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startThrowawayServer, type ThrowawayServer } from './throwaway-server';

const PROPAGATION_SECONDS = 30;
const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };

type Credentials = { accessKeyId: string; secretAccessKey: string };

describe('IAM and STS through the real SDK clients and CLI', () => {
  let server: ThrowawayServer;
  const clients: { destroy(): void }[] = [];

  const iamClient = (credentials: Credentials = ROOT) => {
    const client = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const stsClient = (credentials: Credentials) => {
    const client = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  /** Creates a key and lets the injected clock pass its propagation delay. */
  async function propagatedKey(userName: string): Promise<Credentials> {
    const { AccessKey } = await iamClient().send(new CreateAccessKeyCommand({ UserName: userName }));
    server.clock.advance(PROPAGATION_SECONDS + 1);
    return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
  }

  beforeAll(async () => {
    server = await startThrowawayServer(PROPAGATION_SECONDS);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  it('creates a user and two keys, and refuses a third with LimitExceeded', async () => {
    const iam = iamClient();
    await iam.send(new CreateUserCommand({ UserName: 'quota' }));
    const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'quota' }));
    const second = await iam.send(new CreateAccessKeyCommand({ UserName: 'quota' }));

    const third = iam.send(new CreateAccessKeyCommand({ UserName: 'quota' }));

    await expect(third).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      $metadata: { httpStatusCode: 409 },
    });
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'quota' }));
    expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([
      first.AccessKey?.AccessKeyId,
      second.AccessKey?.AccessKeyId,
    ]);
    expect(first.AccessKey?.CreateDate).toBeInstanceOf(Date);
  });

  it('answers GetCallerIdentity signed with a user key with that user ARN and records the use', async () => {
    await iamClient().send(new CreateUserCommand({ UserName: 'alice' }));
    const key = await propagatedKey('alice');

    const identity = await stsClient(key).send(new GetCallerIdentityCommand({}));
    const lastUsed = await iamClient().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));

    expect(identity.Arn).toBe('arn:aws:iam::000000000000:user/alice');
    expect(identity.Account).toBe('000000000000');
    expect(identity.UserId).toMatch(/^AIDA/);
    expect(lastUsed.UserName).toBe('alice');
    expect(lastUsed.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });
    expect(lastUsed.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date);
  });

  it('refuses a deactivated key, accepts it again once reactivated, and refuses it once deleted', async () => {
    await iamClient().send(new CreateUserCommand({ UserName: 'bob' }));
    const key = await propagatedKey('bob');
    const sts = stsClient(key);
    const invalid = { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } };

    await iamClient().send(
      new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: key.accessKeyId, Status: 'Inactive' }),
    );
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid);
    await iamClient().send(
      new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: key.accessKeyId, Status: 'Active' }),
    );
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Arn: expect.stringMatching(/user\/bob$/),
    });
    await iamClient().send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: key.accessKeyId }));
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject(invalid);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    const sts = stsClient({ accessKeyId: 'test', secretAccessKey: 'not-test' });

    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses a request signed by a client whose clock is 20 minutes behind', async () => {
    const client = new STSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: ROOT,
      maxAttempts: 1,
      systemClockOffset: -20 * 60 * 1000,
    });
    clients.push(client);

    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
    });
  });

  it('refuses Secrets Manager calls from unknown keys and wrong secrets with the JSON protocol codes', async () => {
    const secrets = (credentials: Credentials) => {
      const client = new SecretsManagerClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    };

    const unknown = secrets({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(
      new GetSecretValueCommand({ SecretId: 'db' }),
    );
    const wrongSecret = secrets({ accessKeyId: 'test', secretAccessKey: 'wrong' }).send(
      new GetSecretValueCommand({ SecretId: 'db' }),
    );

    await expect(unknown).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(wrongSecret).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a new key until the injected clock passes creation + propagation seconds', async () => {
    await iamClient().send(new CreateUserCommand({ UserName: 'carol' }));
    const { AccessKey } = await iamClient().send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    const sts = stsClient({
      accessKeyId: AccessKey?.AccessKeyId ?? '',
      secretAccessKey: AccessKey?.SecretAccessKey ?? '',
    });

    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    server.clock.advance(PROPAGATION_SECONDS - 5);
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    server.clock.advance(6);
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Arn: 'arn:aws:iam::000000000000:user/carol',
    });
  });

  it('verifies the AWS CLI signatures (iam list-access-keys, sts get-caller-identity)', async () => {
    await iamClient().send(new CreateUserCommand({ UserName: 'cli-user' }));
    const key = await propagatedKey('cli-user');
    const run = async (credentials: Credentials, args: string[]) => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      };
      const { stdout } = await promisify(execFile)('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], {
        env,
        timeout: 60_000,
      });
      return JSON.parse(stdout) as Record<string, unknown>;
    };

    const listed = await run(ROOT, ['iam', 'list-access-keys', '--user-name', 'cli-user']);
    const identity = await run(key, ['sts', 'get-caller-identity']);

    expect(listed.AccessKeyMetadata).toEqual([
      expect.objectContaining({ UserName: 'cli-user', AccessKeyId: key.accessKeyId, Status: 'Active' }),
    ]);
    expect(identity.Arn).toBe('arn:aws:iam::000000000000:user/cli-user');
  }, 120_000);
});
