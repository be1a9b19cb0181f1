import { basename, dirname, extname } from 'node:path';
import { DEFAULT_MEMORY_MB, type FunctionDefinition } from './types';

/** Variables taken from the emulator's own environment; everything else of the parent stays out. */
const INHERITED = ['PATH', 'HOME', 'NODE_OPTIONS'] as const;

export interface FunctionEnvironmentInput {
  readonly definition: FunctionDefinition;
  readonly region: string;
  readonly base: Record<string, string>;
  readonly logStreamName: string;
  /** Where PATH, HOME and NODE_OPTIONS come from. */
  readonly parentEnv?: NodeJS.ProcessEnv;
}

/**
 * The environment of a function process, built from nothing as a Lambda sandbox is: PATH, HOME and
 * NODE_OPTIONS (when set), then the runner's base environment, then the function's own variables, then
 * the variables Lambda reserves (which a function cannot override on AWS either).
 */
export function buildFunctionEnvironment(input: FunctionEnvironmentInput): Record<string, string> {
  const { definition, region } = input;
  const parentEnv = input.parentEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = parentEnv[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  Object.assign(env, input.base, definition.environment ?? {});
  const moduleFile = basename(definition.modulePath, extname(definition.modulePath));
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: definition.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb ?? DEFAULT_MEMORY_MB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupNameOf(definition.name),
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: dirname(definition.modulePath),
    _HANDLER: `${moduleFile}.${definition.exportName}`,
    TZ: ':UTC',
  });
  return env;
}

/** `/aws/lambda/<name>` */
export function logGroupNameOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}
