import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { bundlePath, CREDENTIAL_TYPES, rotationFunctionName } from '../../lambdas/registry';
import { FunctionNotFoundError } from './errors';
import { FunctionPool } from './function-pool';
import { assertFunctionName, functionArnOf, functionNameOf, parseFunctionSpec } from './function-spec';
import {
  DEFAULT_MAX_PROCESSES_PER_FUNCTION,
  type FunctionDefinition,
  type FunctionLogSink,
  type FunctionRunnerOptions,
  type InvokeResult,
} from './types';

const stderrSink: FunctionLogSink = (functionName, line) => {
  process.stderr.write(`[${functionName}] ${line}\n`);
};

/**
 * Runs Lambda functions for the emulator, each in its own Node child process that stays warm between
 * invocations (or a fresh one per invocation with `cold: true`), with Lambda's context, environment,
 * timeout and error shapes.
 *
 * Concurrency: one process runs one invocation at a time, as a Lambda execution environment does. Concurrent
 * invocations of one function get up to `maxProcessesPerFunction` (default 4) processes; further ones queue
 * in arrival order rather than fail, so that local runs never see throttling the emulator invented.
 *
 * @example
 * const runner = new FunctionRunner({ account, region, environment: { AWS_ENDPOINT_URL: url }, cold: false });
 * runner.registerBuiltIns(repoRoot);
 * const outcome = await runner.invoke(runner.functionArn('rotation-random-secret'), event);
 * await runner.close();
 */
export class FunctionRunner {
  /** Parses a `--function` value: `<name>=<module path>#<export>`, the export defaulting to `handler`. */
  static parseFunctionSpec(spec: string): FunctionDefinition {
    return parseFunctionSpec(spec);
  }

  private readonly pools = new Map<string, FunctionPool>();
  /** Closes of pools replaced by register(), awaited by close() so that none of their processes outlives it. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly onLog: FunctionLogSink;
  private readonly maxProcesses: number;

  constructor(private readonly options: FunctionRunnerOptions) {
    this.onLog = options.onLog ?? stderrSink;
    this.maxProcesses = options.maxProcessesPerFunction ?? DEFAULT_MAX_PROCESSES_PER_FUNCTION;
    if (!Number.isInteger(this.maxProcesses) || this.maxProcesses < 1) {
      throw new RangeError(`maxProcessesPerFunction must be a positive integer, got ${this.maxProcesses}`);
    }
  }

  /** Adds a function, or replaces one of the same name (its old processes are killed). */
  register(definition: FunctionDefinition): void {
    assertFunctionName(definition.name);
    if (definition.timeoutMs !== undefined && !(definition.timeoutMs > 0)) {
      throw new RangeError(`function ${definition.name} timeoutMs must be positive, got ${definition.timeoutMs}`);
    }
    const previous = this.pools.get(definition.name);
    this.pools.set(
      definition.name,
      new FunctionPool({
        definition: { ...definition },
        region: this.options.region,
        baseEnvironment: this.options.environment,
        onLog: this.onLog,
        cold: this.options.cold,
        maxProcesses: this.maxProcesses,
      }),
    );
    if (previous) {
      const closing = previous.close();
      this.retiring.add(closing);
      void closing.then(() => this.retiring.delete(closing));
    }
  }

  /** Registers `rotation-<type>` for every credential type, pointing at `<repoRoot>/dist/lambdas/<type>/index.js#handler`. */
  registerBuiltIns(repoRoot: string): void {
    for (const type of CREDENTIAL_TYPES) {
      this.register({
        name: rotationFunctionName(type.name),
        modulePath: resolve(repoRoot, bundlePath(type.name)),
        exportName: 'handler',
      });
    }
  }

  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  functionArn(name: string): string {
    return functionArnOf(this.options.region, this.options.account, name);
  }

  /** Whether a full ARN (with or without a `$LATEST`/alias qualifier), partial ARN or bare name is registered here. */
  has(functionArn: string): boolean {
    return this.poolOf(functionArn) !== undefined;
  }

  /**
   * Invokes a function synchronously (RequestResponse). Function errors, timeouts and crashes resolve as
   * `{ ok: false }`; rejects with FunctionNotFoundError for an unknown function and FunctionRunnerClosedError
   * after close().
   */
  async invoke(functionArn: string, event: unknown): Promise<InvokeResult> {
    const pool = this.poolOf(functionArn);
    if (!pool) throw new FunctionNotFoundError(functionArn);
    const invokedArn = functionArn.startsWith('arn:') ? functionArn : this.functionArn(pool.definition.name);
    return pool.invoke(randomUUID(), event, invokedArn);
  }

  /** Test hook: SIGKILLs every live process of a function (also mid-invocation); returns the killed ids. */
  killFunctionProcess(name: string): number[] {
    return this.pools.get(name)?.killAll() ?? [];
  }

  /** Ids of a function's live processes (none before its first invocation, nor in cold mode between invocations). */
  processIds(name: string): number[] {
    return this.pools.get(name)?.processIds() ?? [];
  }

  /** Kills every process; resolves when they have exited. Invocations in progress resolve as failed. */
  async close(): Promise<void> {
    await Promise.all([...[...this.pools.values()].map((pool) => pool.close()), ...this.retiring]);
  }

  private poolOf(reference: string): FunctionPool | undefined {
    const name = functionNameOf(reference, this.options.region, this.options.account);
    return name === undefined ? undefined : this.pools.get(name);
  }
}
