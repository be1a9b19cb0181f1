import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { build } from 'esbuild';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../local/emulator';
import { LAMBDA_BUILD_OPTIONS } from '../../../scripts/build-lambdas';

export const ROOT = resolve(__dirname, '../../..');
export const FUNCTION_NAME = 'rotation-iam-access-key';
const ROOT_KEY = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

let bundle: Promise<string> | undefined;

/**
 * Bundles the function into a temporary directory, as `npm run bundle` would, and registers it under its
 * registry name: the test does not depend on dist/ being fresh.
 */
function bundleFunction(): Promise<string> {
  bundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'iam-access-key-')), 'index.js');
    await build({
      ...LAMBDA_BUILD_OPTIONS,
      minify: false,
      entryPoints: [join(ROOT, 'lambdas/iam-access-key/handler.ts')],
      outfile,
    });
    return outfile;
  })();
  return bundle;
}

/**
 * An in-process emulator with the iam-access-key function, quick retries and no background schedule timer.
 * Function log lines go to `logLines` when given.
 */
export async function startIamEmulator(options: EmulatorOptions = {}, logLines?: string[]): Promise<Emulator> {
  const outfile = await bundleFunction();
  return startEmulator({
    port: 0,
    rotationBackoffMs: 10,
    scheduleTickMs: 0,
    log: (line) => logLines?.push(line),
    functions: [`${FUNCTION_NAME}=${outfile}#handler`],
    ...options,
  });
}

/** SDK clients of one emulator, signed with the root key unless told otherwise. */
export class Clients {
  readonly sm: SecretsManagerClient;
  readonly iam: IAMClient;
  private readonly opened: { destroy(): void }[] = [];

  constructor(readonly emulator: Emulator) {
    const base = { endpoint: emulator.url, region: emulator.region, maxAttempts: 1 };
    this.sm = new SecretsManagerClient({ ...base, credentials: ROOT_KEY });
    this.iam = new IAMClient({ ...base, credentials: ROOT_KEY });
    this.opened.push(this.sm, this.iam);
  }

  get functionArn(): string {
    return `arn:aws:lambda:${this.emulator.region}:${this.emulator.account}:function:${FUNCTION_NAME}`;
  }

  async userWithKey(userName: string): Promise<Key> {
    await this.iam.send(new CreateUserCommand({ UserName: userName }));
    return this.createKey(userName);
  }

  async createKey(userName: string): Promise<Key> {
    const { AccessKey } = await this.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
  }

  async keys(userName: string): Promise<{ id: string; status: string }[]> {
    const out = await this.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    return (out.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? '' }));
  }

  async deactivate(userName: string, accessKeyId: string): Promise<void> {
    await this.iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Inactive' }),
    );
  }

  async createSecret(name: string, userName: string, key: Key, tags: Record<string, string> = {}): Promise<string> {
    const out = await this.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({
          UserName: userName,
          AccessKeyId: key.accessKeyId,
          SecretAccessKey: key.secretAccessKey,
          Note: 'kept',
        }),
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return out.ARN ?? '';
  }

  /** Starts a rotation and waits for it (and its retries) to end. */
  async rotate(secretId: string, rules?: { AutomaticallyAfterDays: number }): Promise<string> {
    const out = await this.sm.send(
      new RotateSecretCommand({
        SecretId: secretId,
        RotationLambdaARN: this.functionArn,
        ...(rules ? { RotationRules: rules } : {}),
      }),
    );
    await this.emulator.rotations.idle();
    return out.VersionId ?? '';
  }

  async value(secretId: string, stage = 'AWSCURRENT'): Promise<Record<string, string>> {
    const out = await this.sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    return JSON.parse(out.SecretString ?? '{}') as Record<string, string>;
  }

  async stages(secretId: string): Promise<Record<string, string[]>> {
    const out = await this.sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    return out.VersionIdsToStages ?? {};
  }

  /** The ARN a key authenticates as, or the STS error name. */
  async whoIs(key: Key): Promise<string> {
    const sts = new STSClient({
      endpoint: this.emulator.url,
      region: this.emulator.region,
      credentials: key,
      maxAttempts: 1,
    });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
    } catch (error) {
      return (error as Error).name;
    } finally {
      sts.destroy();
    }
  }

  /** Error messages of the failed steps of the secret's rotations. */
  stepErrors(secretArn: string): string[] {
    return this.emulator.rotations
      .list()
      .filter((run) => run.secretArn === secretArn)
      .flatMap((run) => run.steps.filter((s) => s.status === 'failed').map((s) => s.errorMessage ?? ''));
  }

  destroy(): void {
    for (const client of this.opened) client.destroy();
  }
}

export function keyOf(value: Record<string, string>): Key {
  return { accessKeyId: value.AccessKeyId, secretAccessKey: value.SecretAccessKey };
}

/** What the `aws` CLI printed and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CliCredentials = { AccessKeyId: string; SecretAccessKey: string };

/** The emulator's root key, as the CLI takes it. */
export const ROOT_CREDENTIALS: CliCredentials = { AccessKeyId: 'test', SecretAccessKey: 'test' };

/** Runs the real `aws` CLI against the emulator with these credentials and no local AWS configuration. */
export function awsCli(endpoint: string, credentials: CliCredentials, ...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      'aws',
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
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
}
