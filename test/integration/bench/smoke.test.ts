import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureCalls } from '../../../bench/calls';
import { measureFleet } from '../../../bench/fleet';
import { measureLatency } from '../../../bench/latency';
import { type ModeInvocation, memorySection } from '../../../bench/memory';
import { type BenchResults, SECTION_KEYS, type SectionKey } from '../../../bench/report';
import { runBenchmarks } from '../../../bench/run-benchmarks';
import { benchTypes } from '../../../bench/secret-setups';
import { bundlePath } from '../../../lambdas/registry';
import { ensureBundle } from '../emulator/rotation/emulator-fixture';
import { ensurePostgresBundle } from '../postgres/postgres-fixture';

const ROOT = resolve(__dirname, '../../..');

function ensureMysqlBundle(): void {
  if (!existsSync(resolve(ROOT, bundlePath('mysql')))) {
    execFileSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-lambdas.ts', 'mysql'], { cwd: ROOT });
  }
}

/** Data directories of the benchmark's database servers under /tmp. */
const benchDirs = () => readdirSync('/tmp').filter((name) => /^(pg-bench-|mariadb-bench-)/.test(name));

// The smoke pass of `npm run bench`: every benchmark at a tiny size, so they keep working. No figure is asserted,
// only that each figure has a measured PostgreSQL and mysql (MariaDB) row and that the benchmark's servers are gone
// afterwards.
describe('bench smoke pass', () => {
  it('writes RESULTS.md and results.json with the run metadata and every section, each with a method and measured PostgreSQL and mysql rows', async () => {
    ensureBundle();
    ensurePostgresBundle();
    ensureMysqlBundle();
    const benchDirsBefore = new Set(benchDirs());
    const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-test-'));

    await runBenchmarks({ smoke: true, outDir });

    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as BenchResults;
    const markdown = readFileSync(join(outDir, 'RESULTS.md'), 'utf8');
    expect(results.meta).toMatchObject({
      smoke: true,
      node: process.version,
      commit: expect.any(String),
      cpuModel: expect.any(String),
      cpuCount: expect.any(Number),
      memoryGiB: expect.any(Number),
    });
    expect(Number.isNaN(Date.parse(results.meta.date))).toBe(false);
    expect(Object.keys(results.sections).sort()).toEqual([...SECTION_KEYS].sort());
    for (const key of SECTION_KEYS) {
      const section = results.sections[key];
      expect(section.rows.length).toBeGreaterThan(0);
      expect(section.method.length).toBeGreaterThan(40);
      expect(markdown).toContain(`. ${section.title}\n`);
    }
    const calls = results.sections.calls.rows as { type: string; calls: number | null; getRandomPassword: number }[];
    expect(calls.find((row) => row.type === 'random-secret')?.calls).toBeGreaterThan(0);
    expect(calls.filter((row) => row.type.startsWith('postgres'))).toContainEqual(
      expect.objectContaining({ awsSample: 14 }),
    );
    expect(calls.filter((row) => row.type === 'mysql')).toContainEqual(expect.objectContaining({ awsSample: 14 }));
    // The postgres and mysql setups (one server each, a login per secret) give every figure a measured row.
    const measured = (key: SectionKey, field: string, name: string) =>
      (results.sections[key].rows as Record<string, unknown>[])
        .filter((row) => row[field] === name)
        .map((row) => ({ note: row.note, measured: Object.values(row).some((v) => typeof v === 'number' && v > 0) }));
    for (const [key, field, name] of [
      ['calls', 'type', 'postgres'],
      ['latency', 'type', 'postgres'],
      ['fleet', 'type', 'postgres'],
      ['coldStart', 'function', 'postgres'],
      ['memory', 'functionName', 'rotation-postgres'],
      ['calls', 'type', 'mysql'],
      ['latency', 'type', 'mysql'],
      ['fleet', 'type', 'mysql'],
      ['coldStart', 'function', 'mysql'],
      ['memory', 'functionName', 'rotation-mysql'],
    ] as const) {
      const rows = measured(key, field, name);
      expect({ key, rows }).toEqual({ key, rows: expect.arrayContaining([{ note: undefined, measured: true }]) });
      expect({ key, failed: rows.filter((row) => row.note !== undefined) }).toEqual({ key, failed: [] });
    }
    // Issue 7 sets fleet targets for random-secret and PostgreSQL only; the mysql fleet is a figure without one.
    expect(results.sections.fleet.targets?.map((check) => check.target.split(':')[0])).toEqual([
      'random-secret',
      'postgres',
    ]);
    expect(benchDirs().filter((name) => !benchDirsBefore.has(name))).toEqual([]);
  }, 120_000);

  it('on a machine without MariaDB, the mysql rows of calls, latency, fleet and memory say so and nothing is started', async () => {
    const notInstalled = benchTypes(() => undefined);
    const mysqlOnly = notInstalled.filter((type) => type.name === 'mysql');
    expect(mysqlOnly).toEqual([{ name: 'mysql', unavailable: expect.stringContaining('MariaDB not installed') }]);
    // The other types keep their setups.
    expect(notInstalled.filter((type) => type.setup !== undefined).map((type) => type.name)).toEqual([
      'random-secret',
      'iam-access-key',
      'postgres',
    ]);
    const benchDirsBefore = new Set(benchDirs());
    const invocations: ModeInvocation[] = [];
    const mysqlNotes = (rows: readonly { type: string; note?: string }[]) =>
      rows.filter((row) => row.type === 'mysql').map((row) => row.note);
    const notes = [
      ...mysqlNotes((await measureCalls(1, mysqlOnly)).section.rows),
      ...mysqlNotes((await measureLatency(1, invocations, mysqlOnly)).rows),
      ...mysqlNotes((await measureFleet(5, mysqlOnly)).rows),
      ...memorySection(invocations, mysqlOnly).rows.map((row) => row.note),
    ];
    expect(notes).toHaveLength(5);
    for (const note of notes) expect(note).toMatch(/^MariaDB not installed: apt-get install -y mariadb-server/);
    expect(benchDirs().filter((name) => !benchDirsBefore.has(name))).toEqual([]);
  });
});
