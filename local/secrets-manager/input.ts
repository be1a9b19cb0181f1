import { AwsServiceError } from '../http-types';

type Json = Record<string, unknown>;

interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

/** The member name as AWS's validation messages spell it (`SecretBinary` -> `secretBinary`). */
function wireName(path: string): string {
  return path.replace(/(^|\.)([A-Z])/g, (_m, dot: string, c: string) => dot + c.toLowerCase());
}

/**
 * A model constraint violation, in AWS's format: `1 validation error detected: Value at 'secretBinary' failed to
 * satisfy constraint: Member must have length less than or equal to 65536` (a recorded AWS response). The value is
 * never quoted: it may be a secret.
 */
export function validationError(path: string, constraint: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${wireName(path)}' failed to satisfy constraint: ${constraint}`,
  );
}

function typeError(path: string, expected: string, got: unknown): AwsServiceError {
  const actual = Array.isArray(got) ? 'array' : typeof got;
  return new AwsServiceError('SerializationException', `${path} must be ${expected}, got ${actual}`);
}

/**
 * Reads one request's JSON members with the service model's types and constraints: a wrong JSON type is a
 * SerializationException, a length, range, pattern or enum violation a ValidationException naming the member.
 */
export class Input {
  constructor(
    private readonly body: Json,
    private readonly prefix = '',
  ) {}

  private path(name: string): string {
    return this.prefix + name;
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  str(name: string, rule: StringRule = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    const path = this.path(name);
    if (typeof value !== 'string') throw typeError(path, 'a string', value);
    const { min = 0, max = Number.POSITIVE_INFINITY, pattern } = rule;
    if (value.length < min) throw validationError(path, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) throw validationError(path, `Member must have length less than or equal to ${max}`);
    if (pattern && !pattern.test(value)) {
      throw validationError(path, `Member must satisfy regular expression pattern: ${pattern.source}`);
    }
    return value;
  }

  requiredStr(name: string, rule: StringRule = {}): string {
    const value = this.str(name, rule);
    if (value === undefined) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value null at '${wireName(this.path(name))}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** A string member restricted to an enum. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.str(name);
    if (value !== undefined && !values.includes(value as T)) {
      throw validationError(this.path(name), `Member must satisfy enum value set: [${values.join(', ')}]`);
    }
    return value as T | undefined;
  }

  bool(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw typeError(this.path(name), 'a boolean', value);
    return value;
  }

  /** A whole number; `min`/`max` are the model's range. */
  int(name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    const path = this.path(name);
    if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer', value);
    if (value < min) throw validationError(path, `Member must have value greater than or equal to ${min}`);
    if (value > max) throw validationError(path, `Member must have value less than or equal to ${max}`);
    return value;
  }

  strList(name: string, minItems: number, maxItems: number, rule: StringRule = {}): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    const path = this.path(name);
    if (!Array.isArray(value)) throw typeError(path, 'a list', value);
    if (value.length < minItems)
      throw validationError(path, `Member must have length greater than or equal to ${minItems}`);
    if (value.length > maxItems)
      throw validationError(path, `Member must have length less than or equal to ${maxItems}`);
    return value.map((item, i) => new Input({ [String(i + 1)]: item }, `${path}.`).requiredStr(String(i + 1), rule));
  }

  objList(name: string, minItems = 0, maxItems = Number.POSITIVE_INFINITY): Input[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    const path = this.path(name);
    if (!Array.isArray(value)) throw typeError(path, 'a list', value);
    if (value.length < minItems)
      throw validationError(path, `Member must have length greater than or equal to ${minItems}`);
    if (value.length > maxItems)
      throw validationError(path, `Member must have length less than or equal to ${maxItems}`);
    return value.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw typeError(`${path}.${i + 1}`, 'an object', item);
      }
      return new Input(item as Json, `${path}.${i + 1}.member.`);
    });
  }

  obj(name: string): Input | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(this.path(name), 'an object', value);
    return new Input(value as Json, `${this.path(name)}.`);
  }

  /** The raw member, for checks the model does not express. */
  raw(name: string): unknown {
    return this.body[name];
  }
}

/** ClientRequestToken / VersionId: 32-64 characters. */
export const TOKEN_RULE: StringRule = { min: 32, max: 64 };
/** SecretId: a name or an ARN, 1-2048 characters. */
export const SECRET_ID_RULE: StringRule = { min: 1, max: 2048 };
/** A staging label. */
export const STAGE_RULE: StringRule = { min: 1, max: 256 };
