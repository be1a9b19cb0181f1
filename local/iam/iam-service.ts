import { AwsServiceError, type CallerIdentity, type ServiceHandler } from '../http-types';
import type { AccessKeyRecord, KeyLookup } from '../sigv4/types';
import { IAM_OPERATIONS, type IamContext, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, userArn } from './iam-operations';
import { parseSnapshot } from './iam-snapshot';
import { IamState } from './iam-state';
import { actionOf, queryParams, xmlResponse } from './query-protocol';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const IAM_VERSION = '2010-05-08';

export interface IamOptions {
  /** The 12-digit account id of every ARN. */
  readonly account: string;
  /** The emulator clock: key and user creation dates, propagation delays. */
  now(): Date;
  /**
   * New access keys are refused (like unknown keys) for this many seconds after creation, imitating IAM's
   * eventual consistency (`--iam-propagation-seconds`).
   * @default 0 - keys work at once
   */
  readonly propagationSeconds?: number;
}

/** IAM as a service of the emulator and as the key store the SigV4 verifier consults. */
export interface IamService extends ServiceHandler, KeyLookup {
  /** Records a use of a key the verifier accepted (GetAccessKeyLastUsed reports it). Unknown keys are ignored. */
  recordKeyUse(accessKeyId: string, service: string, region: string, when: Date): void;
  /** Everything, secrets included, as plain JSON (for `--state`). */
  exportState(): unknown;
  /** Replaces everything with a state from `exportState`; throws naming the bad field. */
  importState(state: unknown): void;
  /** Forgets every user and key (the root key stays). */
  reset(): void;
}

/**
 * Creates the emulator's IAM: users and access keys over the query protocol (CreateUser, GetUser, ListUsers,
 * DeleteUser, CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed), and
 * the key lookup behind SigV4 verification: the root key `test`/`test` plus every IAM user key.
 *
 * @example
 * const iam = createIam({ account: '000000000000', now: () => clock.now(), propagationSeconds: 10 });
 * const authenticate = createAuthenticator({ keys: iam, now: () => clock.now(), onAccepted: iam.recordKeyUse });
 */
export function createIam(options: IamOptions): IamService {
  const state = new IamState();
  const context: IamContext = {
    state,
    account: options.account,
    propagationSeconds: options.propagationSeconds ?? 0,
    rootCreateDate: options.now(),
  };
  const rootIdentity: CallerIdentity = {
    accessKeyId: ROOT_ACCESS_KEY_ID,
    arn: `arn:aws:iam::${options.account}:root`,
    userId: options.account,
    account: options.account,
  };

  return {
    name: 'iam',
    operationOf: (req) => {
      const action = actionOf(req);
      return action !== undefined && Object.hasOwn(IAM_OPERATIONS, action) ? action : undefined;
    },
    async handle(req, ctx) {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      const operation = Object.hasOwn(IAM_OPERATIONS, action) ? IAM_OPERATIONS[action] : undefined;
      if (operation === undefined) {
        throw new AwsServiceError(
          'InvalidAction',
          `Could not find operation ${action} for version ${IAM_VERSION}`,
          400,
        );
      }
      return xmlResponse(action, IAM_NAMESPACE, operation(params, ctx, context), ctx.requestId);
    },
    find(accessKeyId): AccessKeyRecord | undefined {
      if (accessKeyId === ROOT_ACCESS_KEY_ID) {
        return { accessKeyId, secretAccessKey: ROOT_SECRET_ACCESS_KEY, status: 'Active', identity: rootIdentity };
      }
      const key = state.key(accessKeyId);
      if (key === undefined) return undefined;
      const user = state.user(key.userName);
      return {
        accessKeyId,
        secretAccessKey: key.secretAccessKey,
        status: key.status,
        identity: { accessKeyId, arn: userArn(options.account, user), userId: user.userId, account: options.account },
        ...(key.usableFrom === undefined ? {} : { usableFrom: new Date(key.usableFrom) }),
      };
    },
    recordKeyUse(accessKeyId, service, region, when) {
      const use = { date: when.toISOString(), service, region };
      if (accessKeyId === ROOT_ACCESS_KEY_ID) state.rootKeyLastUsed = use;
      const key = state.key(accessKeyId);
      if (key !== undefined) key.lastUsed = use;
    },
    exportState: () => state.snapshot(),
    importState: (saved) => state.restore(parseSnapshot(saved)),
    reset: () => state.clear(),
  };
}
