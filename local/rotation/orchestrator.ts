import { randomUUID } from 'node:crypto';
import type { FunctionInvoker, InvocationOutcome, RotationEmit, RotationStorePort } from './ports';
import type { RotationRun, RotationStepRecord, RotationTrigger } from './rotation-run';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** How many times a failed rotation is retried after the first attempt (AWS does not document its count). */
export const DEFAULT_ROTATION_RETRIES = 2;
/** Delay before the first retry; it doubles for each further retry. */
export const DEFAULT_RETRY_BACKOFF_MS = 100;
/** Run records kept for `GET /_emulator/rotations`; the oldest finished ones go first (benchmarks run thousands). */
export const MAX_KEPT_RUNS = 10_000;

export interface RotationRequest {
  readonly secretArn: string;
  readonly token: string;
  readonly functionArn: string;
  readonly rotateImmediately: boolean;
  readonly trigger?: RotationTrigger;
}

export interface RotationOrchestratorOptions {
  readonly invoker: FunctionInvoker;
  readonly store: RotationStorePort;
  readonly emit: RotationEmit;
  readonly now: () => Date;
  /** Retries after a failed attempt (default DEFAULT_ROTATION_RETRIES). */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** Called after rotation changed stored state itself, so that it can be persisted. */
  readonly onStateChange?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs rotations as Secrets Manager does, asynchronously after RotateSecret returned: the four steps in order,
 * each only after the previous one returned, with the same SecretId (ARN), ClientRequestToken and RotationToken;
 * a failed step fails the attempt, records RotationFailed and retries the whole rotation, leaving AWSPENDING
 * wherever the function left it (AWS-BEHAVIOUR.md 4.3 to 4.5).
 */
export class RotationOrchestrator {
  private readonly runs: RotationRun[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly retries: number;
  private readonly backoffMs: number;
  private stopped = false;

  constructor(private readonly options: RotationOrchestratorOptions) {
    this.retries = options.retries ?? DEFAULT_ROTATION_RETRIES;
    this.backoffMs = options.backoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  }

  /** Starts a rotation in the background and returns its run record (a live object). */
  start(request: RotationRequest): RotationRun {
    const run: RotationRun = {
      id: randomUUID(),
      secretArn: request.secretArn,
      token: request.token,
      rotationToken: randomUUID(),
      functionArn: request.functionArn,
      kind: request.rotateImmediately ? 'rotation' : 'test',
      trigger: request.trigger ?? 'api',
      status: 'running',
      attempts: 0,
      startedAt: this.options.now().toISOString(),
      steps: [],
    };
    this.runs.push(run);
    if (this.runs.length > MAX_KEPT_RUNS) this.forgetOldestFinished();
    const work = (run.kind === 'rotation' ? this.rotate(run) : this.test(run))
      .catch((error: unknown) => {
        run.status = 'failed';
        run.steps.push({ attempt: run.attempts, step: 'orchestration', status: 'failed', errorMessage: String(error) });
      })
      .finally(() => {
        run.finishedAt = this.options.now().toISOString();
        this.inFlight.delete(run.id);
      });
    this.inFlight.set(run.id, work);
    return run;
  }

  /** True while a rotation of this secret is running. */
  isRunning(secretArn: string): boolean {
    return this.runs.some((run) => run.secretArn === secretArn && run.status === 'running');
  }

  list(): readonly RotationRun[] {
    return this.runs;
  }

  /** Resolves when every rotation started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Stops retrying (emulator shutdown): running rotations end as cancelled after their current step. */
  shutdown(): void {
    this.stopped = true;
  }

  private forgetOldestFinished(): void {
    const index = this.runs.findIndex((run) => run.status !== 'running');
    if (index >= 0) this.runs.splice(index, 1);
  }

  /** Forgets finished runs (running ones finish on their own). */
  clear(): void {
    for (let i = this.runs.length - 1; i >= 0; i -= 1) if (this.runs[i].status !== 'running') this.runs.splice(i, 1);
  }

  private async rotate(run: RotationRun): Promise<void> {
    const requestId = `Rotation-${run.secretArn}-${run.rotationToken}`;
    for (let attempt = 1; attempt <= this.retries + 1; attempt += 1) {
      if (this.stopped || !this.options.store.isActive(run.secretArn, run.token)) {
        run.status = 'cancelled';
        return;
      }
      run.attempts = attempt;
      this.options.emit('RotationStarted', run.secretArn, undefined, requestId);
      const failedStep = await this.runSteps(run, attempt, ROTATION_STEPS);
      if (failedStep === undefined) {
        this.options.store.markRotated(run.secretArn);
        await this.options.onStateChange?.();
        run.status = 'succeeded';
        this.options.emit('RotationSucceeded', run.secretArn, undefined, requestId);
        return;
      }
      if (this.stopped) {
        // The emulator is shutting down and killed the function: not a failure of the rotation itself.
        run.status = 'cancelled';
        return;
      }
      const message = `Error when executing lambda ${run.functionArn} during ${failedStep} step`;
      this.options.emit('RotationFailed', run.secretArn, message, requestId);
      if (attempt <= this.retries) await sleep(this.backoffMs * 2 ** (attempt - 1));
    }
    run.status = 'failed';
  }

  private async test(run: RotationRun): Promise<void> {
    const requestId = `TestRotation-${run.secretArn}-${run.rotationToken}`;
    run.attempts = 1;
    this.options.store.addTestVersion(run.secretArn, run.token);
    await this.options.onStateChange?.();
    this.options.emit('TestRotationStarted', run.secretArn, undefined, requestId);
    try {
      const failedStep = await this.runSteps(run, 1, ['testSecret']);
      run.status = failedStep === undefined ? 'succeeded' : 'failed';
    } finally {
      this.options.store.removeTestVersion(run.secretArn, run.token);
      await this.options.onStateChange?.();
    }
    if (run.status === 'succeeded') {
      this.options.emit('TestRotationSucceeded', run.secretArn, undefined, requestId);
    } else {
      const message = `Error when executing lambda ${run.functionArn} during testSecret step`;
      this.options.emit('TestRotationFailed', run.secretArn, message, requestId);
    }
  }

  /** Invokes `steps` in order; returns the first step that failed, or undefined when all succeeded. */
  private async runSteps(run: RotationRun, attempt: number, steps: readonly string[]): Promise<string | undefined> {
    for (const step of steps) {
      const record: RotationStepRecord = { attempt, step, status: 'running' };
      run.steps.push(record);
      const started = Date.now();
      const outcome = await this.options.invoker
        .invoke(run.functionArn, {
          Step: step,
          SecretId: run.secretArn,
          ClientRequestToken: run.token,
          RotationToken: run.rotationToken,
        })
        .catch(
          (error: unknown): InvocationOutcome => ({ ok: false, errorType: 'InvokeError', errorMessage: String(error) }),
        );
      record.durationMs = outcome.durationMs ?? Date.now() - started;
      record.status = outcome.ok ? 'succeeded' : 'failed';
      if (!outcome.ok) {
        record.errorType = outcome.errorType;
        record.errorMessage = outcome.errorMessage;
        return step;
      }
    }
    return undefined;
  }
}
