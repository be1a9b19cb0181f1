/**
 * `npm run bench`: runs every benchmark on this machine and writes bench/RESULTS.md and bench/results.json.
 *
 * Usage: tsx bench/run.ts [--smoke] [--out <dir>]
 *   --smoke      a seconds-long pass of each benchmark (written to a temp dir unless --out is given)
 *   --out <dir>  where to write the results
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmarks } from './run-benchmarks';
import { abortSecretSetups } from './secret-setups';

function parseArgs(argv: readonly string[]): { smoke: boolean; outDir?: string } {
  let smoke = false;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--smoke') smoke = true;
    else if (argv[i] === '--out' && argv[i + 1] !== undefined) {
      outDir = argv[i + 1];
      i += 1;
    } else throw new Error(`unknown argument "${argv[i]}", expected --smoke or --out <dir>`);
  }
  if (smoke && outDir === undefined) outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  return { smoke, outDir };
}

/**
 * Ctrl-C stops the PostgreSQL and MariaDB servers the setups started and deletes their data directories before
 * exiting. The handler stays installed: a Ctrl-C in a terminal reaches npm, tsx and this process at once, and tsx
 * relays it again, so a second signal must not find this process without a handler (tsx would then exit it before
 * the servers are stopped).
 */
function cleanUpOnSignals(): void {
  let stopping = false;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`interrupted (${signal}): stopping the benchmark's database servers`);
      void abortSecretSetups().finally(() => process.exit(code));
    });
  }
}

async function main(): Promise<void> {
  cleanUpOnSignals();
  const args = parseArgs(process.argv.slice(2));
  await runBenchmarks({ ...args, log: (line) => console.log(line) });
  console.log(`results written to ${args.outDir ?? __dirname}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
