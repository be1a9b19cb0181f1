/** Figure 5: CDK synth time of the rotation stack for N managed secrets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CREDENTIAL_TYPES } from '../lambdas/registry';
import { validateConfig } from '../lib/config/validate-config';
import { RotationStack } from '../lib/rotation-stack';
import { elapsedMs, round } from './stats';
import type { Section } from './types';

export interface SynthRow {
  readonly secrets: number;
  readonly ms: number;
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

function synthOnce(count: number): SynthRow {
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
    return { secrets: count, ms: round(elapsedMs(started)), nestedStacks: stack.shards.length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function measureSynth(counts: readonly number[]): Section<SynthRow> {
  // The first synth in a process pays for loading aws-cdk-lib modules; warm up so each row is synth work only.
  synthOnce(1);
  return {
    title: 'CDK synth time',
    method:
      'In the benchmark process (aws-cdk-lib already loaded by a 1-secret warm-up synth): new App, RotationStack ' +
      'from a validated config of N secrets (a quarter created by the stack, as in test/infra/scale.test.ts), then ' +
      'app.synth() writing the cloud assembly to a temp dir; one run per N. Function code is inline (no esbuild), so ' +
      'this is construct and template work only; `cdk synth` adds CLI start-up and bundling.',
    rows: counts.map((count) => synthOnce(count)),
  };
}
