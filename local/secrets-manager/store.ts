import { randomInt, randomUUID } from 'node:crypto';
import { nextWindowStart } from '../../lambdas/core/schedule';
import { labelUpdatedEvent, serviceEvent } from '../events/event-shapes';
import type { RotationStorePort } from '../rotation/ports';
import type { DueRotation, SchedulePort } from '../rotation/scheduler';
import { err } from './errors';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  type SecretRecord,
  type SecretValue,
  sameValue,
  type Tag,
  type VersionRecord,
} from './model';
import {
  assertLabelRoom,
  attach,
  detach,
  findVersion,
  holderOf,
  type LabelChange,
  rotationIncomplete,
} from './versions';

export interface SecretStoreOptions {
  readonly account: string;
  readonly region: string;
  now(): Date;
  emit(event: Record<string, unknown>): void;
}

export interface NewSecret {
  readonly name: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly type?: string;
  readonly tags: Tag[];
}

/** The outcome of a version write. */
export interface PutResult {
  readonly version: VersionRecord;
  /** False when the token named an existing version with the same value (idempotent retry). */
  readonly created: boolean;
}

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN_SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const MAX_VERSIONS = 100;
const DAY_MS = 86_400_000;

/**
 * All secrets of one account and Region, with Secrets Manager's invariants: a label is on at most one version,
 * at most 20 labels per secret, the first version is always AWSCURRENT, AWSPREVIOUS follows AWSCURRENT moves.
 * It is also the port rotation orchestration and scheduling use (no HTTP in between).
 */
export class SecretStore implements RotationStorePort, SchedulePort {
  private readonly byName = new Map<string, SecretRecord>();

  constructor(private readonly options: SecretStoreOptions) {}

  private nowMs(): number {
    return this.options.now().getTime();
  }

  /** A secret by name, full ARN or partial ARN (without the 6-character suffix); deleted ones included. */
  find(secretId: string): SecretRecord | undefined {
    const prefix = `arn:aws:secretsmanager:${this.options.region}:${this.options.account}:secret:`;
    if (!secretId.startsWith('arn:')) return this.byName.get(secretId);
    if (!secretId.startsWith(prefix)) return undefined;
    const rest = secretId.slice(prefix.length);
    const full = this.byName.get(rest.slice(0, -7));
    if (full?.arn === secretId) return full;
    return this.byName.get(rest);
  }

  /** The secret, or ResourceNotFoundException. */
  get(secretId: string): SecretRecord {
    const secret = this.find(secretId);
    if (!secret) throw err.notFound();
    return secret;
  }

  /** The secret if it is not scheduled for deletion, else InvalidRequestException. */
  getLive(secretId: string): SecretRecord {
    const secret = this.get(secretId);
    if (secret.deletedDate !== undefined) throw err.markedForDeletion();
    return secret;
  }

  list(): SecretRecord[] {
    return [...this.byName.values()];
  }

  create(input: NewSecret): SecretRecord {
    if (!NAME_PATTERN.test(input.name)) throw err.invalidName();
    const suffix = Array.from({ length: 6 }, () => ARN_SUFFIX_CHARS[randomInt(ARN_SUFFIX_CHARS.length)]).join('');
    const now = this.nowMs();
    const secret: SecretRecord = {
      arn: `arn:aws:secretsmanager:${this.options.region}:${this.options.account}:secret:${input.name}-${suffix}`,
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.kmsKeyId === undefined ? {} : { kmsKeyId: input.kmsKeyId }),
      ...(input.type === undefined ? {} : { type: input.type }),
      tags: input.tags,
      created: now,
      lastChanged: now,
      versions: [],
    };
    this.byName.set(secret.name, secret);
    return secret;
  }

  /** Map of VersionId to labels for labelled versions (DescribeSecret.VersionIdsToStages). */
  versionStages(secretId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const v of this.get(secretId).versions) if (v.stages.length > 0) out[v.id] = [...v.stages];
    return out;
  }

  getVersionValue(secretId: string, versionId: string): SecretValue | undefined {
    const version = findVersion(this.get(secretId), versionId);
    return version?.value;
  }

  /**
   * Writes a version with PutSecretValue's semantics (AWS-BEHAVIOUR.md 3.1). A token naming a version with a
   * value is an idempotent retry (same value) or ResourceExistsException; a token naming the value-less rotation
   * stub fills it. `manual` writes (PutSecretValue, UpdateSecret) that make a new AWSCURRENT abandon an
   * incomplete rotation: AWSPENDING comes off every version and RotationAbandoned is recorded.
   */
  putVersion(
    secretId: string,
    token: string,
    value: SecretValue,
    stages?: readonly string[],
    manual = false,
  ): PutResult {
    const secret = this.get(secretId);
    const existing = findVersion(secret, token);
    if (existing?.value !== undefined) {
      if (sameValue(existing.value, value)) return { version: existing, created: false };
      throw err.tokenInUse(token, secret.arn);
    }
    const requested = stages ?? [AWSCURRENT];
    const labels = [...new Set(requested)];
    if (!holderOf(secret, AWSCURRENT) && !labels.includes(AWSCURRENT)) labels.push(AWSCURRENT);
    assertLabelRoom(secret, labels);
    const abandon = manual && !existing && labels.includes(AWSCURRENT) && !requested.includes(AWSPENDING);
    const abandoned = abandon ? rotationIncomplete(secret) : undefined;
    const version: VersionRecord = existing ?? { id: token, stages: [], created: this.nowMs() };
    version.value = value;
    if (!existing) secret.versions.push(version);
    const changes = labels.flatMap((label) => attach(secret, version, label));
    if (abandon) for (const v of secret.versions) detach(v, AWSPENDING);
    if (abandoned) this.emitService('RotationAbandoned', secret.arn);
    secret.lastChanged = this.nowMs();
    if (manual && labels.includes(AWSCURRENT)) this.countManualRotation(secret);
    this.trimVersions(secret);
    this.emitLabels(secret, changes);
    return { version, created: true };
  }

  /** Attaches `label` to `toVersionId` (moving it off its holder); AWSCURRENT moves take AWSPREVIOUS along. */
  moveLabel(secretId: string, label: string, toVersionId: string): void {
    const secret = this.get(secretId);
    const target = findVersion(secret, toVersionId);
    if (!target) throw err.param(`MoveToVersionId ${toVersionId} is not a version of secret ${secret.arn}`);
    assertLabelRoom(secret, [label]);
    const changes = attach(secret, target, label);
    secret.lastChanged = this.nowMs();
    this.emitLabels(secret, changes);
  }

  removeLabel(secretId: string, label: string, fromVersionId: string): void {
    const secret = this.get(secretId);
    const version = findVersion(secret, fromVersionId);
    if (!version) throw err.param(`RemoveFromVersionId ${fromVersionId} is not a version of secret ${secret.arn}`);
    detach(version, label);
    secret.lastChanged = this.nowMs();
  }

  /** Records a successful rotation: LastRotatedDate, and NextRotationDate from the stored rules. */
  markRotated(secretId: string, when: Date = this.options.now()): void {
    const secret = this.find(secretId);
    if (!secret) return;
    secret.lastRotated = when.getTime();
    if (secret.rotationRules) secret.nextRotation = nextWindowStart(secret.rotationRules, when).getTime();
  }

  /** "Manually updating the secret value … is considered a valid rotation" for AutomaticallyAfterDays. */
  private countManualRotation(secret: SecretRecord): void {
    if (secret.rotationEnabled && secret.rotationRules?.AutomaticallyAfterDays !== undefined) {
      secret.nextRotation = nextWindowStart(secret.rotationRules, this.options.now()).getTime();
    }
  }

  /** AWS removes unlabelled versions past 100, but none younger than 24 hours. */
  private trimVersions(secret: SecretRecord): void {
    const cutoff = this.nowMs() - DAY_MS;
    while (secret.versions.length > MAX_VERSIONS) {
      const index = secret.versions.findIndex((v) => v.stages.length === 0 && v.created < cutoff);
      if (index < 0) return;
      secret.versions.splice(index, 1);
    }
  }

  /** Adds the value-less AWSPENDING stub a rotation starts with, taking AWSPENDING off a completed version. */
  addPendingStub(secret: SecretRecord, token: string): void {
    if (findVersion(secret, token)) throw err.tokenInUse(token, secret.arn);
    assertLabelRoom(secret, [AWSPENDING]);
    const pending = holderOf(secret, AWSPENDING);
    if (pending) detach(pending, AWSPENDING);
    secret.versions.push({ id: token, stages: [AWSPENDING], created: this.nowMs() });
  }

  scheduleDeletion(secret: SecretRecord, days: number): void {
    secret.deletedDate = this.nowMs() + days * DAY_MS;
  }

  restore(secret: SecretRecord): void {
    delete secret.deletedDate;
  }

  remove(secret: SecretRecord): void {
    this.byName.delete(secret.name);
  }

  // --- RotationStorePort -------------------------------------------------------------------------------------

  isActive(secretArn: string, token: string): boolean {
    const secret = this.find(secretArn);
    if (!secret || secret.deletedDate !== undefined || secret.rotationEnabled !== true) return false;
    return findVersion(secret, token)?.stages.includes(AWSPENDING) === true;
  }

  addTestVersion(secretArn: string, versionId: string): void {
    const secret = this.get(secretArn);
    const current = holderOf(secret, AWSCURRENT);
    this.addPendingStub(secret, versionId);
    const stub = findVersion(secret, versionId) as VersionRecord;
    if (current?.value) stub.value = current.value;
  }

  removeTestVersion(secretArn: string, versionId: string): void {
    const secret = this.find(secretArn);
    if (secret) secret.versions = secret.versions.filter((v) => v.id !== versionId);
  }

  // --- SchedulePort ------------------------------------------------------------------------------------------

  dueRotations(now: Date): readonly DueRotation[] {
    return this.list()
      .filter((s) => s.deletedDate === undefined && s.rotationEnabled === true && s.rotationLambdaArn !== undefined)
      .filter((s) => s.nextRotation !== undefined && s.nextRotation <= now.getTime())
      .map((s) => ({
        secretArn: s.arn,
        functionArn: s.rotationLambdaArn as string,
        nextRotationDate: new Date(s.nextRotation as number),
      }));
  }

  beginScheduledRotation(secretArn: string): string | undefined {
    const secret = this.find(secretArn);
    if (!secret || secret.deletedDate !== undefined || secret.rotationEnabled !== true) return undefined;
    const incomplete = rotationIncomplete(secret);
    if (incomplete) return incomplete.id;
    const token = randomUUID();
    this.addPendingStub(secret, token);
    return token;
  }

  purgeDeleted(now: Date): number {
    const due = this.list().filter((s) => s.deletedDate !== undefined && s.deletedDate <= now.getTime());
    for (const secret of due) this.remove(secret);
    return due.length;
  }

  // --- state -------------------------------------------------------------------------------------------------

  exportSecrets(): SecretRecord[] {
    return structuredClone(this.list());
  }

  importSecrets(secrets: readonly SecretRecord[]): void {
    this.byName.clear();
    for (const secret of structuredClone(secrets)) this.byName.set(secret.name, secret);
  }

  private emitLabels(secret: SecretRecord, changes: readonly LabelChange[]): void {
    for (const change of changes) {
      if (change.label === AWSPENDING || change.label === AWSPREVIOUS) continue;
      this.options.emit({
        ...labelUpdatedEvent({
          account: this.options.account,
          region: this.options.region,
          time: this.options.now(),
          secretArn: secret.arn,
          secretName: secret.name,
          label: change.label,
          versionId: change.versionId,
        }),
      });
    }
  }

  private emitService(eventName: string, secretArn: string): void {
    const { account, region } = this.options;
    this.options.emit({ ...serviceEvent({ account, region, time: this.options.now(), eventName, secretArn }) });
  }
}
