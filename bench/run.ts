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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await runBenchmarks({ ...args, log: (line) => console.log(line) });
  console.log(`results written to ${args.outDir ?? __dirname}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
