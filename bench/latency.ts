/** Figure 2: time from RotateSecret to RotationSucceeded, per credential type, warm function processes. */

import { messageOf } from './calls';
import { createSecret, functionArnOf, rotateAndWait, startBenchEmulator } from './emulator-harness';
import type { ModeInvocation } from './memory';
import { type BenchType, benchTypes, type SecretSetup } from './secret-setups';
import { elapsedMs, median, quantile, round } from './stats';
import { NOT_YET, type Section } from './types';

export interface LatencyRow {
  readonly type: string;
  readonly rotations: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly note?: string;
}

const WARM_UP = 3;

async function latencyOf(
  typeName: string,
  setup: SecretSetup,
  rotations: number,
  invocations: ModeInvocation[],
): Promise<LatencyRow> {
  const bench = await startBenchEmulator();
  try {
    const functionArn = functionArnOf(bench, typeName);
    const arns: string[] = [];
    for (let i = 0; i < WARM_UP + rotations; i += 1) {
      arns.push(await createSecret(bench, `bench/latency/${typeName}/${i}`, await setup(bench, i)));
    }
    const times: number[] = [];
    for (const [i, arn] of arns.entries()) {
      const started = process.hrtime.bigint();
      const ok = await rotateAndWait(bench, arn, functionArn);
      if (!ok) throw new Error(`latency benchmark: rotation ${i} of type ${typeName} failed, expected success`);
      if (i >= WARM_UP) times.push(elapsedMs(started));
    }
    invocations.push(...bench.invocations.map((record) => ({ ...record, mode: 'warm' as const })));
    return {
      type: typeName,
      rotations: times.length,
      p50Ms: round(median(times)),
      p95Ms: round(quantile(times, 0.95)),
      maxMs: round(Math.max(...times)),
    };
  } finally {
    await bench.close();
  }
}

export async function measureLatency(
  rotations: number,
  invocations: ModeInvocation[],
  types: readonly BenchType[] = benchTypes(),
): Promise<Section<LatencyRow>> {
  const rows: LatencyRow[] = [];
  for (const type of types) {
    const empty = { type: type.name, rotations: 0, p50Ms: null, p95Ms: null, maxMs: null };
    if (!type.setup) rows.push({ ...empty, note: type.unavailable ?? NOT_YET });
    else {
      rows.push(
        await latencyOf(type.name, type.setup, rotations, invocations).catch((error: unknown) => ({
          ...empty,
          note: `failed: ${messageOf(error)}`,
        })),
      );
    }
  }
  if (!rows.some((row) => row.type === 'postgres')) {
    rows.push({ type: 'postgres (single user)', rotations: 0, p50Ms: null, p95Ms: null, maxMs: null, note: NOT_YET });
  }
  return {
    title: 'Rotation latency (RotateSecret to RotationSucceeded)',
    method:
      `In-process emulator, warm function processes; ${WARM_UP} warm-up rotations, then ${rotations} sequential ` +
      'rotations of distinct secrets, each timed with process.hrtime from sending RotateSecret (SDK v3 over HTTP) ' +
      'until the emulator emits RotationSucceeded for that secret. Nearest-rank percentiles. Local loopback: this ' +
      'is the overhead of our functions and the protocol, not AWS network latency.',
    rows,
  };
}
