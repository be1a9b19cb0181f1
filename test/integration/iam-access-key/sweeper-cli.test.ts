import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Emulator } from '../../../local/emulator';
import { FunctionRunner } from '../../../local/functions';
import { LAMBDA_BUILD_OPTIONS } from '../../../scripts/build-lambdas';
import {
  awsCli,
  type CliCredentials,
  type CliResult,
  FUNCTION_NAME,
  ROOT,
  ROOT_CREDENTIALS,
  startIamEmulator,
} from './iam-fixture';

const SWEEPER = 'revocation-sweeper';
const USER = 'swept-cli-user';
const SECRET = 'cli/swept-key';
const HOUR = 3600;

/** Bundles the sweeper wired to the emulator clock, as `npm run bundle` would bundle a function. */
async function bundleSweeper(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'sweeper-cli-')), 'index.js');
  await build({
    ...LAMBDA_BUILD_OPTIONS,
    minify: false,
    entryPoints: [join(ROOT, 'test/integration/iam-access-key/sweeper-on-emulator-clock.ts')],
    outfile,
  });
  return outfile;
}

describe('iam-access-key grace period and revocation end to end through the aws CLI', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    const [started, sweeperBundle] = await Promise.all([startIamEmulator(), bundleSweeper()]);
    emulator = started;
    emulator.runner.register(FunctionRunner.parseFunctionSpec(`${SWEEPER}=${sweeperBundle}#handler`));
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
  });

  const aws = (credentials: CliCredentials, ...args: string[]): Promise<CliResult> =>
    awsCli(emulator.url, credentials, ...args);
  const root = ROOT_CREDENTIALS;
  const json = async (...args: string[]) => {
    const out = await aws(root, ...args);
    if (out.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')} exited ${out.code}: ${out.stderr}`);
    return JSON.parse(out.stdout);
  };
  const control = async (path: string, body?: unknown): Promise<{ rotations?: { status: string }[] }> => {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`/_emulator/${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { rotations?: { status: string }[] };
  };
  const advanceHours = (hours: number) => control('clock', { advanceSeconds: hours * HOUR });
  /** One scheduled run of the sweeper, as EventBridge would invoke it; answers how many keys it revoked. */
  const sweep = async (): Promise<number> => {
    const outcome = await emulator.runner.invoke(SWEEPER, {});
    if (!outcome.ok) throw new Error(`sweeper failed: ${outcome.errorType}: ${outcome.errorMessage}`);
    return (outcome.result as { revoked: number }).revoked;
  };
  const waitForRotation = async (secretArn: string): Promise<string> => {
    for (let i = 0; i < 300; i += 1) {
      const { rotations = [] } = await control(`rotations?secretArn=${encodeURIComponent(secretArn)}`);
      const status = rotations.at(-1)?.status;
      if (status !== undefined && status !== 'running') return status;
      await new Promise((r) => setTimeout(r, 50));
    }
    return 'still running after 15 s';
  };
  const keyStatuses = async () => {
    const { AccessKeyMetadata } = await json('iam', 'list-access-keys', '--user-name', USER);
    return Object.fromEntries(
      (AccessKeyMetadata as { AccessKeyId: string; Status: string }[]).map((k) => [k.AccessKeyId, k.Status]),
    );
  };

  it('keeps the old key working through the grace period, refuses it once swept, then deletes it', async () => {
    const userArn = `arn:aws:iam::${emulator.account}:user/${USER}`;
    await json('iam', 'create-user', '--user-name', USER);
    const { AccessKey: old } = await json('iam', 'create-access-key', '--user-name', USER);
    const { ARN: secretArn } = await json(
      'secretsmanager',
      'create-secret',
      '--name',
      SECRET,
      '--secret-string',
      JSON.stringify({ UserName: USER, AccessKeyId: old.AccessKeyId, SecretAccessKey: old.SecretAccessKey }),
    );
    const functionArn = `arn:aws:lambda:us-east-1:${emulator.account}:function:${FUNCTION_NAME}`;
    await json('secretsmanager', 'rotate-secret', '--secret-id', SECRET, '--rotation-lambda-arn', functionArn);
    expect(await waitForRotation(secretArn)).toBe('succeeded');

    const current = JSON.parse(
      (await json('secretsmanager', 'get-secret-value', '--secret-id', SECRET)).SecretString,
    ) as CliCredentials;
    expect(current.AccessKeyId).not.toBe(old.AccessKeyId);
    const callerOf = async (credentials: CliCredentials) => {
      const out = await aws(credentials, 'sts', 'get-caller-identity');
      return out.code === 0 ? JSON.parse(out.stdout).Arn : out;
    };
    expect(await callerOf(current)).toBe(userArn);

    // Grace period: consumers still holding the old key keep working, and a sweep now changes nothing.
    expect(await callerOf(old)).toBe(userArn);
    expect(await sweep()).toBe(0);
    expect(await callerOf(old)).toBe(userArn);

    await advanceHours(25);
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    const refused = await aws(old, 'sts', 'get-caller-identity');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidClientTokenId');
    expect(refused.stderr).not.toContain(old.SecretAccessKey);
    expect(await keyStatuses()).toEqual({ [old.AccessKeyId]: 'Inactive', [current.AccessKeyId]: 'Active' });
    expect(await callerOf(current)).toBe(userArn);

    await advanceHours(168);
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    expect(await keyStatuses()).toEqual({ [current.AccessKeyId]: 'Active' });
    expect((await aws(old, 'sts', 'get-caller-identity')).code).not.toBe(0);
    expect(await callerOf(current)).toBe(userArn);
  }, 60_000);
});
