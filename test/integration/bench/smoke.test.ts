import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchResults, SECTION_KEYS } from '../../../bench/report';
import { runBenchmarks } from '../../../bench/run-benchmarks';
import { ensureBundle } from '../emulator/rotation/emulator-fixture';

// The smoke pass of `npm run bench`: every benchmark at a tiny size, so they keep working. No figure is asserted.
describe('bench smoke pass', () => {
  it('writes RESULTS.md and results.json with the run metadata and every section, each with rows and a method', async () => {
    ensureBundle();
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
  }, 30_000);
});
