/**
 * How to create a rotatable secret of each credential type in the emulator. A registered type without an
 * entry here is listed in every figure as "not yet available" until its setup is added: the benchmarks pick
 * up types from lambdas/registry.ts, and only the secret (and what it points at) is type-specific.
 */
import { randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CREDENTIAL_TYPES } from '../lambdas/registry';
import type { BenchEmulator } from './emulator-harness';

/** Prepares whatever the secret points at and returns the initial SecretString of secret number `index`. */
export type SecretSetup = (bench: BenchEmulator, index: number) => Promise<string>;

const SETUPS: Readonly<Record<string, SecretSetup>> = {
  'random-secret': async () => randomBytes(24).toString('hex'),
  'iam-access-key': async (bench, index) => {
    const iam = new IAMClient({
      endpoint: bench.emulator.url,
      region: bench.emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      // Each benchmark emulator is fresh, but a run creates several secrets: one user per secret.
      const userName = `bench-user-${index}-${randomBytes(4).toString('hex')}`;
      await iam.send(new CreateUserCommand({ UserName: userName }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      return JSON.stringify({
        UserName: userName,
        AccessKeyId: key.AccessKey?.AccessKeyId,
        SecretAccessKey: key.AccessKey?.SecretAccessKey,
      });
    } finally {
      iam.destroy();
    }
  },
};

/** Registered types, each with its setup when the benchmarks know how to create its secrets. */
export function benchTypes(): { readonly name: string; readonly setup?: SecretSetup }[] {
  return CREDENTIAL_TYPES.map((type) => ({ name: type.name, setup: SETUPS[type.name] }));
}
