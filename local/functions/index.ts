export { FunctionNotFoundError, FunctionRunnerClosedError } from './errors';
export { FunctionRunner } from './function-runner';
export { FunctionSpecError, functionArnOf, functionNameOf } from './function-spec';
export type {
  FunctionDefinition,
  FunctionLogSink,
  FunctionRunnerOptions,
  InvokeResult,
} from './types';
