/**
 * How to create a rotatable secret of each credential type in the emulator. A registered type without an
 * entry here is listed in every figure as "not yet available" until its setup is added: the benchmarks pick
 * up types from lambdas/registry.ts, and only the secret (and, later, its database) is type-specific.
 */
import { randomBytes } from 'node:crypto';
import { CREDENTIAL_TYPES } from '../lambdas/registry';

/** Returns the initial SecretString of a new secret of the type. */
export type SecretSetup = (index: number) => string;

const SETUPS: Readonly<Record<string, SecretSetup>> = {
  'random-secret': () => randomBytes(24).toString('hex'),
};

/** Registered types, each with its setup when the benchmarks know how to create its secrets. */
export function benchTypes(): { readonly name: string; readonly setup?: SecretSetup }[] {
  return CREDENTIAL_TYPES.map((type) => ({ name: type.name, setup: SETUPS[type.name] }));
}
