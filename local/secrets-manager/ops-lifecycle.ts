import { err } from './errors';
import { type Input, SECRET_ID_RULE, TOKEN_RULE } from './input';
import { sameValue, type Tag } from './model';
import type { Operation } from './options';
import { readValue } from './values';
import { findVersion } from './versions';
import { describeView, epoch } from './views';

const MAX_TAGS = 50;

function readTags(input: Input): Tag[] | undefined {
  return input.objList('Tags')?.map((tag) => ({
    Key: tag.requiredStr('Key', { min: 1, max: 128 }),
    Value: tag.str('Value', { max: 256 }) ?? '',
  }));
}

/** Sets tags, replacing the value of a key that is already there. */
function mergeTags(existing: Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const tag of added) byKey.set(tag.Key, { ...tag });
  if (byKey.size > MAX_TAGS)
    throw err.param(`a secret can have at most ${MAX_TAGS} tags, this would make ${byKey.size}`);
  return [...byKey.values()];
}

export const createSecret: Operation = (input, { store }) => {
  const name = input.requiredStr('Name', { min: 1 });
  const value = readValue(input);
  const token = input.str('ClientRequestToken', TOKEN_RULE);
  if (value !== undefined && token === undefined) throw err.missingToken('InvalidRequestException');
  const description = input.str('Description', { max: 2048 });
  const kmsKeyId = input.str('KmsKeyId', { max: 2048 });
  const type = input.str('Type', { max: 256 });
  const tags = readTags(input) ?? [];
  const existing = store.find(name);
  if (existing) {
    if (existing.deletedDate !== undefined) throw err.nameScheduledForDeletion();
    // A retried CreateSecret (same token, same value) succeeds and changes nothing.
    const retried = token === undefined ? undefined : findVersion(existing, token);
    if (retried && sameValue(retried.value, value)) {
      return { ARN: existing.arn, Name: existing.name, VersionId: retried.id };
    }
    throw err.exists(name);
  }
  const secret = store.create({ name, description, kmsKeyId, type, tags: mergeTags([], tags) });
  if (value === undefined || token === undefined) return { ARN: secret.arn, Name: secret.name };
  const { version } = store.putVersion(secret.arn, token, value);
  return { ARN: secret.arn, Name: secret.name, VersionId: version.id };
};

export const describeSecret: Operation = (input, { store }) =>
  describeView(store.get(input.requiredStr('SecretId', SECRET_ID_RULE)));

export const updateSecret: Operation = (input, { store, options }) => {
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const value = readValue(input);
  const token = input.str('ClientRequestToken', TOKEN_RULE);
  if (value !== undefined && token === undefined) throw err.missingToken('InvalidRequestException');
  const description = input.str('Description', { max: 2048 });
  const kmsKeyId = input.str('KmsKeyId', { max: 2048 });
  if (description !== undefined) secret.description = description;
  if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
  secret.lastChanged = options.now().getTime();
  if (value === undefined || token === undefined) return { ARN: secret.arn, Name: secret.name };
  const { version } = store.putVersion(secret.arn, token, value, undefined, true);
  return { ARN: secret.arn, Name: secret.name, VersionId: version.id };
};

export const deleteSecret: Operation = (input, { store, options }) => {
  const secret = store.get(input.requiredStr('SecretId', SECRET_ID_RULE));
  const force = input.bool('ForceDeleteWithoutRecovery') === true;
  if (force && input.has('RecoveryWindowInDays')) {
    throw err.param("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const days = input.int('RecoveryWindowInDays') ?? 30;
  if (!force && (days < 7 || days > 30)) {
    throw err.param(`The RecoveryWindowInDays value must be between 7 and 30 days (inclusive), got ${days}.`);
  }
  if (secret.deletedDate !== undefined && !force) throw err.markedForDeletion();
  if (force) {
    store.remove(secret);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(options.now().getTime()) };
  }
  store.scheduleDeletion(secret, days);
  return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(secret.deletedDate as number) };
};

export const restoreSecret: Operation = (input, { store }) => {
  const secret = store.get(input.requiredStr('SecretId', SECRET_ID_RULE));
  store.restore(secret);
  return { ARN: secret.arn, Name: secret.name };
};

export const tagResource: Operation = (input, { store, options }) => {
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const tags = readTags(input);
  if (tags === undefined) throw err.param('Tags is required');
  secret.tags = mergeTags(secret.tags, tags);
  secret.lastChanged = options.now().getTime();
  return {};
};

export const untagResource: Operation = (input, { store, options }) => {
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const keys = input.strList('TagKeys', 0, MAX_TAGS, { min: 1, max: 128 });
  if (keys === undefined) throw err.param('TagKeys is required');
  secret.tags = secret.tags.filter((t) => !keys.includes(t.Key));
  secret.lastChanged = options.now().getTime();
  return {};
};
