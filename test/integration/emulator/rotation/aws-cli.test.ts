import { execFile } from 'node:child_process';
import type { Emulator } from '../../../../local/emulator';
import { ACCOUNT, RANDOM_SECRET_ARN, startTestEmulator } from './emulator-fixture';

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('rotation through the aws CLI', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const aws = (...args: string[]): Promise<CliResult> =>
    new Promise((resolveRun) => {
      execFile(
        'aws',
        [...args, '--endpoint-url', emulator.url, '--output', 'json'],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_MAX_ATTEMPTS: '1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        },
        (error, stdout, stderr) => resolveRun({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('rotate-secret rotates end to end, and a second rotate-secret rotates again', async () => {
    const created = JSON.parse(
      (await aws('secretsmanager', 'create-secret', '--name', 'cli/key', '--secret-string', 'first')).stdout,
    );

    const first = await aws(
      'secretsmanager',
      'rotate-secret',
      '--secret-id',
      'cli/key',
      '--rotation-lambda-arn',
      RANDOM_SECRET_ARN,
    );
    await emulator.rotations.idle();
    const afterFirst = JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/key')).stdout);
    const second = await aws(
      'secretsmanager',
      'rotate-secret',
      '--secret-id',
      'cli/key',
      '--rotation-lambda-arn',
      RANDOM_SECRET_ARN,
    );
    await emulator.rotations.idle();
    const afterSecond = JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/key')).stdout);

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      ARN: created.ARN,
      Name: 'cli/key',
      VersionId: afterFirst.VersionId,
    });
    expect(afterFirst.SecretString).not.toBe('first');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).VersionId).toBe(afterSecond.VersionId);
    expect(afterSecond.VersionId).not.toBe(afterFirst.VersionId);
    expect(afterSecond.SecretString).not.toBe(afterFirst.SecretString);
  }, 60_000);

  it('rotate-secret naming a function that does not exist fails with AccessDeniedException', async () => {
    await aws('secretsmanager', 'create-secret', '--name', 'cli/denied', '--secret-string', 'x');

    const result = await aws(
      'secretsmanager',
      'rotate-secret',
      '--secret-id',
      'cli/denied',
      '--rotation-lambda-arn',
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:missing`,
    );
    const described = JSON.parse((await aws('secretsmanager', 'describe-secret', '--secret-id', 'cli/denied')).stdout);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/AccessDeniedException/);
    expect(described.RotationEnabled).toBeUndefined();
  }, 30_000);

  it('refuses a call signed with a wrong secret key', async () => {
    const result = await new Promise<CliResult>((resolveRun) => {
      execFile(
        'aws',
        ['secretsmanager', 'list-secrets', '--endpoint-url', emulator.url],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'wrong',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_MAX_ATTEMPTS: '1',
          },
        },
        (error, stdout, stderr) => resolveRun({ code: error ? 1 : 0, stdout, stderr }),
      );
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/InvalidSignatureException|UnrecognizedClientException/);
  }, 30_000);
});
