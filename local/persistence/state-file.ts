import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write';

/**
 * The `--state` file. `flush()` resolves only once a snapshot taken after the call has reached the disk, so
 * the server awaits it before answering a mutating call: an acknowledged write is never lost. Concurrent
 * flushes are grouped: while one write is in flight, every later caller shares the single next write.
 */
export class StateFile {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  /** `snapshot` must return the whole state as JSON-serializable data; it is called when a write starts. */
  constructor(
    readonly path: string,
    private readonly snapshot: () => unknown,
  ) {}

  /** The saved state, or undefined when the file does not exist yet. Throws on a corrupt file. */
  load(): unknown {
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`state file ${this.path} is not valid JSON (${text.length} bytes); expected an emulator state`, {
        cause: error,
      });
    }
  }

  /** Persists the current state; resolves when it is durable. */
  flush(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.writing === undefined) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    // The write in flight took its snapshot before our change: queue exactly one more behind it.
    this.queued = this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.flush();
      });
    return this.queued;
  }

  /** Writes synchronously (shutdown). */
  flushSync(): void {
    writeFileAtomicSync(this.path, JSON.stringify(this.snapshot()));
  }

  private write(): Promise<void> {
    // Snapshot synchronously, before any await, so it includes every change made before flush() was called.
    return writeFileAtomic(this.path, JSON.stringify(this.snapshot()));
  }
}
