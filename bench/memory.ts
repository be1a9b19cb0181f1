/** Figure 6: peak resident memory of each function process during a rotation, from the runner's answers. */
import type { InvocationRecord } from './emulator-harness';
import { round } from './stats';
import type { Section } from './types';

/** An invocation and the function mode of the emulator that ran it. */
export type ModeInvocation = InvocationRecord & { readonly mode: 'warm' | 'cold' };

export interface MemoryRow {
  readonly functionName: string;
  readonly mode: 'warm' | 'cold';
  readonly step: string;
  /** Highest peak RSS reported by the process after this step, in MiB. */
  readonly peakRssMiB: number;
  readonly invocations: number;
}

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Rows per function, mode (warm: processes reused; cold: a fresh process per step) and step. */
export function memorySection(invocations: readonly ModeInvocation[]): Section<MemoryRow> {
  const groups = new Map<string, { row: Omit<MemoryRow, 'peakRssMiB' | 'invocations'>; peaks: number[] }>();
  for (const record of invocations) {
    if (record.peakRssBytes === undefined) continue;
    const mode = record.mode;
    const key = `${record.functionName}|${mode}|${record.step}`;
    const group = groups.get(key) ?? { row: { functionName: record.functionName, mode, step: record.step }, peaks: [] };
    group.peaks.push(record.peakRssBytes);
    groups.set(key, group);
  }
  const rows: MemoryRow[] = [...groups.values()]
    .map(({ row, peaks }) => ({
      ...row,
      peakRssMiB: round(Math.max(...peaks) / 1024 / 1024, 1),
      invocations: peaks.length,
    }))
    .sort(
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
