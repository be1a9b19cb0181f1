/**
 * Every credential type this suite rotates. A new type adds a folder under `lambdas/` and one line here;
 * the build, the CDK constructs and the local emulator all learn the type from this list.
 *
 * This file must not import any handler: it is read by build tools and by CDK at synth time.
 */
export interface CredentialTypeEntry {
  /** Kebab-case type name. The function is `rotation-<name>` in the emulator and in CDK. */
  readonly name: string;
  /** Handler source, relative to the repository root. Its `handler` export is the Lambda entry point. */
  readonly entry: string;
  /** One line for humans. */
  readonly description: string;
}

export const CREDENTIAL_TYPES: readonly CredentialTypeEntry[] = [
  {
    name: 'random-secret',
    entry: 'lambdas/random-secret/handler.ts',
    description: 'Secrets we issue ourselves: API keys, webhook signing secrets, HMAC keys',
  },
  { name: 'iam-access-key', entry: 'lambdas/iam-access-key/handler.ts', description: 'IAM user access keys' },
  {
    name: 'postgres',
    entry: 'lambdas/postgres/handler.ts',
    description: 'PostgreSQL and Aurora PostgreSQL passwords: single or alternating users, direct TLS or Data API',
  },
  {
    name: 'mysql',
    entry: 'lambdas/mysql/handler.ts',
    description: 'MySQL, Aurora MySQL and MariaDB passwords: single or alternating users, direct TLS or Data API',
  },
];

/** Function name used for a credential type, in the emulator and in deployed stacks. */
export function rotationFunctionName(typeName: string): string {
  return `rotation-${typeName}`;
}

/** Path of the built bundle of a credential type, relative to the repository root. */
export function bundlePath(typeName: string): string {
  return `dist/lambdas/${typeName}/index.js`;
}
