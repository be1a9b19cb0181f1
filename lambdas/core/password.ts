import { randomInt } from 'node:crypto';

/**
 * Password options, the same set and defaults as Secrets Manager's GetRandomPassword, generated locally
 * with node:crypto so that a rotation makes no GetRandomPassword call (one call and one 50-per-second
 * quota less per rotation).
 */
export interface PasswordOptions {
  /** 1-4096. @default 32 */
  readonly length: number;
  /** Characters never used. @default '' */
  readonly excludeCharacters: string;
  /** @default false */
  readonly excludeNumbers: boolean;
  /** @default false */
  readonly excludePunctuation: boolean;
  /** @default false */
  readonly excludeUppercase: boolean;
  /** @default false */
  readonly excludeLowercase: boolean;
  /** @default false */
  readonly includeSpace: boolean;
  /** At least one character of each included type (upper, lower, number, punctuation). @default true */
  readonly requireEachIncludedType: boolean;
}

export const DEFAULT_PASSWORD_OPTIONS: PasswordOptions = {
  length: 32,
  excludeCharacters: '',
  excludeNumbers: false,
  excludePunctuation: false,
  excludeUppercase: false,
  excludeLowercase: false,
  includeSpace: false,
  requireEachIncludedType: true,
};

export const MAX_PASSWORD_LENGTH = 4096;
export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
/** GetRandomPassword's punctuation set, exactly: the 32 ASCII punctuation characters. */
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Raised for options no password can satisfy. The message never contains generated material. */
export class PasswordOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordOptionsError';
  }
}

export interface CharacterClasses {
  /** Classes that take part and must each appear when requireEachIncludedType is set. */
  readonly required: readonly string[];
  /** Every allowed character. */
  readonly alphabet: string;
}

/** The character classes left after the exclusions, in a fixed order (upper, lower, digits, punctuation). */
export function characterClasses(options: PasswordOptions): CharacterClasses {
  const excluded = new Set(options.excludeCharacters);
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join('');
  const classes = [
    options.excludeUppercase ? '' : keep(UPPERCASE),
    options.excludeLowercase ? '' : keep(LOWERCASE),
    options.excludeNumbers ? '' : keep(DIGITS),
    options.excludePunctuation ? '' : keep(PUNCTUATION),
  ].filter((c) => c.length > 0);
  const space = options.includeSpace && !excluded.has(' ') ? ' ' : '';
  return { required: classes, alphabet: classes.join('') + space };
}

/** Checks options the way GetRandomPassword does; throws PasswordOptionsError naming the option. */
export function validatePasswordOptions(options: PasswordOptions): void {
  const { length } = options;
  if (!Number.isInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
    throw new PasswordOptionsError(`password length must be an integer 1-${MAX_PASSWORD_LENGTH}, got ${length}`);
  }
  const { required, alphabet } = characterClasses(options);
  if (alphabet.length === 0) {
    throw new PasswordOptionsError('the password options exclude every character: nothing is left to choose from');
  }
  if (options.requireEachIncludedType && length < required.length) {
    throw new PasswordOptionsError(
      `password length ${length} is too short for the ${required.length} required character types`,
    );
  }
}

/** A uniformly random character of `chars`. */
function pick(chars: string): string {
  return chars[randomInt(chars.length)] as string;
}

/**
 * Generates a password with node:crypto. With requireEachIncludedType, one character of each included
 * type is placed first, the rest is drawn from the whole alphabet, and the result is shuffled
 * (Fisher-Yates), so no position is predictable.
 */
export function generatePassword(partial: Partial<PasswordOptions> = {}): string {
  const options: PasswordOptions = { ...DEFAULT_PASSWORD_OPTIONS, ...partial };
  validatePasswordOptions(options);
  const { required, alphabet } = characterClasses(options);
  const chars: string[] = options.requireEachIncludedType ? required.map(pick) : [];
  while (chars.length < options.length) chars.push(pick(alphabet));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
