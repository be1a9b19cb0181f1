/** Figure 5: CDK synth time of the rotation stack for N managed secrets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CREDENTIAL_TYPES } from '../lambdas/registry';
import { validateConfig } from '../lib/config/validate-config';
import { RotationStack } from '../lib/rotation-stack';
import { elapsedMs, median, round } from './stats';
import type { Section } from './types';

export interface SynthRow {
  readonly secrets: number;
  /** Median over the runs. */
  readonly ms: number;
  readonly runs: number;
  readonly nestedStacks: number;
}

/** N secrets of the first registered type, a quarter created by the stack, as in test/infra/scale.test.ts. */
function configOf(count: number) {
  const type = CREDENTIAL_TYPES[0].name;
  return validateConfig({
    secrets: Array.from({ length: count }, (_, i) => ({
      name: `team-${String(i % 37).padStart(2, '0')}/service-${String(i).padStart(4, '0')}/api-signing-key`,
      type,
      create: i % 4 === 0,
      riskTier: (['high', 'standard', 'low'] as const)[i % 3],
      ...(type === 'random-secret' ? { settings: { format: 'hex', length: 64 } } : {}),
    })),
  });
}

function synthOnce(count: number): { ms: number; nestedStacks: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    const config = configOf(count);
    const started = process.hrtime.bigint();
    const app = new App({ outdir });
    const stack = new RotationStack(app, config.stackName, {
      config,
      codeFor: (bundle) => lambda.Code.fromInline(`exports.handler = async () => '${bundle}';`),
      env: { account: '123456789012', region: 'us-east-1' },
    });
    app.synth();
    return { ms: elapsedMs(started), nestedStacks: stack.shards.length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes each count `runs` times (after warm-up synths) and reports the median. */
export function measureSynth(counts: readonly number[], runs: number, warmUps: number): Section<SynthRow> {
  // The first synths in a process pay for loading and compiling aws-cdk-lib; warm up so each row is synth work.
  for (let i = 0; i < warmUps; i += 1) synthOnce(10);
  const rows = counts.map((count) => {
    const results = Array.from({ length: runs }, () => synthOnce(count));
    const ms = round(median(results.map((result) => result.ms)));
    return { secrets: count, ms, runs, nestedStacks: results[0].nestedStacks };
  });
  return {
    title: 'CDK synth time',
    method:
      `In the benchmark process, after ${warmUps} 10-secret warm-up synth(s) (module loading, JIT): new App, RotationStack ` +
      'from a validated config of N secrets (a quarter created by the stack, as in test/infra/scale.test.ts), then ' +
      `app.synth() writing the cloud assembly to a temp dir; median of ${runs} run(s) per N. Function code is ` +
      'inline (no esbuild), so this is construct and template work only; `cdk synth` adds CLI start-up and bundling.',
    rows,
  };
}
