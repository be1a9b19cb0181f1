/** Renders benchmark results as Markdown (bench/RESULTS.md); the JSON twin is the same object. */
import type { Section, TargetCheck } from './types';

export interface BenchMeta {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  /** 1-minute load average when the run started and ended: other work on the machine skews timings. */
  readonly loadAverage: { readonly atStart: number; readonly atEnd: number };
  readonly smoke: boolean;
  readonly durationSeconds: number;
}

export interface BenchResults {
  readonly meta: BenchMeta;
  readonly sections: Readonly<Record<SectionKey, Section<object>>>;
}

/** Every section a results file has, in report order. */
export const SECTION_KEYS = ['calls', 'latency', 'fleet', 'coldStart', 'synth', 'memory'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'n/a';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k} ${String(v)}`).join(', ');
  }
  return String(value).replace(/\|/g, '\\|');
}

function table(rows: readonly object[]): string {
  if (rows.length === 0) return '_no rows_\n';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell((row as Record<string, unknown>)[c])).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function targets(checks: readonly TargetCheck[]): string {
  const mark = (met: boolean | null) => (met === null ? 'not measurable yet' : met ? 'met' : 'NOT met');
  return `${checks.map((check) => `- ${check.target}: **${mark(check.met)}** (${check.detail})`).join('\n')}\n`;
}

export function renderMarkdown(results: BenchResults): string {
  const { meta } = results;
  const parts = [
    `# Benchmark results${meta.smoke ? ' (smoke pass, not figures)' : ''}\n`,
    'Written by `npm run bench` (bench/run.ts); the same data is in `bench/results.json`. ' +
      'Issue 7 defines the figures and targets.\n',
    `- Date: ${meta.date}`,
    `- Commit: ${meta.commit}`,
    `- Node: ${meta.node} on ${meta.platform}`,
    `- Machine: ${meta.cpuCount} x ${meta.cpuModel}, ${meta.memoryGiB} GiB memory`,
    `- Load average (1 min): ${meta.loadAverage.atStart} at start, ${meta.loadAverage.atEnd} at end`,
    `- Run time: ${meta.durationSeconds} s\n`,
  ];
  SECTION_KEYS.forEach((key, i) => {
    const section = results.sections[key];
    parts.push(`## ${i + 1}. ${section.title}\n`, `How measured: ${section.method}\n`, table(section.rows));
    if (section.targets && section.targets.length > 0) parts.push('Targets:\n', targets(section.targets));
  });
  return parts.join('\n');
}
