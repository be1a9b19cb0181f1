import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildFunctionEnvironment, logGroupNameOf } from './function-environment';
import { DEFAULT_MEMORY_MB, type FunctionDefinition, type FunctionLogSink } from './types';

/** The worker script is plain CommonJS next to this file, so it also runs from a compiled tree. */
const WORKER_PATH = join(__dirname, 'worker.cjs');

/** What one invocation produced, before the runner adds timing. */
export interface ProcessOutcome {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly peakRssBytes?: number;
}

interface WorkerOutcomeMessage {
  type: 'outcome';
  requestId: string;
  ok: boolean;
  resultJson?: string;
  errorType?: string;
  errorMessage?: string;
  peakRssBytes?: number;
  fatal?: boolean;
}

export interface FunctionProcessOptions {
  readonly definition: FunctionDefinition;
  readonly region: string;
  readonly baseEnvironment: Record<string, string>;
  readonly onLog: FunctionLogSink;
}

/** Every live function process of this Node process, killed if the parent exits without close(). */
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForParentExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const orphan of liveProcesses) orphan.kill('SIGKILL');
    });
  }
  liveProcesses.add(child);
}

/** `2026/11/23/[$LATEST]<32 hex>`, as Lambda names the log stream of one execution environment. */
function newLogStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** How Lambda words a runtime that died: Go's wording of the wait status, e.g. `signal: killed`. */
function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') return 'signal: killed';
  if (signal) return `signal: ${signal}`;
  return `exit status ${code ?? 'unknown'}`;
}

/**
 * One Node child process playing one Lambda execution environment: it runs one invocation at a time
 * and, once it has timed out, crashed or failed to initialise, is never used again.
 */
export class FunctionProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited (or failed to spawn). */
  readonly exited: Promise<void>;
  private isAlive = true;
  private usable = true;
  private pending?: { requestId: string; resolve: (outcome: ProcessOutcome) => void };
  private exitReason = 'exit status unknown';

  constructor(private readonly options: FunctionProcessOptions) {
    const { definition } = options;
    const logStreamName = newLogStreamName();
    const config = {
      functionName: definition.name,
      modulePath: definition.modulePath,
      exportName: definition.exportName,
      memoryMb: definition.memoryMb ?? DEFAULT_MEMORY_MB,
      logGroupName: logGroupNameOf(definition.name),
      logStreamName,
    };
    this.child = fork(WORKER_PATH, [JSON.stringify(config)], {
      execPath: process.execPath,
      // Not the parent's flags: under tsx or jest they would load loaders the function never sees on Lambda.
      execArgv: [],
      // Lambda runs handlers with the task root as the working directory.
      cwd: existsSync(dirname(definition.modulePath)) ? dirname(definition.modulePath) : undefined,
      env: buildFunctionEnvironment({
        definition,
        region: options.region,
        base: options.baseEnvironment,
        logStreamName,
      }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    trackForParentExit(this.child);
    this.forwardLines(this.child.stdout);
    this.forwardLines(this.child.stderr);
    this.exited = new Promise((resolve) => {
      const onGone = (reason: string) => {
        if (!this.isAlive) return;
        this.isAlive = false;
        this.usable = false;
        this.exitReason = reason;
        liveProcesses.delete(this.child);
        this.settle({ ok: false, errorType: 'Runtime.ExitError', errorMessage: this.exitMessage() });
        resolve();
      };
      this.child.once('exit', (code, signal) => onGone(exitDescription(code, signal)));
      // `on`, not `once`: a second 'error' (a failed send after a failed kill) must not go unhandled.
      this.child.on('error', (error) => {
        // Spawn failures emit 'error' without 'exit'; a failed kill also lands here while the process lives on.
        if (this.child.pid === undefined) onGone(`spawn failed: ${error.message}`);
      });
    });
    this.child.on('message', (message: WorkerOutcomeMessage) => this.onMessage(message));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.isAlive;
  }

  /** Alive, idle-able and never timed out, crashed or failed to initialise. */
  get reusable(): boolean {
    return this.usable && this.isAlive;
  }

  /** Runs one invocation. Never rejects: timeouts and crashes become failed outcomes. */
  invoke(requestId: string, event: unknown, invokedFunctionArn: string, timeoutMs: number): Promise<ProcessOutcome> {
    if (this.pending)
      throw new Error(`function process ${this.pid} is already running request ${this.pending.requestId}`);
    if (!this.reusable) {
      return Promise.resolve({ ok: false, errorType: 'Runtime.ExitError', errorMessage: this.exitMessage(requestId) });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.usable = false;
        this.settle({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        });
        this.kill();
      }, timeoutMs);
      this.pending = {
        requestId,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.child.send({ type: 'invoke', requestId, event, timeoutMs, invokedFunctionArn }, (error) => {
        // A broken channel cannot deliver the answer either: end the sandbox so that the exit settles this call.
        if (error) this.kill();
      });
    });
  }

  /** SIGKILL, as Lambda ends a sandbox. Safe to call on a dead process. */
  kill(): void {
    this.usable = false;
    if (this.isAlive) this.child.kill('SIGKILL');
  }

  private exitMessage(requestId = this.pending?.requestId): string {
    return `RequestId: ${requestId ?? 'none'} Error: Runtime exited with error: ${this.exitReason}`;
  }

  private onMessage(message: WorkerOutcomeMessage): void {
    if (message?.type !== 'outcome' || message.requestId !== this.pending?.requestId) return;
    if (message.fatal) this.usable = false;
    this.settle(
      message.ok
        ? { ok: true, result: JSON.parse(message.resultJson ?? 'null'), peakRssBytes: message.peakRssBytes }
        : {
            ok: false,
            errorType: message.errorType,
            errorMessage: message.errorMessage,
            peakRssBytes: message.peakRssBytes,
          },
    );
  }

  private settle(outcome: ProcessOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.resolve(outcome);
  }

  private forwardLines(stream: NodeJS.ReadableStream | null): void {
    if (!stream) return;
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => this.options.onLog(this.options.definition.name, line));
  }
}
