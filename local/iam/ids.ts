import { randomBytes, randomInt } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** An access key id as IAM issues them for long-term user keys: `AKIA` + 16 upper-case letters and digits. */
export const newAccessKeyId = (): string => `AKIA${randomFrom(UPPER_ALNUM, 16)}`;

/** A 40-character secret access key (base64 alphabet, like AWS's). */
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64');

/** A user's unique id: `AIDA` + 17 upper-case letters and digits (21 characters, as AWS). */
export const newUserId = (): string => `AIDA${randomFrom(UPPER_ALNUM, 17)}`;
