import { RotationError, type RotationErrorOptions } from '../core/errors';

/** IAM's per-user quota of access keys, inactive keys included (AWS-BEHAVIOUR.md section 9). Not adjustable. */
export const MAX_KEYS_PER_USER = 2;

/** One of the user's keys, as ListAccessKeys describes it. */
export interface KeyMetadata {
  readonly accessKeyId: string;
  readonly status: string;
}

/** What the rotation knows about the user's keys. */
export interface KnownKeys {
  /** The key of AWSCURRENT: never deleted. */
  readonly current: string;
  /** The key of AWSPREVIOUS, if the secret has one for this user. */
  readonly previous?: string;
  /** A key this container created for the same rotation whose secret was never stored (see strategy.ts). */
  readonly stranded?: string;
  /** Whether an Active AWSPREVIOUS key may be deleted (tag `rotation:delete-active-previous-key` or emergency). */
  readonly deleteActivePrevious: boolean;
}

/** The user's keys leave no room for a new one, and none of them may be deleted. Names key ids, never secrets. */
export class NoRoomForKeyError extends RotationError {
  readonly blockingKeyId: string;

  constructor(message: string, blockingKeyId: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'NoRoomForKeyError';
    this.blockingKeyId = blockingKeyId;
  }
}

/** Why a key may not be deleted, or undefined when it may. */
function blocker(key: KeyMetadata, known: KnownKeys): string | undefined {
  if (key.accessKeyId === known.current) return 'it is the AWSCURRENT key';
  if (key.accessKeyId === known.stranded) return undefined;
  if (key.accessKeyId === known.previous) {
    if (key.status !== 'Active' || known.deleteActivePrevious) return undefined;
    return 'it is the AWSPREVIOUS key and still Active (its grace period has not ended); deactivate it first, or set the tag rotation:delete-active-previous-key=true';
  }
  return `the secret does not know it (it is neither AWSCURRENT nor AWSPREVIOUS) and its status is ${key.status}; delete or rotate it by hand if nothing uses it`;
}

/**
 * The keys to delete before CreateAccessKey, in order. Rules:
 * - the AWSCURRENT key is never deleted;
 * - a stranded key of this rotation (created, secret lost) is always deleted, room or not: nobody can use it;
 * - the AWSPREVIOUS key may be deleted when Inactive, or when Active if `deleteActivePrevious`;
 * - any other key is never deleted: if it takes the room we need, this throws NoRoomForKeyError naming it.
 */
export function keysToDelete(userName: string, keys: readonly KeyMetadata[], known: KnownKeys): string[] {
  const doomed = keys.filter((k) => k.accessKeyId === known.stranded).map((k) => k.accessKeyId);
  let remaining = keys.filter((k) => !doomed.includes(k.accessKeyId));
  const ordered = [...remaining].sort((a, b) => rank(a, known) - rank(b, known));
  for (const key of ordered) {
    if (remaining.length < MAX_KEYS_PER_USER) break;
    const why = blocker(key, known);
    if (why !== undefined) continue;
    doomed.push(key.accessKeyId);
    remaining = remaining.filter((k) => k.accessKeyId !== key.accessKeyId);
  }
  if (remaining.length >= MAX_KEYS_PER_USER) {
    const blocking = remaining.find((k) => k.accessKeyId !== known.current) ?? remaining[0];
    throw new NoRoomForKeyError(
      `IAM user ${userName} already has ${remaining.length} access keys (the quota is ${MAX_KEYS_PER_USER}) and key ${blocking.accessKeyId} may not be deleted: ${blocker(blocking, known)}`,
      blocking.accessKeyId,
    );
  }
  return doomed;
}

/** Deletion preference: the inactive previous key first, then an active previous key. */
function rank(key: KeyMetadata, known: KnownKeys): number {
  if (key.accessKeyId === known.previous) return key.status === 'Active' ? 1 : 0;
  return 2;
}
