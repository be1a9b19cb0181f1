import { execFile } from 'node:child_process';
import type { Emulator } from '../../../local/emulator';
import { FUNCTION_NAME, startIamEmulator } from './iam-fixture';

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Credentials = { AccessKeyId: string; SecretAccessKey: string };

describe('iam-access-key rotation end to end through the aws CLI', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startIamEmulator();
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
  });

  const aws = (credentials: Credentials, ...args: string[]): Promise<CliResult> =>
    new Promise((done) => {
      execFile(
        'aws',
        [...args, '--endpoint-url', emulator.url, '--output', 'json'],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_MAX_ATTEMPTS: '1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const root = { AccessKeyId: 'test', SecretAccessKey: 'test' };
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
    ) as Credentials;
    expect(current.AccessKeyId).not.toBe(old.AccessKeyId);
    const asNew = await aws(current, 'sts', 'get-caller-identity');
    const asOld = await aws(old, 'sts', 'get-caller-identity');
    expect(JSON.parse(asNew.stdout).Arn).toBe(`arn:aws:iam::${emulator.account}:user/cli-user`);
    expect(JSON.parse(asOld.stdout).Arn).toBe(`arn:aws:iam::${emulator.account}:user/cli-user`);
    const keys = await json('iam', 'list-access-keys', '--user-name', 'cli-user');
    expect(keys.AccessKeyMetadata).toHaveLength(2);
  });
});
