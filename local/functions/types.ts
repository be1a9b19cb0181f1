/** A function the emulator can invoke, as Lambda would run it. */
export interface FunctionDefinition {
  /** Function name, e.g. `rotation-random-secret`. */
  name: string;
  /** Absolute path to a CommonJS or ESM module. */
  modulePath: string;
  /** Name of the handler export, e.g. `handler`. */
  exportName: string;
  /**
   * Lambda's function timeout. On timeout the process is killed and the invocation fails.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Reported in the context and in `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`; not enforced.
   * @default 128
   */
  memoryMb?: number;
  /** The function's own environment variables, layered over the runner's base environment. */
  environment?: Record<string, string>;
}

/** The outcome of one invocation. A function error is a result, not a rejection. */
export interface InvokeResult {
  ok: boolean;
  /** The handler's JSON-serialized return value (`null` when it returned nothing). */
  result?: unknown;
  /** `err.name` of a handler error, or `Sandbox.Timedout`, `Runtime.ExitError`, `Runtime.ImportModuleError`... */
  errorType?: string;
  errorMessage?: string;
  /** Wall time in the parent, from sending the event to receiving the outcome (includes a cold start). */
  durationMs: number;
  /** Whether this invocation started the process that ran it. */
  coldStart: boolean;
  /** The function process's peak resident memory so far (for benchmarks). */
  peakRssBytes?: number;
}

/** Receives each line a function writes to stdout or stderr. */
export type FunctionLogSink = (functionName: string, line: string) => void;

export interface FunctionRunnerOptions {
  account: string;
  region: string;
  /** Base environment for every function: AWS_ENDPOINT_URL etc. pointing at the emulator, credentials, region. */
  environment: Record<string, string>;
  /** true: a fresh process for every invocation (--cold-functions); false: one warm process per function, reused. */
  cold: boolean;
  /**
   * Where function logs go.
   * @default - each line goes to the parent's stderr, prefixed with `[<function name>] `
   */
  onLog?: FunctionLogSink;
  /**
   * How many processes one function may run at once. Concurrent invocations beyond this wait in a queue.
   * @default 4
   */
  maxProcessesPerFunction?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_MAX_PROCESSES_PER_FUNCTION = 4;
