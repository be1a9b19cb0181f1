/**
 * The emulator clock: real time plus an offset that the control endpoint can move forward (or set), so that
 * schedules, deletion windows and rotation dates can be tested in seconds. It never runs backwards on its own.
 */
export class EmulatorClock {
  private offsetMs: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(
    offsetMs = 0,
    private readonly realNow: () => number = Date.now,
  ) {
    this.offsetMs = offsetMs;
  }

  /** The emulator's current time. */
  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** How far the emulator clock is ahead of real time (negative when set into the past). */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward by `seconds` (must be a finite number ≥ 0) and notifies listeners. */
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`advanceSeconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    this.offsetMs += seconds * 1000;
    return this.changed();
  }

  /** Sets the clock to `time`; from then on it keeps running at real speed. */
  set(time: Date): Date {
    if (Number.isNaN(time.getTime())) throw new RangeError('set must be a valid date, got an invalid date');
    this.offsetMs = time.getTime() - this.realNow();
    return this.changed();
  }

  /** Restores a persisted offset without notifying listeners. */
  restore(offsetMs: number): void {
    if (Number.isFinite(offsetMs)) this.offsetMs = offsetMs;
  }

  /** Registers a callback run after every advance or set (schedules and deletions use it). */
  onChange(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): Date {
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }
}
