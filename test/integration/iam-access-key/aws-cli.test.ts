import type { Emulator } from '../../../local/emulator';
import {
  awsCli,
  type CliCredentials,
  type CliResult,
  FUNCTION_NAME,
  ROOT_CREDENTIALS,
  startIamEmulator,
} from './iam-fixture';

describe('iam-access-key rotation end to end through the aws CLI', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startIamEmulator();
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
  });

  const aws = (credentials: CliCredentials, ...args: string[]): Promise<CliResult> =>
    awsCli(emulator.url, credentials, ...args);
  const root = ROOT_CREDENTIALS;
  const json = async (...args: string[]) => {
    const out = await aws(root, ...args);
    if (out.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${out.stderr}`);
    return JSON.parse(out.stdout);
  };

  it('rotate-secret makes a new key that authenticates while the old one still does', async () => {
    await json('iam', 'create-user', '--user-name', 'cli-user');
    const { AccessKey: old } = await json('iam', 'create-access-key', '--user-name', 'cli-user');
    await json(
      'secretsmanager',
      'create-secret',
      '--name',
      'cli/iam-key',
      '--secret-string',
      JSON.stringify({ UserName: 'cli-user', AccessKeyId: old.AccessKeyId, SecretAccessKey: old.SecretAccessKey }),
    );

    const functionArn = `arn:aws:lambda:us-east-1:${emulator.account}:function:${FUNCTION_NAME}`;
    await json('secretsmanager', 'rotate-secret', '--secret-id', 'cli/iam-key', '--rotation-lambda-arn', functionArn);
    await emulator.rotations.idle();

    const current = JSON.parse(
      (await json('secretsmanager', 'get-secret-value', '--secret-id', 'cli/iam-key')).SecretString,
    ) as CliCredentials;
    expect(current.AccessKeyId).not.toBe(old.AccessKeyId);
    const asNew = await aws(current, 'sts', 'get-caller-identity');
    const asOld = await aws(old, 'sts', 'get-caller-identity');
    expect(JSON.parse(asNew.stdout).Arn).toBe(`arn:aws:iam::${emulator.account}:user/cli-user`);
    expect(JSON.parse(asOld.stdout).Arn).toBe(`arn:aws:iam::${emulator.account}:user/cli-user`);
    const keys = await json('iam', 'list-access-keys', '--user-name', 'cli-user');
    expect(keys.AccessKeyMetadata).toHaveLength(2);
  });
});
