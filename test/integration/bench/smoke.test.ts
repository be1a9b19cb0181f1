import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchResults, SECTION_KEYS, type SectionKey } from '../../../bench/report';
import { runBenchmarks } from '../../../bench/run-benchmarks';
import { ensureBundle } from '../emulator/rotation/emulator-fixture';
import { ensurePostgresBundle } from '../postgres/postgres-fixture';

// The smoke pass of `npm run bench`: every benchmark at a tiny size, so they keep working. No figure is asserted,
// only that each figure has a measured PostgreSQL row and that the benchmark's PostgreSQL is gone afterwards.
describe('bench smoke pass', () => {
  it('writes RESULTS.md and results.json with the run metadata and every section, each with a method and a measured PostgreSQL row', async () => {
    ensureBundle();
    ensurePostgresBundle();
    const benchDirsBefore = new Set(readdirSync('/tmp').filter((name) => name.startsWith('pg-bench-')));
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
    // The postgres setup (one embedded server, a role per secret) gives every figure a measured row.
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
    ] as const) {
      const rows = measured(key, field, name);
      expect({ key, rows }).toEqual({ key, rows: expect.arrayContaining([{ note: undefined, measured: true }]) });
      expect({ key, failed: rows.filter((row) => row.note !== undefined) }).toEqual({ key, failed: [] });
    }
    expect(readdirSync('/tmp').filter((name) => name.startsWith('pg-bench-') && !benchDirsBefore.has(name))).toEqual(
      [],
    );
  }, 60_000);
});
