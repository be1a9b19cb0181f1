#!/usr/bin/env node
/**
 * Applies a rotation config to the local emulator, so a setup can be tried before `cdk deploy`:
 *
 *   npm run emulator &                                   # in another terminal
 *   npx tsx bin/apply-local.ts examples/rotation.config.json [--endpoint http://127.0.0.1:4566]
 *                                                        [--account 123456789012] [--region us-east-1]
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigValidationError } from '../lib/config/config-validation-error';
import { loadConfig } from '../lib/config/load-config';
import { applyConfigLocally } from '../lib/local/apply-config';

function option(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  if (index === -1) return fallback;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value, got nothing`);
  args.splice(index, 2);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const endpoint = option(args, '--endpoint', process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566');
  const account = option(args, '--account', '123456789012');
  const region = option(args, '--region', 'us-east-1');
  if (args.length !== 1) throw new Error(`expected one config file argument, got ${args.length}: ${args.join(' ')}`);
  const config = loadConfig(args[0]);
  const client = new SecretsManagerClient({
    endpoint,
    region,
    // The emulator's root credentials (docs/emulator.md).
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const applied = await applyConfigLocally(config, { client, account, region, log: (line) => console.log(line) });
  const skipped = applied.filter((a) => a.skipped !== undefined).length;
  console.log(`applied ${applied.length - skipped} secret(s) to ${endpoint}${skipped ? `, skipped ${skipped}` : ''}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError || error instanceof Error ? error.message : error);
  process.exit(1);
});
