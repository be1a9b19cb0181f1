import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeKey {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
}

function iamError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** One IAM user's access keys behind aws-sdk-client-mock, with IAM's two-key quota (AWS-BEHAVIOUR.md 9). */
export class FakeIam {
  readonly client = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  readonly mock = mockClient(this.client);
  keys: FakeKey[] = [];
  readonly calls: string[] = [];
  private serial = 0;

  constructor(readonly userName: string) {
    this.install();
  }

  reset(): void {
    this.mock.reset();
    this.keys = [];
    this.calls.length = 0;
    this.install();
  }

  addKey(status: FakeKey['status'] = 'Active'): FakeKey {
    this.serial += 1;
    const id = `AKIAFAKE${String(this.serial).padStart(12, '0')}`;
    const key: FakeKey = { accessKeyId: id, secretAccessKey: `secret-${id}-xxxxxxxxxxxxxxxx`, status };
    this.keys.push(key);
    return key;
  }

  secretOf(key: FakeKey): string {
    return JSON.stringify({
      UserName: this.userName,
      AccessKeyId: key.accessKeyId,
      SecretAccessKey: key.secretAccessKey,
    });
  }

  private key(id: string | undefined): FakeKey {
    const key = this.keys.find((k) => k.accessKeyId === id);
    if (!key) throw iamError('NoSuchEntityException', `The Access Key with id ${id} cannot be found.`);
    return key;
  }

  private install(): void {
    this.mock.on(ListAccessKeysCommand).callsFake(() => {
      this.calls.push('ListAccessKeys');
      return {
        AccessKeyMetadata: this.keys.map((k) => ({
          UserName: this.userName,
          AccessKeyId: k.accessKeyId,
          Status: k.status,
        })),
        IsTruncated: false,
      };
    });
    this.mock.on(CreateAccessKeyCommand).callsFake(() => {
      this.calls.push('CreateAccessKey');
      if (this.keys.length >= 2)
        throw iamError('LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2');
      const key = this.addKey();
      return {
        AccessKey: {
          UserName: this.userName,
          AccessKeyId: key.accessKeyId,
          SecretAccessKey: key.secretAccessKey,
          Status: 'Active',
        },
      };
    });
    this.mock.on(DeleteAccessKeyCommand).callsFake((input) => {
      this.calls.push(`DeleteAccessKey ${input.AccessKeyId}`);
      this.key(input.AccessKeyId);
      this.keys = this.keys.filter((k) => k.accessKeyId !== input.AccessKeyId);
      return {};
    });
    this.mock.on(UpdateAccessKeyCommand).callsFake((input) => {
      this.calls.push(`UpdateAccessKey ${input.AccessKeyId} ${input.Status}`);
      this.key(input.AccessKeyId).status = input.Status;
      return {};
    });
  }
}
