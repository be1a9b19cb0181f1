/**
 * Figure 3: a fleet rotation with AWS's quotas enforced: RotateSecret on N random secrets through a
 * concurrency-limited driver that retries ThrottlingException with jittered exponential backoff.
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { messageOf } from './calls';
import {
  type BenchEmulator,
  createSecret,
  functionArnOf,
  startBenchEmulator,
  WRITE_OPERATIONS,
} from './emulator-harness';
import { type BenchType, benchTypes, type SecretSetup } from './secret-setups';
import { elapsedMs, round } from './stats';
import { NOT_YET, type Section, type TargetCheck } from './types';

/** 50 writes per second per account and Region, two writes per rotation. */
export const ROTATION_CEILING_PER_SECOND = 25;
/** Rotations in flight at once: enough to keep the write bucket busy, few enough not to pile up retries. */
const IN_FLIGHT = 16;
const MAX_DRIVER_ATTEMPTS = 10;

export interface FleetRow {
  readonly type: string;
  readonly secrets: number;
  readonly succeeded: number | null;
  readonly failed: number | null;
  readonly seconds: number | null;
  readonly rotationsPerSecond: number | null;
  /** rotationsPerSecond / 25. */
  readonly shareOfCeiling: number | null;
  /** RotateSecret requests refused with ThrottlingException and retried by the driver. */
  readonly driverThrottles: number | null;
  /** Secrets Manager calls answered ThrottlingException in total (driver and functions). */
  readonly throttledCalls: number | null;
  readonly callsPerRotation: number | null;
  readonly writesPerRotation: number | null;
  readonly note?: string;
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

async function rotateWithRetries(bench: BenchEmulator, arn: string, functionArn: string, throttles: { n: number }) {
  const expected = bench.expectRotation(arn);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await bench.sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: functionArn }));
      break;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'ThrottlingException' || attempt >= MAX_DRIVER_ATTEMPTS) throw error;
      throttles.n += 1;
      await sleep(Math.random() * Math.min(2000, 50 * 2 ** attempt));
    }
  }
  expected.started();
  return expected.done;
}

async function runFleet(typeName: string, setup: SecretSetup, secrets: number): Promise<FleetRow> {
  const bench = await startBenchEmulator();
  try {
    const functionArn = functionArnOf(bench, typeName);
    const arns: string[] = [];
    for (let i = 0; i < secrets; i += 1)
      arns.push(await createSecret(bench, `bench/fleet/${typeName}/${i}`, await setup(bench, i)));
    bench.emulator.calls.clear();
    const quotas = bench.emulator.quotas;
    const allow = quotas.allow.bind(quotas);
    let throttledCalls = 0;
    quotas.allow = (service, operation) => {
      const allowed = allow(service, operation);
      if (!allowed) throttledCalls += 1;
      return allowed;
    };
    quotas.setEnabled(true);
    const throttles = { n: 0 };
    let next = 0;
    let succeeded = 0;
    let failed = 0;
    const started = process.hrtime.bigint();
    const worker = async () => {
      while (next < arns.length) {
        const arn = arns[next];
        next += 1;
        try {
          if (await rotateWithRetries(bench, arn, functionArn, throttles)) succeeded += 1;
          else failed += 1;
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, secrets) }, worker));
    const seconds = elapsedMs(started) / 1000;
    quotas.setEnabled(false);
    const ops = bench.emulator.calls.snapshot().services.secretsmanager ?? {};
    const total = Object.values(ops).reduce((sum, n) => sum + n, 0);
    const writes = Object.entries(ops).reduce((sum, [op, n]) => sum + (WRITE_OPERATIONS.has(op) ? n : 0), 0);
    const perSecond = succeeded / seconds;
    return {
      type: typeName,
      secrets,
      succeeded,
      failed,
      seconds: round(seconds),
      rotationsPerSecond: round(perSecond),
      shareOfCeiling: round(perSecond / ROTATION_CEILING_PER_SECOND, 3),
      driverThrottles: throttles.n,
      throttledCalls,
      callsPerRotation: round(total / secrets),
      writesPerRotation: round(writes / secrets),
    };
  } finally {
    await bench.close();
  }
}

/** Issue 7's fleets, 1,000 random secrets and 200 PostgreSQL ones, and a mysql fleet the size of PostgreSQL's. */
const FLEETS: readonly { readonly type: string; readonly share: number; readonly hasTarget: boolean }[] = [
  { type: 'random-secret', share: 1, hasTarget: true },
  { type: 'postgres', share: 1 / 5, hasTarget: true },
  { type: 'mysql', share: 1 / 5, hasTarget: false },
];

export async function measureFleet(
  secrets: number,
  types: readonly BenchType[] = benchTypes(),
): Promise<Section<FleetRow>> {
  const rows: FleetRow[] = [];
  const empty = { succeeded: null, failed: null, seconds: null, rotationsPerSecond: null, shareOfCeiling: null };
  const emptyCounts = { driverThrottles: null, throttledCalls: null, callsPerRotation: null, writesPerRotation: null };
  const fleetOf = async (type: string, count: number, benchType?: BenchType): Promise<FleetRow> => {
    const setup = benchType?.setup;
    if (!setup) return { type, secrets: count, ...empty, ...emptyCounts, note: benchType?.unavailable ?? NOT_YET };
    return runFleet(type, setup, count).catch((error: unknown) => ({
      type,
      secrets: count,
      ...empty,
      ...emptyCounts,
      note: `failed: ${messageOf(error)}`,
    }));
  };
  // Each database secret has its own login (role or user) on one server per run.
  for (const fleet of FLEETS) {
    const count = Math.max(1, Math.round(secrets * fleet.share));
    rows.push(
      await fleetOf(
        fleet.type,
        count,
        types.find((type) => type.name === fleet.type),
      ),
    );
  }
  return {
    title: 'Fleet rotation under AWS quotas',
    method:
      `In-process emulator with AWS's Secrets Manager quotas enforced (token buckets on real time; writes 50/s). ` +
      'Secrets are created first with quotas off; then a driver keeps ' +
      `${IN_FLIGHT} rotations in flight, sending RotateSecret (retrying ThrottlingException up to ` +
      `${MAX_DRIVER_ATTEMPTS} times with full-jitter exponential backoff) and waiting for each rotation's ` +
      'RotationSucceeded before starting the next. The functions rely on their own SDK retries; the emulator ' +
      'retries a failed rotation twice. Rate = succeeded rotations / wall time from the first RotateSecret to the ' +
      `last completion; ceiling ${ROTATION_CEILING_PER_SECOND}/s = 50 writes/s / 2 writes per rotation. The write bucket ` +
      'starts full (a burst of 50 writes in the emulator), so a run can slightly exceed the sustained ceiling. ' +
      'postgres: a fifth as many secrets, each its own login role on one embedded PostgreSQL (plaintext on ' +
      '127.0.0.1), so every rotation also logs into a real server and runs ALTER ROLE; the emulator runs at most 4 ' +
      'processes per function, so at most 4 rotation steps touch the database at once. mysql: the same as ' +
      'postgres with a user per secret on one throwaway MariaDB (SET PASSWORD); issue 7 sets no target for it, ' +
      'so its row is a figure only.',
    rows,
    targets: fleetTargets(rows.filter((row) => FLEETS.find((fleet) => fleet.type === row.type)?.hasTarget === true)),
  };
}

function fleetTargets(rows: readonly FleetRow[]): TargetCheck[] {
  return rows.map((row) => ({
    target: `${row.type}: at least 90% of the 25/s ceiling and zero failed rotations`,
    met: row.shareOfCeiling === null ? null : row.shareOfCeiling >= 0.9 && row.failed === 0,
    detail:
      row.shareOfCeiling === null
        ? (row.note ?? NOT_YET)
        : `${row.rotationsPerSecond}/s (${round((row.shareOfCeiling ?? 0) * 100, 1)}%), ${row.failed} failed`,
  }));
}
