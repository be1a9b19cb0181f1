import type { RotationOrchestrator } from './orchestrator';

/** A secret whose NextRotationDate has passed on the emulator clock. */
export interface DueRotation {
  readonly secretArn: string;
  readonly functionArn: string;
  readonly nextRotationDate: Date;
}

/** What the scheduler needs from Secrets Manager. */
export interface SchedulePort {
  dueRotations(now: Date): readonly DueRotation[];
  /**
   * Prepares a scheduled rotation and returns its token: a new value-less AWSPENDING version, or the version of
   * an incomplete earlier rotation, which is reattempted (as AWS's "That rotation will be reattempted" says).
   * Undefined skips the secret.
   */
  beginScheduledRotation(secretArn: string): string | undefined;
  /** Removes secrets whose recovery window has ended; returns how many. */
  purgeDeleted(now: Date): number;
}

export interface RotationSchedulerOptions {
  readonly port: SchedulePort;
  readonly orchestrator: RotationOrchestrator;
  readonly now: () => Date;
  /** Real-time interval of the background check (default 1000 ms); 0 disables the timer. */
  readonly tickMs?: number;
  readonly onStateChange?: () => Promise<void>;
  /** Reports a failed check (the timer must not crash the emulator). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Starts rotations whose time has come, as Secrets Manager's scheduler does, and purges deleted secrets.
 * Runs after every clock advance and on a real-time tick. Each due date fires once: a failed scheduled
 * rotation is retried by the orchestrator, not by every later tick.
 */
export class RotationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly fired = new Map<string, number>();

  constructor(private readonly options: RotationSchedulerOptions) {}

  start(): void {
    const tickMs = this.options.tickMs ?? 1000;
    if (tickMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.check().catch((error: unknown) => this.options.onError?.(error));
    }, tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs one check now; returns the number of rotations started. */
  async check(): Promise<number> {
    const now = this.options.now();
    const { port, orchestrator } = this.options;
    const purged = port.purgeDeleted(now);
    let started = 0;
    for (const due of port.dueRotations(now)) {
      if (orchestrator.isRunning(due.secretArn)) continue;
      if (this.fired.get(due.secretArn) === due.nextRotationDate.getTime()) continue;
      const token = port.beginScheduledRotation(due.secretArn);
      if (token === undefined) continue;
      this.fired.set(due.secretArn, due.nextRotationDate.getTime());
      orchestrator.start({
        secretArn: due.secretArn,
        token,
        functionArn: due.functionArn,
        rotateImmediately: true,
        trigger: 'schedule',
      });
      started += 1;
    }
    if (purged > 0 || started > 0) await this.options.onStateChange?.();
    return started;
  }
}
