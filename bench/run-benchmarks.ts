/** Runs every benchmark in order and writes RESULTS.md and results.json into a directory. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { measureCalls } from './calls';
import { measureColdStart } from './cold-start';
import { measureFleet } from './fleet';
import { measureLatency } from './latency';
import { memorySection } from './memory';
import { type BenchResults, renderMarkdown } from './report';
import { type BenchType, benchTypes, closeSecretSetups } from './secret-setups';
import { elapsedMs, round } from './stats';
import { measureSynth } from './synth';
import { type BenchScale, FULL_SCALE, SMOKE_SCALE } from './types';

export interface RunBenchmarksOptions {
  readonly smoke?: boolean;
  /** Where RESULTS.md and results.json go. @default bench/ */
  readonly outDir?: string;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

function gitCommit(): string {
  try {
    const root = resolve(__dirname, '..');
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    // Bundles are built from the working tree, so say when it differs from the commit.
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return changed === '' ? sha : `${sha} (with uncommitted changes to tracked files)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Formats files written inside the repository as biome would, so that `biome check .` stays clean. */
function formatInRepo(...files: string[]): void {
  const root = resolve(__dirname, '..');
  const inside = files.filter((file) => !relative(root, file).startsWith('..'));
  if (inside.length === 0) return;
  execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', ...inside], { cwd: root, stdio: 'ignore' });
}

/** Figures 1 to 3, which rotate secrets in the emulator; stops what the secret setups started, even on failure. */
async function measureOnEmulator(scale: BenchScale, types: readonly BenchType[], log: (line: string) => void) {
  try {
    log('1/6 calls per rotation');
    const calls = await measureCalls(scale.callRotations, types);
    log('2/6 latency');
    const latency = await measureLatency(scale.latencyRotations, calls.invocations, types);
    log(`3/6 fleet of ${scale.fleetSecrets} secrets`);
    const fleet = await measureFleet(scale.fleetSecrets, types);
    return { calls, latency, fleet };
  } finally {
    await closeSecretSetups();
  }
}

/** Runs the benchmarks (the tiny smoke pass with `smoke`) and returns what it wrote. */
export async function runBenchmarks(options: RunBenchmarksOptions = {}): Promise<BenchResults> {
  const scale: BenchScale = options.smoke ? SMOKE_SCALE : FULL_SCALE;
  const log = options.log ?? (() => undefined);
  const outDir = options.outDir ?? __dirname;
  const started = process.hrtime.bigint();
  const loadAtStart = loadavg()[0];

  const types = benchTypes();
  for (const type of types) if (type.unavailable !== undefined) log(`${type.name}: ${type.unavailable}`);
  const { calls, latency, fleet } = await measureOnEmulator(scale, types, log);
  log('4/6 cold start');
  const coldStart = await measureColdStart(scale.loadRuns);
  log('5/6 synth');
  const synth = measureSynth(scale.synthCounts, scale.synthRuns, scale.synthWarmUps);
  log('6/6 memory');
  const memory = memorySection(calls.invocations, types);

  const cpu = cpus();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      platform: `${platform()} ${release()} ${arch()}`,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      cpuCount: cpu.length,
      memoryGiB: round(totalmem() / 1024 ** 3, 1),
      loadAverage: { atStart: round(loadAtStart), atEnd: round(loadavg()[0]) },
      smoke: scale.smoke,
      durationSeconds: round(elapsedMs(started) / 1000, 1),
    },
    sections: { calls: calls.section, latency, fleet, coldStart, synth, memory },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'RESULTS.md'), renderMarkdown(results));
  formatInRepo(join(outDir, 'results.json'), join(outDir, 'RESULTS.md'));
  return results;
}
