/**
 * `npm run demo`: starts the emulator in process, creates an API-key secret and a JSON webhook secret, rotates
 * both through RotateSecret with the real rotation-random-secret bundle, and prints what happened: versions and
 * labels before and after, masked values, the API calls made and the time taken.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startEmulator } from './emulator';

/** First four characters and an ellipsis: enough to see that a value changed, never the value. */
export function mask(value: string): string {
  return `${value.slice(0, 4)}…`;
}

interface DemoSecret {
  readonly name: string;
  readonly description: string;
  readonly value: string;
  readonly tags: Record<string, string>;
  /** For JSON secrets, the rotated field shown (masked). */
  readonly field?: string;
}

function shown(secret: DemoSecret, secretString: string | undefined): string {
  if (secretString === undefined) return '(no value)';
  if (secret.field === undefined) return mask(secretString);
  const parsed = JSON.parse(secretString) as Record<string, unknown>;
  return `{ ${secret.field}: ${mask(String(parsed[secret.field]))} }`;
}

async function describeVersions(client: SecretsManagerClient, secret: DemoSecret): Promise<string[]> {
  const { Versions = [] } = await client.send(new ListSecretVersionIdsCommand({ SecretId: secret.name }));
  const lines: string[] = [];
  for (const version of Versions) {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secret.name, VersionId: version.VersionId }),
    );
    const labels = [...(version.VersionStages ?? [])].sort().join(', ');
    lines.push(`    ${version.VersionId?.slice(0, 8)}…  [${labels}]  ${shown(secret, SecretString)}`);
  }
  return lines;
}

async function main(): Promise<number> {
  const started = Date.now();
  const emulator = await startEmulator({ port: 0 });
  try {
    const client = new SecretsManagerClient({
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const functionArn = `arn:aws:lambda:${emulator.region}:${emulator.account}:function:rotation-random-secret`;
    const secrets: DemoSecret[] = [
      {
        name: 'demo/payments-api-key',
        description: 'plain API key',
        value: `pk_${randomBytes(12).toString('hex')}`,
        tags: {},
      },
      {
        name: 'demo/webhook',
        description: 'JSON webhook secret, field signingSecret, prefix whsec_',
        value: JSON.stringify({
          url: 'https://hooks.example.com/in',
          signingSecret: `whsec_${randomBytes(16).toString('hex')}`,
        }),
        tags: { 'rotation:prefix': 'whsec_', 'rotation:field': 'signingSecret' },
        field: 'signingSecret',
      },
    ];
    const out: string[] = [
      `Local AWS emulator at ${emulator.url} (account ${emulator.account}, ${emulator.region})`,
      '',
    ];
    const before = new Map<string, string[]>();
    for (const secret of secrets) {
      await client.send(
        new CreateSecretCommand({
          Name: secret.name,
          SecretString: secret.value,
          Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      before.set(secret.name, await describeVersions(client, secret));
    }
    for (const secret of secrets) {
      await client.send(
        new RotateSecretCommand({
          SecretId: secret.name,
          RotationLambdaARN: functionArn,
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      );
    }
    await emulator.rotations.idle();
    let failures = 0;
    for (const secret of secrets) {
      const run = emulator.rotations.list().find((r) => r.secretArn.includes(`:secret:${secret.name}-`));
      const described = await client.send(new DescribeSecretCommand({ SecretId: secret.name }));
      if (run?.status !== 'succeeded') failures += 1;
      out.push(`${secret.name} (${secret.description})`);
      out.push('  before:', ...(before.get(secret.name) ?? []));
      out.push('  after RotateSecret:', ...(await describeVersions(client, secret)));
      const steps = run?.steps.map((s) => `${s.step} ${Math.round(s.durationMs ?? 0)} ms`).join(', ') ?? 'none';
      out.push(`  rotation: ${run?.status ?? 'not started'} in ${run?.attempts ?? 0} attempt(s): ${steps}`);
      const { SecretString: now } = await client.send(new GetSecretValueCommand({ SecretId: secret.name }));
      out.push(`  value changed: ${now !== secret.value ? 'yes' : 'NO'}`);
      out.push(`  next rotation: ${described.NextRotationDate?.toISOString() ?? 'none'}`, '');
    }
    const calls = emulator.calls.snapshot();
    out.push(`API calls made (${calls.total}: this demo's and the rotation function's), by operation:`);
    for (const [service, operations] of Object.entries(calls.services)) {
      for (const [operation, count] of Object.entries(operations).sort())
        out.push(`  ${service} ${operation}: ${count}`);
    }
    out.push(
      '',
      `${failures === 0 ? 'Done' : `FAILED (${failures} rotation(s))`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
