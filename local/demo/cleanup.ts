/**
 * Clean-up for `npm run demo` that also runs on Ctrl-C: the demo starts a database server and function
 * processes, and neither may outlive it.
 */

/** Exit code of a process ended by a signal, as shells report it (128 + the signal number). */
const SIGNAL_EXIT_CODES: Readonly<Record<'SIGHUP' | 'SIGINT' | 'SIGTERM', number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
};

/** Tasks run last-added first, once, on the normal path or on SIGINT / SIGTERM. */
export class CleanupStack {
  private readonly tasks: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | undefined;
  private signal: NodeJS.Signals | undefined;

  /** Adds a task; a failing task is reported on stderr and does not stop the others. */
  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }

  /** Runs every task (idempotent: later calls share the first run). */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const task of [...this.tasks].reverse()) {
        try {
          await task();
        } catch (error) {
          process.stderr.write(`clean-up step failed: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
    })();
    return this.running;
  }

  /** The signal that interrupted the demo, if one did: the main flow then leaves the exit to the handler. */
  get interruptedBy(): NodeJS.Signals | undefined {
    return this.signal;
  }

  /**
   * On SIGINT, SIGTERM or SIGHUP (a closed terminal): run the tasks, then exit with 128 + the signal number. A
   * second signal exits at once (the server processes are then killed, and the data directories deleted, by the
   * exit hooks of the server fixtures).
   */
  runOnSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (this.signal !== undefined) process.exit(SIGNAL_EXIT_CODES[signal]);
        this.signal = signal;
        process.stderr.write(`\ninterrupted (${signal}): stopping PostgreSQL and the emulator, deleting temp files\n`);
        void this.run().finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
      });
    }
  }
}
