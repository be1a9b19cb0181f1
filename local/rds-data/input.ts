import { dataApiError } from './errors';
import { type ParameterValue, type ResultSetOptions, TYPE_HINTS, type TypeHint } from './wire-types';

/** A validated `ExecuteStatement` request. */
export interface ExecuteStatementInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly sql: string;
  readonly database?: string;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly transactionId?: string;
  readonly includeResultMetadata: boolean;
  readonly formatRecordsAs: 'NONE' | 'JSON';
  readonly resultSetOptions: ResultSetOptions;
}

/** A validated `BatchExecuteStatement` request. */
export interface BatchExecuteStatementInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly sql: string;
  readonly database?: string;
  readonly parameterSets: readonly ReadonlyMap<string, ParameterValue>[];
  readonly transactionId?: string;
}

/** A validated `BeginTransaction` request. */
export interface BeginTransactionInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database?: string;
}

/** A validated `CommitTransaction` / `RollbackTransaction` request. */
export interface EndTransactionInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly transactionId: string;
}

type Json = Record<string, unknown>;

/** Parses a rest-json body; an empty body is `{}` as the SDK may omit it. */
export function parseBody(body: Buffer): Json {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw dataApiError.badRequest('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw dataApiError.badRequest('The request body must be a JSON object');
  }
  return parsed as Json;
}

function optionalString(body: Json, field: string, min: number, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw dataApiError.badRequest(`${field} must be a string, got ${typeof value}`);
  if (value.length < min || value.length > max) {
    throw dataApiError.badRequest(`${field} must be ${min}-${max} characters long, got ${value.length}`);
  }
  return value;
}

function requiredString(body: Json, field: string, min: number, max: number): string {
  const value = optionalString(body, field, min, max);
  if (value === undefined) throw dataApiError.badRequest(`${field} is required`);
  return value;
}

function optionalBoolean(body: Json, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw dataApiError.badRequest(`${field} must be a boolean, got ${typeof value}`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw dataApiError.badRequest(`${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function numberField(value: unknown, field: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw dataApiError.badRequest(
      `${field} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** One `SqlParameter.value` (a `Field` union with exactly one member). */
function parameterValue(raw: unknown, typeHint: TypeHint | undefined, where: string): ParameterValue {
  if (typeof raw !== 'object' || raw === null) throw dataApiError.badRequest(`${where}.value is required`);
  const entries = Object.entries(raw as Json).filter(([, v]) => v !== undefined && v !== null);
  if (entries.length !== 1) {
    throw dataApiError.badRequest(`${where}.value must have exactly one member, got ${entries.length}`);
  }
  const [member, value] = entries[0] as [string, unknown];
  switch (member) {
    case 'isNull':
      return { kind: 'null' };
    case 'booleanValue':
      if (typeof value !== 'boolean') throw dataApiError.badRequest(`${where}.value.booleanValue must be a boolean`);
      return { kind: 'boolean', value };
    case 'longValue':
      return { kind: 'long', value: numberField(value, `${where}.value.longValue`, true) };
    case 'doubleValue':
      return { kind: 'double', value: numberField(value, `${where}.value.doubleValue`, false) };
    case 'stringValue':
      if (typeof value !== 'string') throw dataApiError.badRequest(`${where}.value.stringValue must be a string`);
      return { kind: 'string', value, typeHint };
    case 'blobValue':
      if (typeof value !== 'string') throw dataApiError.badRequest(`${where}.value.blobValue must be base64`);
      return { kind: 'blob', value: Buffer.from(value, 'base64') };
    case 'arrayValue':
      throw dataApiError.badRequest('Array parameters are not supported.');
    default:
      throw dataApiError.badRequest(`${where}.value has an unknown member "${member}"`);
  }
}

function parameters(raw: unknown, field = 'parameters'): Map<string, ParameterValue> {
  const out = new Map<string, ParameterValue>();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw dataApiError.badRequest(`${field} must be a list`);
  raw.forEach((item: unknown, index) => {
    const where = `${field}[${index}]`;
    if (typeof item !== 'object' || item === null) throw dataApiError.badRequest(`${where} must be an object`);
    const { name, value, typeHint } = item as Json;
    if (typeof name !== 'string' || name === '') throw dataApiError.badRequest(`${where}.name is required`);
    const hint =
      typeHint === undefined || typeHint === null
        ? undefined
        : oneOf(typeHint, TYPE_HINTS, `${where}.typeHint`, 'JSON');
    out.set(name, parameterValue(value, hint, where));
  });
  return out;
}

const ARN = { min: 11, max: 570 } as const;

/** Validates an `ExecuteStatement` body (lengths from the model: ARNs 11-570, sql 0-65536, database 0-64). */
export function executeStatementInput(body: Json): ExecuteStatementInput {
  const options = (body.resultSetOptions ?? {}) as Json;
  if (typeof options !== 'object') throw dataApiError.badRequest('resultSetOptions must be an object');
  return {
    resourceArn: requiredString(body, 'resourceArn', ARN.min, ARN.max),
    secretArn: requiredString(body, 'secretArn', ARN.min, ARN.max),
    sql: requiredString(body, 'sql', 0, 65536),
    database: optionalString(body, 'database', 0, 64) || undefined,
    parameters: parameters(body.parameters),
    transactionId: optionalString(body, 'transactionId', 0, 192) || undefined,
    includeResultMetadata: optionalBoolean(body, 'includeResultMetadata'),
    formatRecordsAs: oneOf(body.formatRecordsAs, ['NONE', 'JSON'], 'formatRecordsAs', 'NONE'),
    resultSetOptions: {
      decimalReturnType: oneOf(
        options.decimalReturnType,
        ['STRING', 'DOUBLE_OR_LONG'],
        'resultSetOptions.decimalReturnType',
        'STRING',
      ),
      longReturnType: oneOf(options.longReturnType, ['LONG', 'STRING'], 'resultSetOptions.longReturnType', 'LONG'),
    },
  };
}

export function beginTransactionInput(body: Json): BeginTransactionInput {
  return {
    resourceArn: requiredString(body, 'resourceArn', ARN.min, ARN.max),
    secretArn: requiredString(body, 'secretArn', ARN.min, ARN.max),
    database: optionalString(body, 'database', 0, 64) || undefined,
  };
}

export function endTransactionInput(body: Json): EndTransactionInput {
  return {
    resourceArn: requiredString(body, 'resourceArn', ARN.min, ARN.max),
    secretArn: requiredString(body, 'secretArn', ARN.min, ARN.max),
    transactionId: requiredString(body, 'transactionId', 0, 192),
  };
}

export function batchExecuteStatementInput(body: Json): BatchExecuteStatementInput {
  const sets = body.parameterSets;
  if (sets !== undefined && sets !== null && !Array.isArray(sets)) {
    throw dataApiError.badRequest('parameterSets must be a list of parameter lists');
  }
  return {
    resourceArn: requiredString(body, 'resourceArn', ARN.min, ARN.max),
    secretArn: requiredString(body, 'secretArn', ARN.min, ARN.max),
    sql: requiredString(body, 'sql', 0, 65536),
    database: optionalString(body, 'database', 0, 64) || undefined,
    parameterSets: ((sets ?? []) as unknown[]).map((set, i) => parameters(set, `parameterSets[${i}]`)),
    transactionId: optionalString(body, 'transactionId', 0, 192) || undefined,
  };
}
