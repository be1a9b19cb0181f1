import { AwsServiceError } from '../http-types';

/** The error an injected fault returns. */
export interface FaultError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

/**
 * One fault rule, as posted to `POST /_emulator/faults`. A rule matches calls by service and operation and
 * then does one of: fail the `nth` matching call, fail a `fraction` of matching calls (seeded), or only add
 * `latencyMs`. `times` caps how often the rule fires.
 */
export interface FaultSpec {
  /** Signing name of the service; any service when absent. */
  readonly service?: string;
  /** Operation name, e.g. `PutSecretValue`; any operation when absent. */
  readonly operation?: string;
  /** Fail only the Nth matching call counted from when the rule was added (1 = the next one). */
  readonly nth?: number;
  /** Fail each matching call with this probability (0 < fraction <= 1). */
  readonly fraction?: number;
  /** PRNG seed for `fraction` (default 1). */
  readonly seed?: number;
  /** Delay matching calls by this many milliseconds (with an error: delay, then fail). */
  readonly latencyMs?: number;
  /** Fire at most this many times (default: once for `nth`, unlimited otherwise). */
  readonly times?: number;
  /** The error returned; required with `nth` or `fraction`. */
  readonly error?: FaultError;
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidFaultSpec', message, 400);
}

function optionalNumber(body: Record<string, unknown>, field: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`fault field "${field}" must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalid(`fault field "${field}" must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseError(value: unknown): FaultError | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`fault field "error" must be an object {code, message?, status?}, got ${JSON.stringify(value)}`);
  }
  const error = value as Record<string, unknown>;
  const code = optionalString(error, 'code');
  if (code === undefined) throw invalid('fault field "error.code" is required, got nothing');
  const message = optionalString(error, 'message') ?? 'Injected fault';
  const status = optionalNumber(error, 'status', 400, 599) ?? 400;
  return { code, message, status: Math.trunc(status) };
}

/** Validates a posted fault rule; errors name the field and what was received. */
export function parseFaultSpec(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`fault must be a JSON object, got ${JSON.stringify(body)}`);
  }
  const record = body as Record<string, unknown>;
  const spec: FaultSpec = {
    service: optionalString(record, 'service'),
    operation: optionalString(record, 'operation'),
    nth: optionalNumber(record, 'nth', 1),
    fraction: optionalNumber(record, 'fraction', 0, 1),
    seed: optionalNumber(record, 'seed', 0),
    latencyMs: optionalNumber(record, 'latencyMs', 0, 600_000),
    times: optionalNumber(record, 'times', 1),
    error: parseError(record.error),
  };
  if (spec.nth !== undefined && spec.fraction !== undefined) {
    throw invalid('fault fields "nth" and "fraction" are exclusive, got both');
  }
  if ((spec.nth !== undefined || spec.fraction !== undefined) && spec.error === undefined) {
    throw invalid('fault field "error" is required with "nth" or "fraction", got nothing');
  }
  if (spec.nth === undefined && spec.fraction === undefined && spec.latencyMs === undefined) {
    throw invalid('fault needs one of "nth", "fraction" or "latencyMs", got none');
  }
  return spec;
}
