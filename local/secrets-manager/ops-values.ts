import { err } from './errors';
import { SECRET_ID_RULE, STAGE_RULE, TOKEN_RULE } from './input';
import { AWSCURRENT, MAX_LABELS, type SecretRecord, type SecretValue, utcDay, type VersionRecord } from './model';
import type { OpContext, Operation } from './options';
import { page } from './paging';
import { readValue } from './values';
import { findVersion, holderOf } from './versions';
import { secretValueView, versionEntryView } from './views';

/** Resolves GetSecretValue's VersionId / VersionStage pair (AWS-BEHAVIOUR.md 3.3) to a version with a value. */
export function resolveValue(
  secret: SecretRecord,
  versionId: string | undefined,
  stage: string | undefined,
): { version: VersionRecord; value: SecretValue } {
  let version: VersionRecord | undefined;
  if (versionId !== undefined) {
    version = findVersion(secret, versionId);
    if (!version) throw err.noValueForVersion(versionId);
    if (stage !== undefined && !version.stages.includes(stage)) throw err.stageNotOnVersion();
  } else {
    version = holderOf(secret, stage ?? AWSCURRENT);
  }
  // The rotation stub exists but has no value yet: AWS reports it as not found.
  if (!version?.value) {
    throw versionId !== undefined ? err.noValueForVersion(versionId) : err.noValueForStage(stage ?? AWSCURRENT);
  }
  return { version, value: version.value };
}

function touch(secret: SecretRecord, version: VersionRecord, ctx: OpContext): void {
  const day = utcDay(ctx.options.now().getTime());
  secret.lastAccessed = day;
  version.lastAccessed = day;
}

export const getSecretValue: Operation = (input, ctx) => {
  const secret = ctx.store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const versionId = input.str('VersionId', TOKEN_RULE);
  const stage = input.str('VersionStage', STAGE_RULE);
  const { version, value } = resolveValue(secret, versionId, stage);
  touch(secret, version, ctx);
  return secretValueView(secret, version, value);
};

export const putSecretValue: Operation = (input, { store }) => {
  const token = input.str('ClientRequestToken', TOKEN_RULE);
  if (token === undefined) throw err.missingToken('InvalidRequestException');
  const secretId = input.requiredStr('SecretId', SECRET_ID_RULE);
  const value = readValue(input);
  const stages = input.strList('VersionStages', 1, MAX_LABELS, STAGE_RULE);
  input.str('RotationToken', { min: 36, max: 256, pattern: /^[a-zA-Z0-9-]+$/ });
  const secret = store.getLive(secretId);
  if (value === undefined) throw err.param('You must provide either SecretString or SecretBinary.');
  const { version } = store.putVersion(secret.arn, token, value, stages, true);
  return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
};

/**
 * Moves or removes one label (AWS-BEHAVIOUR.md 3.2). A label that sits on another version can only be moved by
 * naming that version in RemoveFromVersionId, for every label (moto checks this for AWSCURRENT only).
 */
export const updateSecretVersionStage: Operation = (input, { store }) => {
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const label = input.requiredStr('VersionStage', STAGE_RULE);
  const moveTo = input.str('MoveToVersionId', TOKEN_RULE);
  const removeFrom = input.str('RemoveFromVersionId', TOKEN_RULE);
  if (moveTo === undefined && removeFrom === undefined) {
    throw err.param('You must specify MoveToVersionId, RemoveFromVersionId or both.');
  }
  for (const id of [moveTo, removeFrom]) {
    if (id !== undefined && !findVersion(secret, id))
      throw err.param(`Version ${id} not found for secret ${secret.arn}.`);
  }
  const holder = holderOf(secret, label);
  if (removeFrom !== undefined && holder?.id !== removeFrom) {
    throw err.param(`Staging label ${label} is not attached to version ${removeFrom}, so it can't be removed from it.`);
  }
  if (moveTo === undefined) {
    if (label === AWSCURRENT) {
      throw err.param('You can only move the staging label AWSCURRENT to another version; specify MoveToVersionId.');
    }
    store.removeLabel(secret.arn, label, removeFrom as string);
    return { ARN: secret.arn, Name: secret.name };
  }
  if (holder && holder.id !== moveTo && removeFrom === undefined) {
    throw err.param(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  store.moveLabel(secret.arn, label, moveTo);
  return { ARN: secret.arn, Name: secret.name };
};

export const listSecretVersionIds: Operation = (input, { store }) => {
  const secret = store.get(input.requiredStr('SecretId', SECRET_ID_RULE));
  const max = input.int('MaxResults', 1, 100) ?? 100;
  const nextToken = input.str('NextToken', { min: 1, max: 4096 });
  const includeDeprecated = input.bool('IncludeDeprecated') === true;
  const versions = secret.versions.filter((v) => includeDeprecated || v.stages.length > 0);
  const { items, next } = page(versions, max, nextToken);
  return {
    Versions: items.map((v) => versionEntryView(secret, v)),
    ...(next === undefined ? {} : { NextToken: next }),
    ARN: secret.arn,
    Name: secret.name,
  };
};
