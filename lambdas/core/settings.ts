import { ConfigurationError } from './errors';
import { DEFAULT_PASSWORD_OPTIONS, MAX_PASSWORD_LENGTH, type PasswordOptions } from './password';

/** Prefix of every per-secret setting tag, e.g. `rotation:password-length`. */
export const TAG_PREFIX = 'rotation:';

export type Environment = Readonly<Record<string, string | undefined>>;

interface RawSetting {
  readonly value: string;
  /** For error messages: `tag "rotation:x"` or `environment variable X`. */
  readonly source: string;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

/**
 * Per-secret settings: a tag `rotation:<name>` on the secret wins over the function's environment variable,
 * which wins over the built-in default. Errors name the secret, where the value came from, what was expected
 * and what was found.
 */
export class Settings {
  constructor(
    private readonly secretName: string,
    private readonly tags: Readonly<Record<string, string>>,
    private readonly env: Environment,
  ) {}

  raw(name: string, envName?: string): RawSetting | undefined {
    const tag = `${TAG_PREFIX}${name}`;
    if (this.tags[tag] !== undefined) return { value: this.tags[tag], source: `tag "${tag}"` };
    const fromEnv = envName === undefined ? undefined : this.env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: `environment variable ${envName}` };
    return undefined;
  }

  /** Builds the error for a bad setting. */
  invalid(setting: RawSetting, expected: string): ConfigurationError {
    return new ConfigurationError(
      `secret ${this.secretName} ${setting.source} must be ${expected}, got "${setting.value}"`,
      { secretId: this.secretName },
    );
  }

  string(name: string, envName?: string): string | undefined {
    return this.raw(name, envName)?.value;
  }

  integer(name: string, envName: string | undefined, min: number, max: number, fallback: number): number {
    const setting = this.raw(name, envName);
    if (setting === undefined) return fallback;
    const value = Number(setting.value.trim());
    if (!/^-?\d+$/.test(setting.value.trim()) || value < min || value > max) {
      throw this.invalid(setting, `an integer ${min}-${max}`);
    }
    return value;
  }

  boolean(name: string, envName: string | undefined, fallback: boolean): boolean {
    const setting = this.raw(name, envName);
    if (setting === undefined) return fallback;
    const lower = setting.value.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    throw this.invalid(setting, 'true or false');
  }

  oneOf<T extends string>(name: string, envName: string | undefined, allowed: readonly T[], fallback: T): T {
    const setting = this.raw(name, envName);
    if (setting === undefined) return fallback;
    const value = setting.value.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) throw this.invalid(setting, `one of ${allowed.join(', ')}`);
    return value as T;
  }

  /**
   * GetRandomPassword's options. Environment variable names are those of AWS's sample rotation functions, so
   * existing function configurations keep working; tags override them per secret.
   */
  passwordOptions(defaults: Partial<PasswordOptions> = {}): PasswordOptions {
    const base = { ...DEFAULT_PASSWORD_OPTIONS, ...defaults };
    return {
      length: this.integer('password-length', 'PASSWORD_LENGTH', 1, MAX_PASSWORD_LENGTH, base.length),
      excludeCharacters: this.raw('exclude-characters', 'EXCLUDE_CHARACTERS')?.value ?? base.excludeCharacters,
      excludeNumbers: this.boolean('exclude-numbers', 'EXCLUDE_NUMBERS', base.excludeNumbers),
      excludePunctuation: this.boolean('exclude-punctuation', 'EXCLUDE_PUNCTUATION', base.excludePunctuation),
      excludeUppercase: this.boolean('exclude-uppercase', 'EXCLUDE_UPPERCASE', base.excludeUppercase),
      excludeLowercase: this.boolean('exclude-lowercase', 'EXCLUDE_LOWERCASE', base.excludeLowercase),
      includeSpace: this.boolean('include-space', 'INCLUDE_SPACE', base.includeSpace),
      requireEachIncludedType: this.boolean(
        'require-each-included-type',
        'REQUIRE_EACH_INCLUDED_TYPE',
        base.requireEachIncludedType,
      ),
    };
  }
}
