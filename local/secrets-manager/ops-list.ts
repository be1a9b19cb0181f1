import { generatePassword, PasswordOptionsError } from '../../lambdas/core/password';
import { AwsServiceError } from '../http-types';
import { err } from './errors';
import { matchesFilters, readFilters } from './filters';
import { SECRET_ID_RULE } from './input';
import type { SecretRecord } from './model';
import { resolveValue } from './ops-values';
import type { Operation } from './options';
import { page } from './paging';
import { listEntryView, secretValueView } from './views';

const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] as const;
const SORT_KEYS: Record<(typeof SORT_BY)[number], (s: SecretRecord) => number | string> = {
  'created-date': (s) => s.created,
  'last-accessed-date': (s) => s.lastAccessed ?? 0,
  'last-changed-date': (s) => s.lastChanged,
  name: (s) => s.name,
};

export const listSecrets: Operation = (input, { store, options }) => {
  const includeDeleted = input.bool('IncludePlannedDeletion') === true;
  const max = input.int('MaxResults', 1, 100) ?? 100;
  const nextToken = input.str('NextToken', { min: 1, max: 4096 });
  const filters = readFilters(input) ?? [];
  const order = input.oneOf('SortOrder', ['asc', 'desc']) ?? 'desc';
  const sortKey = SORT_KEYS[input.oneOf('SortBy', SORT_BY) ?? 'created-date'];
  const direction = order === 'asc' ? 1 : -1;
  const secrets = store
    .list()
    .filter((s) => includeDeleted || s.deletedDate === undefined)
    .filter((s) => matchesFilters(s, filters, options.region))
    .sort((a, b) => {
      const [x, y] = [sortKey(a), sortKey(b)];
      return (x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : 1) * direction;
    });
  const { items, next } = page(secrets, max, nextToken);
  return { SecretList: items.map(listEntryView), ...(next === undefined ? {} : { NextToken: next }) };
};

/** Up to 20 secrets by id (errors per secret), or filtered pages of secrets; never both. */
export const batchGetSecretValue: Operation = (input, { store, options }) => {
  const ids = input.strList('SecretIdList', 1, 20, SECRET_ID_RULE);
  const filters = readFilters(input);
  if ((ids === undefined) === (filters === undefined)) {
    throw err.param('Either SecretIdList or Filters must be specified, but not both.');
  }
  const max = input.int('MaxResults', 1, 20);
  if (ids !== undefined && max !== undefined) throw err.param('MaxResults can only be used with Filters.');
  const nextToken = input.str('NextToken', { min: 1, max: 4096 });
  const values: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  if (ids !== undefined) {
    for (const id of ids) {
      try {
        const secret = store.getLive(id);
        const { version, value } = resolveValue(secret, undefined, undefined);
        values.push(secretValueView(secret, version, value));
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        errors.push({ SecretId: id, ErrorCode: error.code, Message: error.message });
      }
    }
    return { SecretValues: values, Errors: errors };
  }
  const matching = store
    .list()
    .filter((s) => s.deletedDate === undefined && matchesFilters(s, filters ?? [], options.region));
  const { items, next } = page(matching, max ?? 20, nextToken);
  for (const secret of items) {
    try {
      const { version, value } = resolveValue(secret, undefined, undefined);
      values.push(secretValueView(secret, version, value));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      errors.push({ SecretId: secret.arn, ErrorCode: error.code, Message: error.message });
    }
  }
  return { SecretValues: values, ...(next === undefined ? {} : { NextToken: next }), Errors: errors };
};

/** GetRandomPassword with the shared local generator; impossible options are InvalidParameterException. */
export const getRandomPassword: Operation = (input) => {
  const length = input.int('PasswordLength', 1, 4096);
  try {
    const password = generatePassword({
      ...(length === undefined ? {} : { length }),
      excludeCharacters: input.str('ExcludeCharacters', { max: 4096 }) ?? '',
      excludeNumbers: input.bool('ExcludeNumbers') ?? false,
      excludePunctuation: input.bool('ExcludePunctuation') ?? false,
      excludeUppercase: input.bool('ExcludeUppercase') ?? false,
      excludeLowercase: input.bool('ExcludeLowercase') ?? false,
      includeSpace: input.bool('IncludeSpace') ?? false,
      requireEachIncludedType: input.bool('RequireEachIncludedType') ?? true,
    });
    return { RandomPassword: password };
  } catch (error) {
    if (error instanceof PasswordOptionsError) throw err.param(error.message);
    throw error;
  }
};
