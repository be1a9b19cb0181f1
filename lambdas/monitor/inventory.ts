import {
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  type SecretListEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { pendingVersionId, type SecretView } from './assess';

/** Which secrets the monitor watches. */
export interface InventoryFilter {
  /** Function names of this deployment start with this (e.g. `rotation-`). */
  readonly functionNamePrefix: string;
}

/** A watched secret and, when a rotation is incomplete, when its pending version was created. */
export interface WatchedSecret {
  readonly view: SecretView;
  readonly pendingCreatedAt?: Date;
}

/** Function name of a Lambda ARN (`arn:aws:lambda:r:a:function:NAME[:qualifier]`). */
export function functionNameOf(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 7 ? parts[6] : arn;
}

/**
 * True when the secret is rotated by one of this deployment's functions. Secrets whose rotation was switched
 * off keep their RotationLambdaARN (DescribeSecret documents this), so they stay watched and are reported as
 * disabled.
 */
export function isWatched(entry: SecretListEntry, filter: InventoryFilter): boolean {
  return (
    entry.RotationLambdaARN !== undefined &&
    functionNameOf(entry.RotationLambdaARN).startsWith(filter.functionNamePrefix)
  );
}

function toView(entry: SecretListEntry): SecretView {
  return {
    name: entry.Name ?? entry.ARN ?? '(unnamed)',
    rotationEnabled: entry.RotationEnabled === true,
    ...(entry.RotationRules ? { rules: entry.RotationRules } : {}),
    ...(entry.LastRotatedDate ? { lastRotatedDate: entry.LastRotatedDate } : {}),
    ...(entry.CreatedDate ? { createdDate: entry.CreatedDate } : {}),
    versionsToStages: entry.SecretVersionsToStages ?? {},
  };
}

async function pendingCreatedAt(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
): Promise<Date | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: secretId, NextToken: nextToken, MaxResults: 100 }),
    );
    const version = page.Versions?.find((v) => v.VersionId === versionId);
    if (version) return version.CreatedDate;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

/**
 * Lists every watched secret (ListSecrets pages, no secret values read) and, for those with an incomplete
 * rotation, the age of the pending version: one ListSecretVersionIds call only for those.
 */
export async function listWatchedSecrets(
  client: SecretsManagerClient,
  filter: InventoryFilter,
): Promise<WatchedSecret[]> {
  const watched: WatchedSecret[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretsCommand({ NextToken: nextToken, MaxResults: 100, IncludePlannedDeletion: false }),
    );
    for (const entry of page.SecretList ?? []) {
      if (!isWatched(entry, filter)) continue;
      const view = toView(entry);
      const pending = pendingVersionId(view.versionsToStages);
      const createdAt =
        pending === undefined ? undefined : await pendingCreatedAt(client, entry.ARN ?? view.name, pending);
      watched.push({ view, ...(createdAt ? { pendingCreatedAt: createdAt } : {}) });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return watched;
}
