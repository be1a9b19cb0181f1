import { err } from './errors';

type Json = Record<string, unknown>;

interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

/**
 * Reads one request's JSON members with the service model's types and length constraints. A violation is an
 * InvalidParameterException naming the member and what it expected; the value itself is never echoed, because
 * it may be a secret.
 */
export class Input {
  constructor(private readonly body: Json) {}

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  str(name: string, rule: StringRule = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw err.param(`${name} must be a string, got ${typeof value}`);
    const { min = 0, max = Number.POSITIVE_INFINITY, pattern } = rule;
    if (value.length < min || value.length > max) {
      throw err.param(`${name} must be ${min}-${max} characters long, got ${value.length}`);
    }
    if (pattern && !pattern.test(value)) throw err.param(`${name} must match ${pattern.source}`);
    return value;
  }

  requiredStr(name: string, rule: StringRule = {}): string {
    const value = this.str(name, rule);
    if (value === undefined) throw err.param(`${name} is required`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw err.param(`${name} must be a boolean, got ${typeof value}`);
    return value;
  }

  int(name: string, min: number, max: number): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw err.param(`${name} must be an integer ${min}-${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  strList(name: string, minItems: number, maxItems: number, rule: StringRule = {}): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.length < minItems || value.length > maxItems) {
      throw err.param(`${name} must be a list of ${minItems}-${maxItems} strings`);
    }
    return value.map((item, i) => new Input({ [`${name}[${i}]`]: item }).requiredStr(`${name}[${i}]`, rule));
  }

  objList(name: string, maxItems: number): Input[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.length > maxItems)
      throw err.param(`${name} must be a list of at most ${maxItems}`);
    return value.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw err.param(`${name}[${i}] must be an object`);
      }
      return new Input(item as Json);
    });
  }

  obj(name: string): Input | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw err.param(`${name} must be an object`);
    return new Input(value as Json);
  }

  /** The raw member, for structures passed on unchanged after their own validation. */
  raw(name: string): unknown {
    return this.body[name];
  }
}

/** ClientRequestToken: 32-64 characters. */
export const TOKEN_RULE: StringRule = { min: 32, max: 64 };
/** SecretId: a name or an ARN, 1-2048 characters. */
export const SECRET_ID_RULE: StringRule = { min: 1, max: 2048 };
/** A staging label. */
export const STAGE_RULE: StringRule = { min: 1, max: 256 };
