import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ensureBundle } from '../rotation/emulator-fixture';
import { runCli, type SpawnedEmulator, spawnEmulator } from './spawn-emulator';

const config = (url: string, accessKeyId = 'test', secretAccessKey = 'test') => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
});

const client = (url: string) =>
  new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

describe('emulator CLI', () => {
  const running: SpawnedEmulator[] = [];
  afterEach(() => {
    for (const emulator of running.splice(0)) emulator.child.kill('SIGKILL');
  });

  it('prints its options for --help', async () => {
    const { code, stdout } = await runCli(['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/--state <file>/);
    expect(stdout).toMatch(/--rotation-retries <n>/);
  });

  it('refuses an unknown flag and a bad port, naming them', async () => {
    const unknown = await runCli(['--colour']);
    const badPort = await runCli(['--port', '99999']);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option "--colour"/);
    expect(badPort.stderr).toMatch(/--port must be an integer 0-65535, got "99999"/);
  });

  it('loses no secret, version, label, tag or IAM key across kill -9 and a restart with --state, and stops on SIGTERM', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'emulator-cli-')), 'state.json');
    const first = await spawnEmulator(['--port', '0', '--state', state]);
    running.push(first);
    const sm = client(first.url);
    const created = await sm.send(new CreateSecretCommand({ Name: 'cli/persisted', SecretString: 'v1-value' }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'cli/persisted', SecretString: 'v2-value' }));
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'cli/persisted',
        VersionStage: 'BLUE',
        MoveToVersionId: created.VersionId,
      }),
    );
    await sm.send(new TagResourceCommand({ SecretId: 'cli/persisted', Tags: [{ Key: 'team', Value: 'payments' }] }));
    const before = await sm.send(new DescribeSecretCommand({ SecretId: 'cli/persisted' }));
    const iam = new IAMClient(config(first.url));
    await iam.send(new CreateUserCommand({ UserName: 'persisted-user' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'persisted-user' }));

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnEmulator(['--port', '0', '--state', state]);
    running.push(second);
    const after = client(second.url);
    const described = await after.send(new DescribeSecretCommand({ SecretId: 'cli/persisted' }));
    const current = await after.send(new GetSecretValueCommand({ SecretId: 'cli/persisted' }));
    const previous = await after.send(
      new GetSecretValueCommand({ SecretId: 'cli/persisted', VersionStage: 'AWSPREVIOUS' }),
    );
    const versions = await after.send(new ListSecretVersionIdsCommand({ SecretId: 'cli/persisted' }));
    const sts = new STSClient(config(second.url, AccessKey?.AccessKeyId, AccessKey?.SecretAccessKey));
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    expect(described.ARN).toBe(created.ARN);
    expect(described.VersionIdsToStages).toEqual(before.VersionIdsToStages);
    expect(described.VersionIdsToStages?.[created.VersionId as string]?.sort()).toEqual(['AWSPREVIOUS', 'BLUE']);
    expect(described.Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
    expect(current).toMatchObject({ VersionId: put.VersionId, SecretString: 'v2-value' });
    expect(previous.SecretString).toBe('v1-value');
    expect(versions.Versions).toHaveLength(2);
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/persisted-user');

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('reattempts a rotation that a kill -9 interrupted, after a restart with --state', async () => {
    ensureBundle();
    const state = join(mkdtempSync(join(tmpdir(), 'emulator-cli-')), 'state.json');
    const args = [
      '--port',
      '0',
      '--state',
      state,
      '--function',
      `rotation-slow=${resolve(__dirname, 'fixtures/slow-random-secret.js')}#handler`,
    ];
    const rotations = async (url: string) => {
      const response = await fetch(`${url}/_emulator/rotations`);
      return (
        (await response.json()) as {
          rotations: Array<{ status: string; trigger: string; steps: Array<{ step: string; status: string }> }>;
        }
      ).rotations;
    };
    const waitFor = async (url: string, done: (runs: Awaited<ReturnType<typeof rotations>>) => boolean) => {
      for (let i = 0; i < 200; i += 1) {
        if (done(await rotations(url))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`rotation did not reach the expected state: ${JSON.stringify(await rotations(url))}`);
    };
    const first = await spawnEmulator(args);
    running.push(first);
    const sm = client(first.url);
    await sm.send(new CreateSecretCommand({ Name: 'cli/interrupted', SecretString: 'before-rotation' }));
    const rotated = await sm.send(
      new RotateSecretCommand({
        SecretId: 'cli/interrupted',
        RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotation-slow',
      }),
    );
    await waitFor(first.url, (runs) =>
      runs.some((run) => run.steps.some((s) => s.step === 'setSecret' && s.status === 'running')),
    );

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnEmulator(args);
    running.push(second);
    await waitFor(second.url, (runs) => runs.some((run) => run.status === 'succeeded'));
    const current = await client(second.url).send(new GetSecretValueCommand({ SecretId: 'cli/interrupted' }));

    expect((await rotations(second.url)).map((run) => [run.trigger, run.status])).toEqual([['resume', 'succeeded']]);
    expect(current.VersionId).toBe(rotated.VersionId);
    expect(current.SecretString).not.toBe('before-rotation');
  }, 60_000);
});
