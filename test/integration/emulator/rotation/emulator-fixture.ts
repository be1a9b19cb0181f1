import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bundlePath } from '../../../../lambdas/registry';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../../local/emulator';

export const ROOT = resolve(__dirname, '../../../..');
export const ACCOUNT = '123456789012';
export const RANDOM_SECRET_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotation-random-secret`;

/** Builds the random-secret bundle when a test runs without `npm run bundle` first. */
export function ensureBundle(): void {
  if (!existsSync(resolve(ROOT, bundlePath('random-secret')))) {
    execFileSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-lambdas.ts', 'random-secret'], { cwd: ROOT });
  }
}

/** An in-process emulator on a free port with quick retries and no background schedule timer. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  ensureBundle();
  return startEmulator({ port: 0, rotationBackoffMs: 10, scheduleTickMs: 0, ...options });
}

export function smClient(emulator: Emulator, secretAccessKey = 'test', accessKeyId = 'test'): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

/** Events of one `detail.eventName` (CloudTrail service events) for a secret. */
export function serviceEvents(emulator: Emulator, secretArn: string, eventName: string) {
  return emulator.events.list().filter((event) => {
    const detail = event.detail as { eventName?: string; additionalEventData?: { SecretId?: string } } | undefined;
    return detail?.eventName === eventName && detail.additionalEventData?.SecretId === secretArn;
  });
}
