/** How the demo prints a secret's versions: labels and values, never a value itself. */
import { createHash } from 'node:crypto';
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../emulator';
import type { RotationRun } from '../rotation/rotation-run';

/** First four characters and an ellipsis: enough to see that a value changed, never the value. */
export function mask(value: string): string {
  return `${value.slice(0, 4)}…`;
}

/** For passwords, not even a prefix: the first 8 hex digits of the SHA-256, enough to tell versions apart. */
export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 8)}…`;
}

/** One line per version: id, labels, and the value as `show` renders it (masked). */
export async function describeVersions(
  client: SecretsManagerClient,
  secretName: string,
  show: (secretString: string) => string,
): Promise<string[]> {
  const { Versions = [] } = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretName }));
  const lines: string[] = [];
  for (const version of Versions) {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretName, VersionId: version.VersionId }),
    );
    const labels = [...(version.VersionStages ?? [])].sort().join(', ');
    const value = SecretString === undefined ? '(no value)' : show(SecretString);
    lines.push(`    ${version.VersionId?.slice(0, 8)}…  [${labels}]  ${value}`);
  }
  return lines;
}

/** The emulator's record of the last rotation of a secret, by name. */
export function lastRun(emulator: Emulator, secretName: string): RotationRun | undefined {
  return emulator.rotations
    .list()
    .filter((run) => run.secretArn.includes(`:secret:${secretName}-`))
    .pop();
}

/** `rotation: succeeded in 1 attempt(s): createSecret 120 ms, ...` */
export function runSummary(run: RotationRun | undefined): string {
  const steps = run?.steps.map((s) => `${s.step} ${Math.round(s.durationMs ?? 0)} ms`).join(', ') ?? 'none';
  return `  rotation: ${run?.status ?? 'not started'} in ${run?.attempts ?? 0} attempt(s): ${steps}`;
}
