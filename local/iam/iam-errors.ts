import { AwsServiceError } from '../http-types';

/**
 * IAM's errors with the wire codes and HTTP statuses of the botocore `iam/2010-05-08` model
 * (`NoSuchEntity` 404, `EntityAlreadyExists` 409, `DeleteConflict` 409, `LimitExceeded` 409, `InvalidInput` 400)
 * and AWS's messages (AWS-BEHAVIOUR.md section 9). Constraint violations of the model (patterns, lengths,
 * required members) are `ValidationError` 400 in the query protocol, worded as AWS words them.
 */
export const noSuchUser = (userName: string): AwsServiceError =>
  new AwsServiceError('NoSuchEntity', `The user with name ${userName} cannot be found.`, 404);

export const noSuchAccessKey = (accessKeyId: string): AwsServiceError =>
  new AwsServiceError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404);

export const userExists = (userName: string): AwsServiceError =>
  new AwsServiceError('EntityAlreadyExists', `User with name ${userName} already exists.`, 409);

export const accessKeyQuota = (): AwsServiceError =>
  new AwsServiceError('LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);

export const userHasKeys = (): AwsServiceError =>
  new AwsServiceError('DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);

export const invalidInput = (message: string): AwsServiceError => new AwsServiceError('InvalidInput', message, 400);

const validation = (detail: string): AwsServiceError =>
  new AwsServiceError('ValidationError', `1 validation error detected: ${detail}`, 400);

export interface StringConstraint {
  readonly min: number;
  readonly max: number;
  readonly pattern?: RegExp;
  /** The pattern as the model states it, for the message. */
  readonly patternText?: string;
}

/** The member name as AWS prints it in validation errors (`UserName` → `userName`). */
const wireName = (member: string) => member.charAt(0).toLowerCase() + member.slice(1);

/** Checks a string member against the model's constraints; `undefined` passes unless `required`. */
export function checkString(
  params: URLSearchParams,
  member: string,
  constraint: StringConstraint,
  required: boolean,
): string | undefined {
  const value = params.get(member) ?? undefined;
  const at = `at '${wireName(member)}' failed to satisfy constraint:`;
  if (value === undefined) {
    if (required) throw validation(`Value null ${at} Member must not be null`);
    return undefined;
  }
  if (value.length < constraint.min) {
    throw validation(`Value '${value}' ${at} Member must have length greater than or equal to ${constraint.min}`);
  }
  if (value.length > constraint.max) {
    throw validation(`Value '${value}' ${at} Member must have length less than or equal to ${constraint.max}`);
  }
  if (constraint.pattern !== undefined && !constraint.pattern.test(value)) {
    throw validation(
      `Value '${value}' ${at} Member must satisfy regular expression pattern: ${constraint.patternText}`,
    );
  }
  return value;
}

/** Checks a member against an enum of the model (`Active`, `Inactive`, ...). */
export function checkEnum<T extends string>(params: URLSearchParams, member: string, values: readonly T[]): T {
  const value = params.get(member);
  const at = `at '${wireName(member)}' failed to satisfy constraint:`;
  if (value === null) throw validation(`Value null ${at} Member must not be null`);
  if (!(values as readonly string[]).includes(value)) {
    throw validation(`Value '${value}' ${at} Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return value as T;
}

/** Checks an integer member in [min, max]; returns `fallback` when absent. */
export function checkInteger(
  params: URLSearchParams,
  member: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = params.get(member);
  if (raw === null) return fallback;
  const value = Number(raw);
  const at = `Value '${raw}' at '${wireName(member)}' failed to satisfy constraint:`;
  if (!Number.isInteger(value)) throw validation(`${at} Member must be an integer`);
  if (value < min) throw validation(`${at} Member must have value greater than or equal to ${min}`);
  if (value > max) throw validation(`${at} Member must have value less than or equal to ${max}`);
  return value;
}

/** Constraints of the IAM model's string shapes used here. */
export const SHAPES = {
  userName: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' },
  existingUserName: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' },
  accessKeyId: { min: 16, max: 128, pattern: /^[\w]+$/, patternText: '[\\w]+' },
  path: {
    min: 1,
    max: 512,
    pattern: /^(\/|\/[\u0021-\u007E]+\/)$/,
    patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  },
  pathPrefix: { min: 1, max: 512, pattern: /^\/[\u0021-\u007F]*$/, patternText: '\\u002F[\\u0021-\\u007F]*' },
  marker: { min: 1, max: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' },
  tagKey: {
    min: 1,
    max: 128,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
  },
  tagValue: {
    min: 0,
    max: 256,
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
  },
} satisfies Record<string, StringConstraint>;
