import { type ConfigIssue, describeFound } from './config-validation-error';

/**
 * Reads typed fields out of untrusted parsed JSON/YAML, recording an issue (path, expected, found) for each
 * bad field instead of throwing, so that one validation pass reports every problem in the file.
 */
export class FieldReader {
  readonly issues: ConfigIssue[] = [];

  /** Records a problem at `path`. */
  report(path: string, expected: string, found: unknown): void {
    this.issues.push({ path, expected, found: describeFound(found) });
  }

  /** Records a problem whose `found` text is already rendered. */
  reportText(path: string, expected: string, found: string): void {
    this.issues.push({ path, expected, found });
  }

  object(value: unknown, path: string, required = true): Record<string, unknown> | undefined {
    if (value === undefined && !required) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report(path, 'an object', value);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** Reports every key of `obj` that is not in `known` (typos would otherwise be silently ignored). */
  onlyKeys(obj: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) this.report(`${path}.${key}`, `one of the fields ${known.join(', ')}`, key);
    }
  }

  string(value: unknown, path: string, pattern?: RegExp, describe?: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) {
      this.report(path, describe ?? (pattern ? `a string matching ${pattern}` : 'a string'), value);
      return undefined;
    }
    return value;
  }

  requiredString(value: unknown, path: string, pattern?: RegExp, describe?: string): string | undefined {
    if (value === undefined) {
      this.report(path, describe ?? 'a string', value);
      return undefined;
    }
    return this.string(value, path, pattern, describe);
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.report(path, `an integer ${min}-${max}`, value);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.report(path, 'true or false', value);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.report(path, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
      return undefined;
    }
    return value as T;
  }

  stringList(value: unknown, path: string, pattern?: RegExp, describe?: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.report(path, `a list of ${describe ?? 'strings'}`, value);
      return [];
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      const read = this.requiredString(item, `${path}[${i}]`, pattern, describe);
      if (read !== undefined) out.push(read);
    });
    return out;
  }
}
