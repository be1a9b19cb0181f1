import type { IamSnapshot, LastUse, StoredKey, StoredUser, Tag } from './iam-state';

/** Reads a persisted IAM snapshot, failing with the field that is wrong (never with a secret's value). */
export function parseSnapshot(value: unknown): IamSnapshot {
  const root = record(value, 'iam state');
  const users = list(root.users, 'iam state users').map((item, i) => parseUser(item, `iam state users[${i}]`));
  const accessKeys = list(root.accessKeys, 'iam state accessKeys').map((item, i) =>
    parseKey(item, `iam state accessKeys[${i}]`),
  );
  const names = new Set(users.map((user) => user.userName));
  accessKeys.forEach((key, i) => {
    if (!names.has(key.userName)) {
      throw new Error(`iam state accessKeys[${i}].userName ${JSON.stringify(key.userName)} names no user in the state`);
    }
  });
  const rootKeyLastUsed =
    root.rootKeyLastUsed === undefined ? undefined : parseLastUse(root.rootKeyLastUsed, 'iam state rootKeyLastUsed');
  return { users, accessKeys, ...(rootKeyLastUsed === undefined ? {} : { rootKeyLastUsed }) };
}

function parseUser(value: unknown, where: string): StoredUser {
  const user = record(value, where);
  const tags = list(user.tags ?? [], `${where}.tags`).map((tag, i): Tag => {
    const t = record(tag, `${where}.tags[${i}]`);
    return { Key: text(t.Key, `${where}.tags[${i}].Key`), Value: text(t.Value, `${where}.tags[${i}].Value`) };
  });
  return {
    userName: text(user.userName, `${where}.userName`),
    userId: text(user.userId, `${where}.userId`),
    path: text(user.path, `${where}.path`),
    createDate: date(user.createDate, `${where}.createDate`),
    tags,
  };
}

function parseKey(value: unknown, where: string): StoredKey {
  const key = record(value, where);
  const status = key.status;
  if (status !== 'Active' && status !== 'Inactive') {
    throw new Error(`${where}.status must be "Active" or "Inactive", got ${JSON.stringify(status)}`);
  }
  return {
    accessKeyId: text(key.accessKeyId, `${where}.accessKeyId`),
    secretAccessKey: secret(key.secretAccessKey, `${where}.secretAccessKey`),
    userName: text(key.userName, `${where}.userName`),
    status,
    createDate: date(key.createDate, `${where}.createDate`),
    ...(key.usableFrom === undefined ? {} : { usableFrom: date(key.usableFrom, `${where}.usableFrom`) }),
    ...(key.lastUsed === undefined ? {} : { lastUsed: parseLastUse(key.lastUsed, `${where}.lastUsed`) }),
  };
}

function parseLastUse(value: unknown, where: string): LastUse {
  const use = record(value, where);
  return {
    date: date(use.date, `${where}.date`),
    service: text(use.service, `${where}.service`),
    region: text(use.region, `${where}.region`),
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be an array, got ${typeof value}`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Like `text`, but the message never repeats the value. */
function secret(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where} must be a non-empty string`);
  return value;
}

function date(value: unknown, where: string): string {
  const iso = text(value, where);
  if (Number.isNaN(Date.parse(iso))) throw new Error(`${where} must be an ISO 8601 date, got ${JSON.stringify(iso)}`);
  return iso;
}
