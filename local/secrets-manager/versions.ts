import { err } from './errors';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, MAX_LABELS, type SecretRecord, type VersionRecord } from './model';

/** A label attached to a version by an operation (the source of `Secret Label Updated` events). */
export interface LabelChange {
  readonly label: string;
  readonly versionId: string;
}

/** The version a label is on. Labels are unique per secret, so there is at most one. */
export function holderOf(secret: SecretRecord, label: string): VersionRecord | undefined {
  return secret.versions.find((v) => v.stages.includes(label));
}

export function findVersion(secret: SecretRecord, versionId: string): VersionRecord | undefined {
  return secret.versions.find((v) => v.id === versionId);
}

export function detach(version: VersionRecord, label: string): void {
  version.stages = version.stages.filter((s) => s !== label);
}

/** Throws LimitExceededException if adding `labels` would put more than 20 distinct labels on the secret. */
export function assertLabelRoom(secret: SecretRecord, labels: readonly string[]): void {
  const all = new Set(secret.versions.flatMap((v) => v.stages));
  for (const label of labels) all.add(label);
  // Attaching AWSCURRENT to a new version can add AWSPREVIOUS as well.
  if (labels.includes(AWSCURRENT) && holderOf(secret, AWSCURRENT)) all.add(AWSPREVIOUS);
  if (all.size > MAX_LABELS) throw err.tooManyLabels(all.size, MAX_LABELS);
}

/**
 * Attaches `label` to `target`, taking it off whichever version held it (a label is on at most one version).
 * Moving AWSCURRENT also moves AWSPREVIOUS onto the version AWSCURRENT left; AWSPENDING and custom labels on
 * either version are left alone (AWS-BEHAVIOUR.md 3.1 rule 5, 3.2).
 */
export function attach(secret: SecretRecord, target: VersionRecord, label: string): LabelChange[] {
  const from = holderOf(secret, label);
  if (from === target) return [];
  if (from) detach(from, label);
  target.stages.push(label);
  const changes: LabelChange[] = [{ label, versionId: target.id }];
  if (label === AWSCURRENT && from) changes.push(...attach(secret, from, AWSPREVIOUS));
  return changes;
}

/** True while a rotation is incomplete: AWSPENDING sits on a version without AWSCURRENT (section 10 (d)). */
export function rotationIncomplete(secret: SecretRecord): VersionRecord | undefined {
  const pending = holderOf(secret, AWSPENDING);
  return pending && !pending.stages.includes(AWSCURRENT) ? pending : undefined;
}

/** Versions that carry at least one label: the ones AWS lists by default. */
export function labelledVersions(secret: SecretRecord): VersionRecord[] {
  return secret.versions.filter((v) => v.stages.length > 0);
}
