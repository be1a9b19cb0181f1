/** Figure 6: peak resident memory of each function process during a rotation, from the runner's answers. */
import { rotationFunctionName } from '../lambdas/registry';
import type { InvocationRecord } from './emulator-harness';
import { type BenchType, benchTypes } from './secret-setups';
import { round } from './stats';
import { NOT_YET, type Section } from './types';

/** An invocation and the function mode of the emulator that ran it. */
export type ModeInvocation = InvocationRecord & { readonly mode: 'warm' | 'cold' };

export interface MemoryRow {
  readonly functionName: string;
  readonly mode: 'warm' | 'cold';
  readonly step: string;
  /** Highest peak RSS reported by the process after this step, in MiB; null when the function never ran. */
  readonly peakRssMiB: number | null;
  readonly invocations: number;
  readonly note?: string;
}

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Rows per function, mode (warm: processes reused; cold: a fresh process per step) and step. */
export function memorySection(
  invocations: readonly ModeInvocation[],
  types: readonly BenchType[] = benchTypes(),
): Section<MemoryRow> {
  const groups = new Map<string, { row: Omit<MemoryRow, 'peakRssMiB' | 'invocations'>; peaks: number[] }>();
  for (const record of invocations) {
    if (record.peakRssBytes === undefined) continue;
    const mode = record.mode;
    const key = `${record.functionName}|${mode}|${record.step}`;
    const group = groups.get(key) ?? { row: { functionName: record.functionName, mode, step: record.step }, peaks: [] };
    group.peaks.push(record.peakRssBytes);
    groups.set(key, group);
  }
  const measured: MemoryRow[] = [...groups.values()].map(({ row, peaks }) => ({
    ...row,
    peakRssMiB: round(Math.max(...peaks) / 1024 / 1024, 1),
    invocations: peaks.length,
  }));
  // A registered function that never ran (no setup, or its server is not installed) gets a row that says why.
  const missing: MemoryRow[] = types
    .filter((type) => !measured.some((row) => row.functionName === rotationFunctionName(type.name)))
    .map((type) => ({
      functionName: rotationFunctionName(type.name),
      mode: 'warm',
      step: '-',
      peakRssMiB: null,
      invocations: 0,
      note: type.unavailable ?? (type.setup === undefined ? NOT_YET : 'no invocation recorded (its benchmarks failed)'),
    }));
  const rows = [...measured, ...missing].sort(
    (a, b) =>
      a.functionName.localeCompare(b.functionName) ||
      a.mode.localeCompare(b.mode) ||
      STEPS.indexOf(a.step) - STEPS.indexOf(b.step),
  );
  return {
    title: 'Peak resident memory per function process',
    method:
      'The emulator runs each function in its own Node process and reports the process peak RSS ' +
      '(process.resourceUsage().maxRSS) with every answer; the table is the highest value seen after each step ' +
      'over the calls and latency runs. Warm processes accumulate over all their rotations; cold ones live for ' +
      'one step. Lambda bills against the configured memory (128 MB by default in our stacks).',
    rows,
  };
}
