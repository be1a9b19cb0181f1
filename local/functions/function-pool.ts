import { performance } from 'node:perf_hooks';
import { FunctionRunnerClosedError } from './errors';
import { FunctionProcess } from './function-process';
import { DEFAULT_TIMEOUT_MS, type FunctionDefinition, type FunctionLogSink, type InvokeResult } from './types';

export interface FunctionPoolOptions {
  readonly definition: FunctionDefinition;
  readonly region: string;
  readonly baseEnvironment: Record<string, string>;
  readonly onLog: FunctionLogSink;
  readonly cold: boolean;
  readonly maxProcesses: number;
}

/**
 * The execution environments of one function. Like Lambda, one process runs one invocation at a time;
 * concurrent invocations get extra processes up to `maxProcesses`, and beyond that wait their turn in
 * arrival order (Lambda would scale further or throttle; a small bound keeps a laptop responsive).
 * Warm mode keeps processes for reuse; cold mode kills each one after its single invocation.
 */
export class FunctionPool {
  private readonly processes = new Set<FunctionProcess>();
  private readonly idle: FunctionProcess[] = [];
  private readonly waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private running = 0;
  private closed = false;

  constructor(private readonly options: FunctionPoolOptions) {}

  get definition(): FunctionDefinition {
    return this.options.definition;
  }

  /** Runs one invocation; resolves with its outcome, rejects only when the pool is closed. */
  async invoke(requestId: string, event: unknown, invokedFunctionArn: string): Promise<InvokeResult> {
    await this.acquireSlot();
    try {
      if (this.closed) throw new FunctionRunnerClosedError(this.definition.name);
      const start = performance.now();
      let worker = this.options.cold ? undefined : this.takeIdle();
      const coldStart = worker === undefined;
      worker ??= this.spawn();
      const timeoutMs = this.definition.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const outcome = await worker.invoke(requestId, event, invokedFunctionArn, timeoutMs);
      const durationMs = performance.now() - start;
      if (this.options.cold) {
        // A cold invocation ends with its sandbox, so a caller never sees a finished process still listed.
        worker.kill();
        await worker.exited;
      } else if (this.closed || !worker.reusable) {
        worker.kill();
      } else {
        this.idle.push(worker);
      }
      return { ...outcome, durationMs, coldStart };
    } finally {
      this.releaseSlot();
    }
  }

  /** Process ids of this function's live processes. */
  processIds(): number[] {
    return [...this.processes].filter((p) => p.alive && p.pid !== undefined).map((p) => p.pid as number);
  }

  /** SIGKILLs every live process of this function, busy or idle; returns their ids. */
  killAll(): number[] {
    const pids = this.processIds();
    for (const worker of this.processes) worker.kill();
    return pids;
  }

  /** Refuses new and queued invocations, kills every process and resolves once all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new FunctionRunnerClosedError(this.definition.name));
    const exits = [...this.processes].map((worker) => worker.exited);
    this.killAll();
    await Promise.all(exits);
  }

  private spawn(): FunctionProcess {
    const worker = new FunctionProcess({
      definition: this.definition,
      region: this.options.region,
      baseEnvironment: this.options.baseEnvironment,
      onLog: this.options.onLog,
    });
    this.processes.add(worker);
    void worker.exited.then(() => this.processes.delete(worker));
    return worker;
  }

  private takeIdle(): FunctionProcess | undefined {
    while (this.idle.length > 0) {
      // Most recently used first: its caches are the warmest, as Lambda tends to pick.
      const worker = this.idle.pop() as FunctionProcess;
      if (worker.reusable) return worker;
    }
    return undefined;
  }

  private acquireSlot(): Promise<void> {
    if (this.closed) return Promise.reject(new FunctionRunnerClosedError(this.definition.name));
    if (this.running < this.options.maxProcesses) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next) next.resolve();
    else this.running--;
  }
}
