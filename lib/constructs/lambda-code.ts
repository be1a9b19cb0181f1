import { join, resolve } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeRuntime } from '../nag-suppressions';

/** Repository root: lib/constructs/../.. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Supplies a function's code for a bundle name (a credential type, or `monitor`). Tests pass
 * `() => lambda.Code.fromInline(...)` so that synthesis needs no esbuild run; deployments leave it unset and
 * get real bundles.
 */
export type CodeProvider = (bundleName: string) => lambda.Code;

/** Runtime of every function: the newest Node.js LTS that Lambda runs and this project tests on. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** The foundation's bundle rules: one bundle per function, SDK inside, minified, ESM entry points first. */
export const BUNDLING = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  externalModules: [],
  target: 'node20',
} as const;

/** Settings shared by every function of the suite. */
export interface BundledFunctionProps {
  readonly bundleName: string;
  /** Handler source relative to the repository root; its `handler` export is the entry point. */
  readonly entry: string;
  readonly codeFor?: CodeProvider;
  readonly functionName?: string;
  readonly role: lambda.FunctionProps['role'];
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logGroup: logs.ILogGroup;
  readonly environment?: Record<string, string>;
  readonly description: string;
}

/**
 * A Node.js function: bundled with esbuild by `NodejsFunction` (CDK caches identical bundles, so one bundle
 * per type however many shards use it), or built from injected code.
 */
export function createBundledFunction(scope: Construct, id: string, props: BundledFunctionProps): lambda.Function {
  const common = {
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role: props.role,
    logGroup: props.logGroup,
    description: props.description,
    environment: props.environment,
    ...(props.functionName ? { functionName: props.functionName } : {}),
  };
  const fn = props.codeFor
    ? new lambda.Function(scope, id, { ...common, code: props.codeFor(props.bundleName), handler: 'index.handler' })
    : bundled(scope, id, common, props.entry);
  acknowledgeRuntime(fn);
  return fn;
}

function bundled(
  scope: Construct,
  id: string,
  common: Omit<lambda.FunctionProps, 'code' | 'handler'>,
  entry: string,
): lambda.Function {
  return new NodejsFunction(scope, id, {
    ...common,
    entry: join(REPO_ROOT, entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields], externalModules: [] },
  });
}

/** Props shared by the functions the stack runs on an EventBridge schedule (the monitor, the revocation sweeper). */
export interface ScheduledFunctionProps {
  /** EventBridge schedule expression, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  /** Rotation function names of this deployment start with this; only their secrets are looked at. */
  readonly rotationFunctionPrefix: string;
  readonly alarmActions: readonly cloudwatch.IAlarmAction[];
  readonly logRetention: logs.RetentionDays;
  /** @default - CloudFormation generates a name */
  readonly functionName?: string;
  /** @default - CloudFormation generates a name */
  readonly roleName?: string;
  /** @default - no permissions boundary */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** @default - a real esbuild bundle */
  readonly codeFor?: CodeProvider;
}
