import { accessKeyQuota, noSuchAccessKey, noSuchUser, userExists, userHasKeys } from './iam-errors';
import { newAccessKeyId, newSecretAccessKey, newUserId } from './ids';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface StoredUser {
  readonly userName: string;
  readonly userId: string;
  readonly path: string;
  /** ISO 8601 */
  readonly createDate: string;
  readonly tags: readonly Tag[];
}

export interface LastUse {
  /** ISO 8601 */
  readonly date: string;
  readonly service: string;
  readonly region: string;
}

export interface StoredKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userName: string;
  status: 'Active' | 'Inactive';
  /** ISO 8601 */
  readonly createDate: string;
  /** ISO 8601; absent when keys work at once. */
  readonly usableFrom?: string;
  lastUsed?: LastUse;
}

/** The persisted form of IAM (`exportState` / `importState`). */
export interface IamSnapshot {
  readonly users: readonly StoredUser[];
  readonly accessKeys: readonly StoredKey[];
  readonly rootKeyLastUsed?: LastUse;
}

/** AWS quota: "Access keys assigned to an IAM user: 2"; inactive keys count too (AWS-BEHAVIOUR.md section 9). */
export const ACCESS_KEYS_PER_USER = 2;

/**
 * IAM users and their access keys. User names are unique regardless of case and found regardless of case,
 * as in IAM; each answer keeps the case the user was created with.
 */
export class IamState {
  private readonly users = new Map<string, StoredUser>();
  private readonly keys = new Map<string, StoredKey>();
  rootKeyLastUsed: LastUse | undefined;

  user(userName: string): StoredUser {
    const user = this.users.get(userName.toLowerCase());
    if (user === undefined) throw noSuchUser(userName);
    return user;
  }

  userById(userId: string): StoredUser | undefined {
    return [...this.users.values()].find((user) => user.userId === userId);
  }

  /** Every user, sorted by name. */
  allUsers(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => a.userName.localeCompare(b.userName));
  }

  createUser(userName: string, path: string, tags: readonly Tag[], now: Date): StoredUser {
    if (this.users.has(userName.toLowerCase())) throw userExists(userName);
    const user: StoredUser = { userName, userId: newUserId(), path, createDate: now.toISOString(), tags };
    this.users.set(userName.toLowerCase(), user);
    return user;
  }

  deleteUser(userName: string): void {
    const user = this.user(userName);
    if (this.keysOf(user.userName).length > 0) throw userHasKeys();
    this.users.delete(user.userName.toLowerCase());
  }

  /** The user's keys in creation order. */
  keysOf(userName: string): StoredKey[] {
    const canonical = this.user(userName).userName;
    return [...this.keys.values()].filter((key) => key.userName === canonical);
  }

  key(accessKeyId: string): StoredKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The key, if `userName` owns it; NoSuchEntity for an unknown user or a key of someone else. */
  keyOf(userName: string, accessKeyId: string): StoredKey {
    const canonical = this.user(userName).userName;
    const key = this.keys.get(accessKeyId);
    if (key === undefined || key.userName !== canonical) throw noSuchAccessKey(accessKeyId);
    return key;
  }

  createAccessKey(userName: string, now: Date, propagationSeconds: number): StoredKey {
    const user = this.user(userName);
    if (this.keysOf(user.userName).length >= ACCESS_KEYS_PER_USER) throw accessKeyQuota();
    let accessKeyId = newAccessKeyId();
    while (this.keys.has(accessKeyId)) accessKeyId = newAccessKeyId();
    const key: StoredKey = {
      accessKeyId,
      secretAccessKey: newSecretAccessKey(),
      userName: user.userName,
      status: 'Active',
      createDate: now.toISOString(),
      ...(propagationSeconds > 0
        ? { usableFrom: new Date(now.getTime() + propagationSeconds * 1000).toISOString() }
        : {}),
    };
    this.keys.set(accessKeyId, key);
    return key;
  }

  deleteAccessKey(userName: string, accessKeyId: string): void {
    this.keyOf(userName, accessKeyId);
    this.keys.delete(accessKeyId);
  }

  snapshot(): IamSnapshot {
    return {
      users: this.allUsers().map((user) => ({ ...user, tags: user.tags.map((tag) => ({ ...tag })) })),
      accessKeys: [...this.keys.values()].map((key) => ({ ...key })),
      ...(this.rootKeyLastUsed === undefined ? {} : { rootKeyLastUsed: { ...this.rootKeyLastUsed } }),
    };
  }

  restore(snapshot: IamSnapshot): void {
    this.clear();
    for (const user of snapshot.users) this.users.set(user.userName.toLowerCase(), { ...user });
    for (const key of snapshot.accessKeys) this.keys.set(key.accessKeyId, { ...key });
    this.rootKeyLastUsed = snapshot.rootKeyLastUsed;
  }

  clear(): void {
    this.users.clear();
    this.keys.clear();
    this.rootKeyLastUsed = undefined;
  }
}
