import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { RotationError, type RotationErrorOptions } from '../core/errors';
import type { KeyMetadata } from './make-room';

/** An IAM call failed. The message names the operation, the user and the key id; the cause is the SDK error. */
export class IamCallError extends RotationError {
  constructor(message: string, options?: RotationErrorOptions) {
    super(message, options);
    this.name = 'IamCallError';
  }
}

/**
 * The IAM client of a rotation function, made once per container. The endpoint follows AWS_ENDPOINT_URL_IAM and
 * AWS_ENDPOINT_URL, which the SDK reads itself.
 */
export function createIamClient(): IAMClient {
  return new IAMClient({});
}

function sdkErrorName(error: unknown): string {
  return error !== null && typeof error === 'object' && 'name' in error ? String(error.name) : 'Error';
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new IamCallError(`IAM ${what} failed: ${sdkErrorName(error)}: ${message}`, { cause: error });
  }
}

/** A new key: its secret access key is returned by IAM only this once. */
export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** IAM operations on one user's access keys, with errors that say which call, user and key failed. */
export class UserKeys {
  constructor(
    private readonly client: IAMClient,
    readonly userName: string,
  ) {}

  async list(): Promise<KeyMetadata[]> {
    const keys: KeyMetadata[] = [];
    let marker: string | undefined;
    do {
      const out = await call(`ListAccessKeys for user ${this.userName}`, () =>
        this.client.send(new ListAccessKeysCommand({ UserName: this.userName, Marker: marker })),
      );
      for (const key of out.AccessKeyMetadata ?? []) {
        if (key.AccessKeyId) keys.push({ accessKeyId: key.AccessKeyId, status: key.Status ?? 'Active' });
      }
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker !== undefined);
    return keys;
  }

  async create(): Promise<NewAccessKey> {
    const out = await call(`CreateAccessKey for user ${this.userName}`, () =>
      this.client.send(new CreateAccessKeyCommand({ UserName: this.userName })),
    );
    const key = out.AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) {
      throw new IamCallError(`IAM CreateAccessKey for user ${this.userName} answered without a key`);
    }
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  /** Deletes a key; a key already gone counts as deleted, so a retry passes. */
  async delete(accessKeyId: string): Promise<void> {
    await this.ignoringMissing(`DeleteAccessKey ${accessKeyId} of user ${this.userName}`, () =>
      this.client.send(new DeleteAccessKeyCommand({ UserName: this.userName, AccessKeyId: accessKeyId })),
    );
  }

  /** Sets a key Inactive; returns false when the key no longer exists. */
  async deactivate(accessKeyId: string): Promise<boolean> {
    return this.ignoringMissing(`UpdateAccessKey ${accessKeyId} of user ${this.userName} to Inactive`, () =>
      this.client.send(
        new UpdateAccessKeyCommand({ UserName: this.userName, AccessKeyId: accessKeyId, Status: 'Inactive' }),
      ),
    );
  }

  private async ignoringMissing(what: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await call(what, run);
      return true;
    } catch (error) {
      if (error instanceof IamCallError && sdkErrorName(error.cause) === 'NoSuchEntityException') return false;
      if (error instanceof IamCallError && sdkErrorName(error.cause) === 'NoSuchEntity') return false;
      throw error;
    }
  }
}
