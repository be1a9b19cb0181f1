import { redactValue } from './redaction';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
const LEVELS: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

/** Where finished log lines go. Lambda captures stdout; tests swap this to capture every line. */
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Replaces the destination of every log line and EMF metric; returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

/** Writes one finished line (already redacted) to the sink. */
export function writeLine(line: string): void {
  sink(line);
}

export function parseLogLevel(raw: string | undefined): LogLevel {
  const upper = (raw ?? '').trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  return upper in LEVELS ? (upper as LogLevel) : 'INFO';
}

/**
 * A structured JSON logger in the shape of Powertools for AWS Lambda (level, message, timestamp, service, plus
 * keys), with redaction built in: every line passes through `redactValue`, so neither a sensitive field nor a
 * remembered secret value can reach the output, at any level.
 */
export class Logger {
  constructor(
    private readonly service: string,
    private readonly persistent: Readonly<Record<string, unknown>> = {},
    private readonly level: LogLevel = parseLogLevel(process.env.LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL),
  ) {}

  /** A logger that adds `keys` to every line (for example the secret and the step). */
  child(keys: Record<string, unknown>): Logger {
    return new Logger(this.service, { ...this.persistent, ...keys }, this.level);
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.log('DEBUG', message, extra);
  }

  info(message: string, extra?: Record<string, unknown>): void {
    this.log('INFO', message, extra);
  }

  warn(message: string, extra?: Record<string, unknown>): void {
    this.log('WARN', message, extra);
  }

  error(message: string, extra?: Record<string, unknown>): void {
    this.log('ERROR', message, extra);
  }

  private log(level: Exclude<LogLevel, 'SILENT'>, message: string, extra?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    // Standard fields last: an extra key named `level` or `message` must not rewrite them.
    const entry = {
      ...this.persistent,
      ...extra,
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
    };
    writeLine(JSON.stringify(redactValue(entry)));
  }
}
