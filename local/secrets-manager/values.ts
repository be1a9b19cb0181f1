import { err } from './errors';
import type { Input } from './input';
import { MAX_VALUE_SIZE, type SecretValue } from './model';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads SecretString or SecretBinary (base64 on the wire). Both at once is an error; sizes are checked against the
 * 65,536 limit. The value itself never appears in a message.
 */
export function readValue(input: Input): SecretValue | undefined {
  const text = input.str('SecretString', { min: 1, max: MAX_VALUE_SIZE });
  const base64 = input.str('SecretBinary', { min: 1 });
  if (text !== undefined && base64 !== undefined) {
    throw err.param("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (text !== undefined) return { kind: 'string', text };
  if (base64 === undefined) return undefined;
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) throw err.param('SecretBinary must be base64-encoded');
  const size = Buffer.from(base64, 'base64').length;
  if (size < 1 || size > MAX_VALUE_SIZE) {
    throw err.param(`SecretBinary must be 1-${MAX_VALUE_SIZE} bytes, got ${size}`);
  }
  return { kind: 'binary', base64 };
}
