/**
 * Figure 1: Secrets Manager calls per rotation, per credential type and operation, counted by the emulator,
 * with warm function processes and with a fresh process per step. Also hands back every invocation, whose
 * peak RSS makes figure 6.
 */

import {
  type BenchEmulator,
  createSecret,
  functionArnOf,
  rotateAndWait,
  startBenchEmulator,
  WRITE_OPERATIONS,
} from './emulator-harness';
import type { ModeInvocation } from './memory';
import { type BenchType, benchTypes, type SecretSetup } from './secret-setups';
import { round } from './stats';
import { NOT_YET, type Section, type TargetCheck } from './types';

/** Calls AWS's PostgreSQL single-user sample makes per rotation (../shared/PRIOR-ART-AWS-SAMPLES.md, B.3). */
export const AWS_SAMPLE_POSTGRES_CALLS = 14;
/** Calls AWS's MySQL single-user sample makes per rotation: the same structure and count as PostgreSQL's (B.5). */
export const AWS_SAMPLE_MYSQL_CALLS = 14;

export type FunctionMode = 'warm' | 'cold';

export interface CallsRow {
  readonly type: string;
  readonly mode: FunctionMode;
  /** Secrets Manager calls made by the function in one rotation (RotateSecret itself excluded); null when not measured. */
  readonly calls: number | null;
  readonly writes: number | null;
  readonly getRandomPassword: number | null;
  readonly perOperation: Readonly<Record<string, number>>;
  /** Calls to other services (IAM, STS, RDS Data API) in the same rotation, as `service:Operation`. */
  readonly otherServices: Readonly<Record<string, number>>;
  /** Rotations measured; every one must give the same counts. */
  readonly rotations: number;
  readonly consistent: boolean;
  /** The AWS sample's count for the comparable function, when there is one. */
  readonly awsSample: number | null;
  /** calls / awsSample, when both are known. */
  readonly ratioToSample: number | null;
  readonly note?: string;
}

/** The AWS sample's call count for our types that have a comparable sample function. */
const SAMPLE_CALLS: Readonly<Record<string, number>> = {
  postgres: AWS_SAMPLE_POSTGRES_CALLS,
  mysql: AWS_SAMPLE_MYSQL_CALLS,
};

async function countOne(bench: BenchEmulator, type: string, setup: SecretSetup, index: number) {
  const arn = await createSecret(bench, `bench/calls/${type}/${index}`, await setup(bench, index));
  bench.emulator.calls.clear();
  const ok = await rotateAndWait(bench, arn, functionArnOf(bench, type));
  if (!ok) throw new Error(`calls benchmark: rotation ${index} of type ${type} failed, expected it to succeed`);
  const { services } = bench.emulator.calls.snapshot();
  const perOperation = { ...(services.secretsmanager ?? {}) };
  // RotateSecret is the caller's request, not the function's.
  perOperation.RotateSecret = (perOperation.RotateSecret ?? 0) - 1;
  if (perOperation.RotateSecret === 0) delete perOperation.RotateSecret;
  const otherServices: Record<string, number> = {};
  for (const [service, ops] of Object.entries(services)) {
    if (service === 'secretsmanager') continue;
    for (const [op, n] of Object.entries(ops)) otherServices[`${service}:${op}`] = n;
  }
  return { perOperation, otherServices };
}

async function measureMode(
  type: string,
  setup: SecretSetup,
  mode: FunctionMode,
  rotations: number,
  invocations: ModeInvocation[],
) {
  const bench = await startBenchEmulator({ coldFunctions: mode === 'cold' });
  try {
    // A first rotation starts the warm process; it is not counted.
    await countOne(bench, type, setup, 0);
    const runs: { perOperation: Record<string, number>; otherServices: Record<string, number> }[] = [];
    for (let i = 1; i <= rotations; i += 1) runs.push(await countOne(bench, type, setup, i));
    invocations.push(...bench.invocations.map((record) => ({ ...record, mode })));
    const key = (run: (typeof runs)[number]) =>
      JSON.stringify([Object.entries(run.perOperation).sort(), Object.entries(run.otherServices).sort()]);
    const last = runs[runs.length - 1];
    const { perOperation, otherServices } = last;
    const sum = (pick: (op: string) => boolean) =>
      Object.entries(perOperation).reduce((total, [op, n]) => total + (pick(op) ? n : 0), 0);
    return {
      type,
      mode,
      calls: sum(() => true),
      writes: sum((op) => WRITE_OPERATIONS.has(op)),
      getRandomPassword: perOperation.GetRandomPassword ?? 0,
      perOperation,
      otherServices,
      rotations: runs.length,
      consistent: runs.every((run) => key(run) === key(last)),
      awsSample: SAMPLE_CALLS[type] ?? null,
      ratioToSample: SAMPLE_CALLS[type] === undefined ? null : round(sum(() => true) / SAMPLE_CALLS[type], 2),
    } satisfies CallsRow;
  } finally {
    await bench.close();
  }
}

export async function measureCalls(
  rotations: number,
  types: readonly BenchType[] = benchTypes(),
): Promise<{ section: Section<CallsRow>; invocations: ModeInvocation[] }> {
  const invocations: ModeInvocation[] = [];
  const rows: CallsRow[] = [];
  for (const type of types) {
    for (const mode of ['warm', 'cold'] as const) {
      if (type.setup) {
        const setup = type.setup;
        rows.push(
          await measureMode(type.name, setup, mode, rotations, invocations).catch((error: unknown) =>
            notYet(type.name, mode, SAMPLE_CALLS[type.name] ?? null, `failed: ${messageOf(error)}`),
          ),
        );
      } else if (type.unavailable !== undefined) {
        rows.push(unavailable(type.name, mode, SAMPLE_CALLS[type.name] ?? null, type.unavailable));
      } else rows.push(notYet(type.name, mode, null, 'no benchmark setup for this type yet (bench/secret-setups.ts)'));
    }
  }
  if (!rows.some((row) => row.type === 'postgres')) {
    for (const mode of ['warm', 'cold'] as const) {
      rows.push(notYet('postgres', mode, AWS_SAMPLE_POSTGRES_CALLS, 'no PostgreSQL function registered'));
    }
  }
  return {
    invocations,
    section: {
      title: 'Secrets Manager calls per rotation',
      method:
        'In-process emulator; per type, one rotation to start the function, then ' +
        `${rotations} rotations of fresh secrets, each counted by the emulator's call counter ` +
        '(zeroed after CreateSecret) from RotateSecret until the RotationSucceeded event; the RotateSecret request ' +
        'itself is not counted. "warm": one function process runs all four steps (the emulator default); "cold": ' +
        '`coldFunctions`, a fresh process per step. Writes are calls in the 50/s write bucket ' +
        `(${[...WRITE_OPERATIONS].join(', ')}). The AWS sample column is the count read from its code ` +
        '(shared/PRIOR-ART-AWS-SAMPLES.md, PostgreSQL single user, first rotation). postgres: single user, one ' +
        'embedded PostgreSQL per benchmark run (local/databases/embedded-postgres.ts), one login role per secret, ' +
        'secrets in AWS\'s RDS format with "ssl": false on 127.0.0.1; "otherServices" stays empty because the ' +
        'database is reached directly, not through an AWS API. mysql: the same with one throwaway MariaDB per run ' +
        "(local/databases/mariadb.ts, Debian's mariadb-server binaries), one user on 127.0.0.1 per secret, " +
        '"engine": "mariadb"; its AWS sample column is the MySQL single-user sample (B.5: the same 14 calls). The ' +
        'issue sets targets for PostgreSQL only, so the mysql rows are figures without targets.',
      rows,
      targets: callTargets(rows),
    },
  };
}

/** An error's message for a results note (errors here come from the SDK or the benchmark, never carry secrets). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notYet(type: string, mode: FunctionMode, awsSample: number | null, note: string): CallsRow {
  return unavailable(type, mode, awsSample, note.startsWith('failed') ? note : `${NOT_YET}: ${note}`);
}

/** A row that could not be measured, with its note as given. */
function unavailable(type: string, mode: FunctionMode, awsSample: number | null, note: string): CallsRow {
  return {
    type,
    mode,
    calls: null,
    writes: null,
    getRandomPassword: null,
    perOperation: {},
    otherServices: {},
    rotations: 0,
    consistent: true,
    awsSample,
    ratioToSample: null,
    note,
  };
}

function consistency(row: CallsRow | undefined): string {
  return row?.consistent === false ? ', NOT the same in every rotation' : '';
}

function callTargets(rows: readonly CallsRow[]): TargetCheck[] {
  const measured = rows.filter((row) => row.calls !== null);
  const pg = (mode: FunctionMode) => rows.find((row) => row.type === 'postgres' && row.mode === mode);
  // The benchmark keeps the default (AWSPENDING stays after finishSecret), so the targets without the removal apply.
  const pgCheck = (target: string, mode: FunctionMode, field: 'calls' | 'writes', ok: (n: number) => boolean) => {
    const row = pg(mode);
    const value = row?.[field] ?? null;
    const check: TargetCheck =
      value === null
        ? { target, met: null, detail: row?.note ?? `${NOT_YET}: no PostgreSQL row` }
        : { target, met: ok(value) && row?.consistent === true, detail: `${value} ${field}${consistency(row)}` };
    return check;
  };
  return [
    pgCheck(
      'PostgreSQL single user: at most 7 calls warm (8 if finishSecret removes AWSPENDING)',
      'warm',
      'calls',
      (n) => n <= 7,
    ),
    pgCheck('PostgreSQL single user: at most 10 calls cold', 'cold', 'calls', (n) => n <= 10),
    pgCheck(
      'PostgreSQL single user: exactly 2 writes warm (3 with AWSPENDING removal)',
      'warm',
      'writes',
      (n) => n === 2,
    ),
    pgCheck('PostgreSQL single user: exactly 2 writes cold', 'cold', 'writes', (n) => n === 2),
    {
      target: 'No GetRandomPassword anywhere',
      met: measured.length > 0 ? measured.every((row) => row.getRandomPassword === 0) : null,
      detail: measured.map((row) => `${row.type} ${row.mode}: ${row.getRandomPassword}`).join('; '),
    },
  ];
}
