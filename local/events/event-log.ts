import { appendFileSync } from 'node:fs';

/** Any event object; the log stores what it is given (EventBridge shapes, see event-shapes.ts). */
export type LoggedEvent = Readonly<Record<string, unknown>>;

export interface EventLogOptions {
  /** Append every event to this file as one JSON line. */
  readonly file?: string;
}

/**
 * Keeps every event the emulator emits, in order, and optionally appends them to a JSON-lines file.
 * Readers page through it with a cursor (the index of the next event), so tests can wait for new events.
 */
export class EventLog {
  private readonly events: LoggedEvent[] = [];
  private readonly listeners = new Set<(event: LoggedEvent) => void>();

  constructor(private readonly options: EventLogOptions = {}) {}

  /** Records one event. File appends are synchronous so that the file order equals the emission order. */
  emit(event: LoggedEvent): void {
    this.events.push(event);
    if (this.options.file !== undefined) appendFileSync(this.options.file, `${JSON.stringify(event)}\n`);
    for (const listener of this.listeners) listener(event);
  }

  /** Events from position `since` on (a cursor), or from the first whose `time` is not before `since` (a date). */
  list(since?: number | Date): LoggedEvent[] {
    if (since === undefined) return [...this.events];
    if (typeof since === 'number') return this.events.slice(Math.max(0, since));
    const from = since.getTime();
    return this.events.filter((event) => Date.parse(String(event.time)) >= from);
  }

  /** The cursor a reader passes as `since` to get only events emitted from now on. */
  get cursor(): number {
    return this.events.length;
  }

  /** Calls `listener` for every event emitted from now on; returns the unsubscribe function. */
  subscribe(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the in-memory events (the file, if any, is kept: it is an audit trail). */
  clear(): void {
    this.events.length = 0;
  }
}
