import { randomBytes } from 'node:crypto';
import { generatePassword, type PasswordOptions } from '../core/password';

/** How a random secret is written. */
export const RANDOM_SECRET_FORMATS = ['alphanumeric', 'hex', 'base64url', 'password'] as const;
export type RandomSecretFormat = (typeof RANDOM_SECRET_FORMATS)[number];

/** Default length of the random part, chosen so that every format carries at least 256 bits. */
export const DEFAULT_LENGTHS: Record<RandomSecretFormat, number> = {
  alphanumeric: 43,
  hex: 64,
  base64url: 43,
  password: 32,
};

const ALPHABETS: Record<Exclude<RandomSecretFormat, 'password'>, RegExp> = {
  alphanumeric: /^[A-Za-z0-9]*$/,
  hex: /^[0-9a-f]*$/,
  base64url: /^[A-Za-z0-9_-]*$/,
};

/** Returns `length` random characters in `format`; `password` uses the secret's password settings. */
export function randomPart(format: RandomSecretFormat, length: number, passwordOptions: PasswordOptions): string {
  switch (format) {
    case 'alphanumeric':
      return generatePassword({
        length,
        excludePunctuation: true,
        excludeCharacters: '',
        requireEachIncludedType: false,
      });
    case 'hex':
      return randomBytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length);
    case 'base64url':
      return randomBytes(Math.ceil((length * 3) / 4))
        .toString('base64url')
        .slice(0, length);
    case 'password':
      return generatePassword({ ...passwordOptions, length });
  }
}

/** Why `value` is not a well-formed secret of this shape, or undefined when it is. Never echoes the value. */
export function malformation(
  value: string,
  format: RandomSecretFormat,
  length: number,
  prefix: string,
  passwordOptions: PasswordOptions,
): string | undefined {
  if (!value.startsWith(prefix)) return `does not start with the prefix "${prefix}"`;
  const body = value.slice(prefix.length);
  if (body.length !== length) return `has a random part of ${body.length} characters, expected ${length}`;
  if (format === 'password') {
    const excluded = [...passwordOptions.excludeCharacters].some((c) => body.includes(c));
    return excluded ? 'contains an excluded character' : undefined;
  }
  return ALPHABETS[format].test(body) ? undefined : `contains characters outside the ${format} alphabet`;
}
