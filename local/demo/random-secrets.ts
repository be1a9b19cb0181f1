/** The demo's first part: an API key and a JSON webhook secret rotated by rotation-random-secret. */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../emulator';
import { describeVersions, lastRun, mask, runSummary } from './versions';

interface DemoSecret {
  readonly name: string;
  readonly description: string;
  readonly value: string;
  readonly tags: Record<string, string>;
  /** For JSON secrets, the rotated field shown (masked). */
  readonly field?: string;
}

function shown(secret: DemoSecret): (secretString: string) => string {
  return (secretString) => {
    if (secret.field === undefined) return mask(secretString);
    const parsed = JSON.parse(secretString) as Record<string, unknown>;
    return `{ ${secret.field}: ${mask(String(parsed[secret.field]))} }`;
  };
}

/** Creates and rotates the two random secrets, printing each through `say`; resolves the number of failures. */
export async function demoRandomSecrets(
  emulator: Emulator,
  client: SecretsManagerClient,
  say: (...lines: string[]) => void,
): Promise<number> {
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
  const before = new Map<string, string[]>();
  for (const secret of secrets) {
    await client.send(
      new CreateSecretCommand({
        Name: secret.name,
        SecretString: secret.value,
        Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    before.set(secret.name, await describeVersions(client, secret.name, shown(secret)));
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
    const run = lastRun(emulator, secret.name);
    const described = await client.send(new DescribeSecretCommand({ SecretId: secret.name }));
    if (run?.status !== 'succeeded') failures += 1;
    const { SecretString: now } = await client.send(new GetSecretValueCommand({ SecretId: secret.name }));
    say(
      `${secret.name} (${secret.description})`,
      '  before:',
      ...(before.get(secret.name) ?? []),
      '  after RotateSecret:',
      ...(await describeVersions(client, secret.name, shown(secret))),
      runSummary(run),
      `  value changed: ${now !== secret.value ? 'yes' : 'NO'}`,
      `  next rotation: ${described.NextRotationDate?.toISOString() ?? 'none'}`,
      '',
    );
  }
  return failures;
}
