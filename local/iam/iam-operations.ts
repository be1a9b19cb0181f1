import type { RequestContext } from '../http-types';
import { checkEnum, checkInteger, checkString, invalidInput, noSuchAccessKey, noSuchUser, SHAPES } from './iam-errors';
import type { IamState, StoredKey, StoredUser, Tag } from './iam-state';
import { element, members, wrap, xmlDate } from './query-protocol';

/** The emulator's root access key (`test`/`test`, as every local AWS tool uses). */
export const ROOT_ACCESS_KEY_ID = 'test';
export const ROOT_SECRET_ACCESS_KEY = 'test';

/** What the operations share: the state, the clock and the IAM options. */
export interface IamContext {
  readonly state: IamState;
  readonly account: string;
  readonly propagationSeconds: number;
  /** When the root identity "was created" (shown by GetUser and ListAccessKeys for root). */
  readonly rootCreateDate: Date;
}

/** An operation: request parameters in, the XML inside `<ActionResult>` out (undefined: no result element). */
export type IamOperation = (params: URLSearchParams, ctx: RequestContext, iam: IamContext) => string | undefined;

const MAX_TAGS_PER_USER = 50;

export const userArn = (account: string, user: StoredUser): string =>
  `arn:aws:iam::${account}:user${user.path}${user.userName}`;

/** Whose keys or user record an operation means: `UserName` if given, else the signing identity. */
type Subject = { readonly root: true } | { readonly root: false; readonly userName: string };

function subject(params: URLSearchParams, ctx: RequestContext, iam: IamContext): Subject {
  const named = checkString(params, 'UserName', SHAPES.existingUserName, false);
  if (named !== undefined) return { root: false, userName: iam.state.user(named).userName };
  if (ctx.caller.arn.endsWith(':root')) return { root: true };
  const user = iam.state.userById(ctx.caller.userId);
  if (user === undefined) throw noSuchUser(ctx.caller.arn.split('/').pop() ?? ctx.caller.arn);
  return { root: false, userName: user.userName };
}

/**
 * The emulator serves the root key `test` but does not issue, change or delete root keys (AWS allows root
 * keys; local tooling depends on `test` working): such calls must name a user.
 */
const rootKeysUnmanaged = () =>
  invalidInput('The emulator does not manage root access keys: UserName is required when the caller is the root user.');

function userXml(user: StoredUser, account: string, withTags: boolean): string {
  return [
    element('Path', user.path),
    element('UserName', user.userName),
    element('UserId', user.userId),
    element('Arn', userArn(account, user)),
    element('CreateDate', xmlDate(user.createDate)),
    withTags && user.tags.length > 0
      ? members('Tags', user.tags, (tag) => element('Key', tag.Key) + element('Value', tag.Value))
      : '',
  ].join('');
}

type KeyMetadata = Pick<StoredKey, 'accessKeyId' | 'status' | 'createDate'> & { readonly userName?: string };

function keyMetadataXml(key: KeyMetadata): string {
  return (
    element('UserName', key.userName) +
    element('AccessKeyId', key.accessKeyId) +
    element('Status', key.status) +
    element('CreateDate', xmlDate(key.createDate))
  );
}

/** One page of `items` after the opaque `Marker`, at most `MaxItems` (1-1000, default 100) long. */
function page<T>(params: URLSearchParams, items: readonly T[]): { items: T[]; xml: string } {
  const maxItems = checkInteger(params, 'MaxItems', 1, 1000, 100);
  const marker = checkString(params, 'Marker', SHAPES.marker, false);
  let start = 0;
  if (marker !== undefined) {
    start = Number(/^i:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'))?.[1] ?? Number.NaN);
    if (!Number.isInteger(start)) throw invalidInput(`Marker ${marker} is not a marker this API returned.`);
  }
  const end = start + maxItems;
  const truncated = end < items.length;
  const xml =
    element('IsTruncated', truncated) +
    (truncated ? element('Marker', Buffer.from(`i:${end}`).toString('base64url')) : '');
  return { items: items.slice(start, end), xml };
}

function tagsOf(params: URLSearchParams): Tag[] {
  const tags: Tag[] = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`) || params.has(`Tags.member.${i}.Value`); i++) {
    const Key = checkString(params, `Tags.member.${i}.Key`, SHAPES.tagKey, true) ?? '';
    const Value = checkString(params, `Tags.member.${i}.Value`, SHAPES.tagValue, true) ?? '';
    tags.push({ Key, Value });
  }
  if (tags.length > MAX_TAGS_PER_USER) {
    throw invalidInput(`A user can have at most ${MAX_TAGS_PER_USER} tags, got ${tags.length}.`);
  }
  return tags;
}

const createUser: IamOperation = (params, ctx, iam) => {
  const userName = checkString(params, 'UserName', SHAPES.userName, true) ?? '';
  const path = checkString(params, 'Path', SHAPES.path, false) ?? '/';
  const user = iam.state.createUser(userName, path, tagsOf(params), ctx.now());
  return wrap('User', userXml(user, iam.account, true));
};

const getUser: IamOperation = (params, ctx, iam) => {
  const who = subject(params, ctx, iam);
  if (who.root) {
    return wrap(
      'User',
      element('UserId', iam.account) +
        element('Arn', `arn:aws:iam::${iam.account}:root`) +
        element('CreateDate', xmlDate(iam.rootCreateDate)),
    );
  }
  return wrap('User', userXml(iam.state.user(who.userName), iam.account, true));
};

const listUsers: IamOperation = (params, _ctx, iam) => {
  const prefix = checkString(params, 'PathPrefix', SHAPES.pathPrefix, false) ?? '/';
  const { items, xml } = page(
    params,
    iam.state.allUsers().filter((user) => user.path.startsWith(prefix)),
  );
  return members('Users', items, (user) => userXml(user, iam.account, false)) + xml;
};

const deleteUser: IamOperation = (params, _ctx, iam) => {
  iam.state.deleteUser(checkString(params, 'UserName', SHAPES.existingUserName, true) ?? '');
  return undefined;
};

const createAccessKey: IamOperation = (params, ctx, iam) => {
  const who = subject(params, ctx, iam);
  if (who.root) throw rootKeysUnmanaged();
  const key = iam.state.createAccessKey(who.userName, ctx.now(), iam.propagationSeconds);
  return wrap(
    'AccessKey',
    element('UserName', key.userName) +
      element('AccessKeyId', key.accessKeyId) +
      element('Status', key.status) +
      element('SecretAccessKey', key.secretAccessKey) +
      element('CreateDate', xmlDate(key.createDate)),
  );
};

const listAccessKeys: IamOperation = (params, ctx, iam) => {
  const who = subject(params, ctx, iam);
  const keys: readonly KeyMetadata[] = who.root
    ? [{ accessKeyId: ROOT_ACCESS_KEY_ID, status: 'Active' as const, createDate: iam.rootCreateDate.toISOString() }]
    : iam.state.keysOf(who.userName);
  const { items, xml } = page(params, keys);
  return members('AccessKeyMetadata', items, keyMetadataXml) + xml;
};

/** The key an Update/Delete names, owned by the subject (`test`, too short for the model, never gets here). */
function ownedKey(params: URLSearchParams, ctx: RequestContext, iam: IamContext): StoredKey {
  const accessKeyId = checkString(params, 'AccessKeyId', SHAPES.accessKeyId, true) ?? '';
  const who = subject(params, ctx, iam);
  if (!who.root) return iam.state.keyOf(who.userName, accessKeyId);
  throw noSuchAccessKey(accessKeyId);
}

const updateAccessKey: IamOperation = (params, ctx, iam) => {
  const status = checkEnum(params, 'Status', ['Active', 'Inactive', 'Expired'] as const);
  const key = ownedKey(params, ctx, iam);
  if (status === 'Expired') throw invalidInput('Access key status Expired cannot be set; expected Active or Inactive.');
  key.status = status;
  return undefined;
};

const deleteAccessKey: IamOperation = (params, ctx, iam) => {
  const key = ownedKey(params, ctx, iam);
  iam.state.deleteAccessKey(key.userName, key.accessKeyId);
  return undefined;
};

const getAccessKeyLastUsed: IamOperation = (params, _ctx, iam) => {
  // The model pattern allows shorter ids than AccessKeyId elsewhere; `test` (root) must be askable.
  const accessKeyId = checkString(params, 'AccessKeyId', { ...SHAPES.accessKeyId, min: 1 }, true) ?? '';
  const key = iam.state.key(accessKeyId);
  // The model declares no error for an unknown id and no source shows AWS's answer: NoSuchEntity is inferred.
  if (key === undefined && accessKeyId !== ROOT_ACCESS_KEY_ID) throw noSuchAccessKey(accessKeyId);
  const used = key === undefined ? iam.state.rootKeyLastUsed : key.lastUsed;
  return (
    element('UserName', key?.userName) +
    wrap(
      'AccessKeyLastUsed',
      element('LastUsedDate', used === undefined ? undefined : xmlDate(used.date)) +
        element('ServiceName', used?.service ?? 'N/A') +
        element('Region', used?.region ?? 'N/A'),
    )
  );
};

/** The IAM operations the emulator serves, by query-protocol `Action`. */
export const IAM_OPERATIONS: Readonly<Record<string, IamOperation>> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  DeleteUser: deleteUser,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
};
