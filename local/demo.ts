/**
 * `npm run demo`: starts the emulator in process, rotates an API key and a JSON webhook secret with the real
 * rotation-random-secret bundle, then the password of a login role in an embedded PostgreSQL with the real
 * rotation-postgres bundle, all through RotateSecret, and prints what happened: versions and labels before and
 * after (values masked), logins with the new and the old password, the API calls made and the time taken.
 *
 * Usage: tsx local/demo.ts [--state-file <path>]
 *   --state-file <path>  keep the emulator's state (the secrets, values included) in this file, to look at them
 *                        afterwards with `npm run emulator -- --state-file <path>` and the AWS CLI
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './databases/embedded-postgres';
import { CleanupStack } from './demo/cleanup';
import { type DemoPostgres, demoPostgres } from './demo/postgres';
import { demoRandomSecrets } from './demo/random-secrets';
import { startEmulator } from './emulator';

export { fingerprint, mask } from './demo/versions';

function parseArgs(argv: readonly string[]): { stateFile?: string } {
  if (argv.length === 0) return {};
  if (argv.length === 2 && argv[0] === '--state-file') return { stateFile: argv[1] };
  throw new Error(`unknown arguments "${argv.join(' ')}", expected nothing or --state-file <path>`);
}

const say = (...lines: string[]) => process.stdout.write(lines.map((line) => `${line}\n`).join(''));

/** Starts PostgreSQL now, to overlap its ~1 s start with the first part; never an unhandled rejection. */
function startPostgresEarly(cleanup: CleanupStack): Promise<DemoPostgres> {
  const started = process.hrtime.bigint();
  const starting = startEmbeddedPostgres({ tempPrefix: 'pg-demo-' });
  const settled = starting.then(
    (server): EmbeddedPostgres | undefined => server,
    () => undefined,
  );
  cleanup.add(async () => (await settled)?.stop());
  return starting.then((server) => ({ server, startSeconds: Number(process.hrtime.bigint() - started) / 1e9 }));
}

async function main(cleanup: CleanupStack, stateFile?: string): Promise<number> {
  const started = process.hrtime.bigint();
  const postgres = startPostgresEarly(cleanup);
  postgres.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const logs: string[] = [];
  const emulator = await startEmulator({ port: 0, stateFile, log: (line) => logs.push(line) });
  cleanup.add(() => emulator.close());
  const client = new SecretsManagerClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  cleanup.add(async () => client.destroy());
  say(`Local AWS emulator at ${emulator.url} (account ${emulator.account}, ${emulator.region})`, '');

  let failures = await demoRandomSecrets(emulator, client, say);
  failures += await demoPostgres(emulator, client, await postgres, logs, say);

  const calls = emulator.calls.snapshot();
  say(`API calls made (${calls.total}: this demo's and the rotation functions'), by operation:`);
  for (const [service, operations] of Object.entries(calls.services)) {
    for (const [operation, count] of Object.entries(operations).sort()) say(`  ${service} ${operation}: ${count}`);
  }
  const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
  say('', `${failures === 0 ? 'Done' : `FAILED (${failures} check(s))`} in ${seconds} s`);
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  const cleanup = new CleanupStack();
  cleanup.runOnSignals();
  const finish = async (code: number, error?: unknown): Promise<void> => {
    await cleanup.run();
    // After Ctrl-C the signal handler exits; a failure caused by the clean-up is not the demo's.
    if (cleanup.interruptedBy !== undefined) return;
    if (error !== undefined) {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exit(code);
  };
  Promise.resolve()
    .then(() => main(cleanup, parseArgs(process.argv.slice(2)).stateFile))
    .then(
      (code) => finish(code),
      (error: unknown) => finish(1, error),
    );
}
