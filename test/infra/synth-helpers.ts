import { join } from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CREDENTIAL_TYPES, type CredentialTypeEntry } from '../../lambdas/registry';
import { loadConfig } from '../../lib/config/load-config';
import type { RotationConfig } from '../../lib/config/schema';
import { type ValidateConfigOptions, validateConfig } from '../../lib/config/validate-config';
import { RotationStack, type RotationStackProps } from '../../lib/rotation-stack';

export const EXAMPLE_CONFIG = join(__dirname, '..', '..', 'examples', 'rotation.config.json');

/** Inline code instead of esbuild bundles: the infra tests check templates, not bundles. */
export const inlineCode = (bundle: string) => lambda.Code.fromInline(`exports.handler = async () => '${bundle}';`);

/** Types with a config profile that may not be registered yet. */
const PLANNED_TYPES: readonly CredentialTypeEntry[] = [
  { name: 'postgres', entry: 'lambdas/postgres/handler.ts', description: 'test only' },
  { name: 'mysql', entry: 'lambdas/mysql/handler.ts', description: 'test only' },
];

/** The registry plus the planned types it lacks, registered only inside tests so their config paths can be exercised. */
export const WITH_PLANNED_TYPES: readonly CredentialTypeEntry[] = [
  ...CREDENTIAL_TYPES,
  ...PLANNED_TYPES.filter((planned) => !CREDENTIAL_TYPES.some((t) => t.name === planned.name)),
];

export function validateWithPlanned(raw: unknown, options: ValidateConfigOptions = {}): RotationConfig {
  return validateConfig(raw, { registeredTypes: WITH_PLANNED_TYPES.map((t) => t.name), ...options });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: RotationStack;
  readonly main: Template;
  /** Templates of the shard nested stacks, in shard order. */
  readonly shards: Template[];
  /** Every template (main first), for walkers. */
  readonly all: Template[];
}

export interface SynthOptions extends Partial<Omit<RotationStackProps, 'config'>> {
  readonly nag?: boolean;
  readonly outdir?: string;
}

/** Builds the stack for a config (with inline code) and returns its templates. */
export function synthesize(config: RotationConfig, options: SynthOptions = {}): Synthesized {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stack = new RotationStack(app, config.stackName, {
    config,
    codeFor: inlineCode,
    env: { account: '123456789012', region: 'us-east-1' },
    ...options,
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const main = Template.fromStack(stack);
  const shards = stack.shards.map((s) => Template.fromStack(s as unknown as Stack));
  return { app, stack, main, shards, all: [main, ...shards] };
}

export function synthesizeExample(options: SynthOptions = {}): Synthesized {
  return synthesize(loadConfig(EXAMPLE_CONFIG), options);
}

/** Every resource of the given type across templates, keyed `<template index>/<logical id>`. */
export function resourcesOf(
  templates: readonly Template[],
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  const out: Record<string, { Properties: Record<string, unknown> }> = {};
  templates.forEach((template, i) => {
    for (const [id, resource] of Object.entries(template.findResources(type))) {
      out[`${i}/${id}`] = resource as { Properties: Record<string, unknown> };
    }
  });
  return out;
}
