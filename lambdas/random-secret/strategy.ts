import { SecretFormatError, VerificationFailedError } from '../core/errors';
import type { PasswordOptions } from '../core/password';
import type { Settings } from '../core/settings';
import type { RotationContext, RotationStrategy } from '../core/strategy';
import { DEFAULT_LENGTHS, malformation, RANDOM_SECRET_FORMATS, type RandomSecretFormat, randomPart } from './format';

/** Field rotated in a JSON secret when no `rotation:field` tag or RANDOM_SECRET_FIELD says otherwise. */
export const DEFAULT_FIELD = 'secret';
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{0,64}$/;

interface Shape {
  readonly format: RandomSecretFormat;
  readonly length: number;
  readonly prefix: string;
  readonly field: string;
  readonly passwordOptions: PasswordOptions;
}

/** A secret value: a plain string, or a JSON object with one field rotated. */
type ParsedValue = { kind: 'plain'; value: string } | { kind: 'json'; object: Record<string, unknown> };

function parseValue(secretString: string): ParsedValue {
  if (secretString.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(secretString);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return { kind: 'json', object: parsed as Record<string, unknown> };
      }
    } catch {
      // Not JSON after all: a plain secret that happens to start with '{'.
    }
  }
  return { kind: 'plain', value: secretString };
}

function readShape(settings: Settings): Shape {
  const format = settings.oneOf('format', 'RANDOM_SECRET_FORMAT', RANDOM_SECRET_FORMATS, 'alphanumeric');
  const prefixSetting = settings.raw('prefix', 'RANDOM_SECRET_PREFIX');
  if (prefixSetting !== undefined && !PREFIX_PATTERN.test(prefixSetting.value)) {
    throw settings.invalid(prefixSetting, 'at most 64 characters from A-Z a-z 0-9 _ . -');
  }
  return {
    format,
    length: settings.integer('length', 'RANDOM_SECRET_LENGTH', 16, 4096, DEFAULT_LENGTHS[format]),
    prefix: prefixSetting?.value ?? '',
    field: settings.string('field', 'RANDOM_SECRET_FIELD') ?? DEFAULT_FIELD,
    passwordOptions: settings.passwordOptions(),
  };
}

/** The rotated string inside a parsed value; errors name the secret, the version and the field. */
function rotatedString(ctx: RotationContext, parsed: ParsedValue, field: string, version: string): string {
  if (parsed.kind === 'plain') return parsed.value;
  const value = parsed.object[field];
  if (typeof value !== 'string') {
    throw new SecretFormatError(
      `secret ${ctx.secretName} (${version}) is a JSON object whose field "${field}" must be a string, got ${value === undefined ? 'no such field' : typeof value}; set the tag rotation:field to the field to rotate`,
    );
  }
  return value;
}

/**
 * Secrets we issue ourselves (API keys, webhook signing secrets, HMAC keys). There is no outside system to
 * update: consumers read the secret, and AWSPREVIOUS stays readable so they can accept both values during the
 * overlap.
 */
export class RandomSecretStrategy implements RotationStrategy {
  readonly type = 'random-secret';

  async createCredential(ctx: RotationContext): Promise<string> {
    const shape = readShape(ctx.settings);
    const current = parseValue((await ctx.current()).secretString);
    rotatedString(ctx, current, shape.field, 'AWSCURRENT');
    const fresh = shape.prefix + randomPart(shape.format, shape.length, shape.passwordOptions);
    ctx.registerSecret(fresh);
    if (current.kind === 'plain') return fresh;
    return JSON.stringify({ ...current.object, [shape.field]: fresh });
  }

  async applyCredential(ctx: RotationContext): Promise<void> {
    ctx.logger.info('random secrets have no target system to update; consumers read the new value after finishSecret');
  }

  async verifyCredential(ctx: RotationContext): Promise<void> {
    const shape = readShape(ctx.settings);
    const currentString = (await ctx.current()).secretString;
    const pendingString = (await ctx.pending()).secretString;
    const current = parseValue(currentString);
    const pending = parseValue(pendingString);
    if (pendingString === currentString) {
      // RotateSecret with RotateImmediately=false tests the configuration: Secrets Manager puts a copy of the
      // current value in a temporary AWSPENDING version and runs testSecret alone. The settings parsed above and
      // the rotated field must be usable; the value itself was not made by us, so its format is not judged.
      rotatedString(ctx, current, shape.field, 'AWSCURRENT');
      ctx.logger.info('pending value is a copy of the current one (a test rotation): settings and field are usable');
      return;
    }
    const fail = (why: string) => new VerificationFailedError(`secret ${ctx.secretName} pending ${why}`);
    if (pending.kind !== current.kind) {
      throw fail(
        `value is ${pending.kind === 'json' ? 'a JSON object' : 'a plain string'}, but the current value is not`,
      );
    }
    const fresh = rotatedString(ctx, pending, shape.field, 'AWSPENDING');
    const where = pending.kind === 'json' ? `value's field "${shape.field}"` : 'value';
    const problem = malformation(fresh, shape.format, shape.length, shape.prefix, shape.passwordOptions);
    if (problem !== undefined) throw fail(`${where} ${problem}`);
    if (fresh === rotatedString(ctx, current, shape.field, 'AWSCURRENT')) throw fail(`${where} equals the current one`);
    if (pending.kind === 'json' && current.kind === 'json') {
      for (const key of new Set([...Object.keys(current.object), ...Object.keys(pending.object)])) {
        if (key === shape.field) continue;
        if (JSON.stringify(current.object[key]) !== JSON.stringify(pending.object[key])) {
          throw fail(`value changed field "${key}", which only the rotated field "${shape.field}" may do`);
        }
      }
    }
  }
}
