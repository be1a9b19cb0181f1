import type { IAMClient } from '@aws-sdk/client-iam';
import { UserKeys } from '../iam-access-key/iam-calls';
import { keyIdOf, parseKeySecret } from '../iam-access-key/key-secret';
import type { RevocationOutcome, RevocationTarget, Revoker } from './revoker';

/**
 * Revokes the AWSPREVIOUS access key of an iam-access-key secret: Inactive after the grace period, deleted after
 * the second period. A key that is the AWSCURRENT key, or that someone re-activated after the sweeper
 * deactivated it, is left alone (the latter with a warning: a person decided it is in use).
 */
export class IamAccessKeyRevoker implements Revoker {
  readonly type = 'iam-access-key';

  constructor(private readonly client: () => IAMClient) {}

  async deactivate(target: RevocationTarget): Promise<RevocationOutcome> {
    const found = this.previousKey(target);
    if (found === undefined) return 'not-applicable';
    const keys = await found.user.list();
    const key = keys.find((k) => k.accessKeyId === found.keyId);
    if (key === undefined) return 'already-revoked';
    if (key.status !== 'Active') return 'already-revoked';
    await found.user.deactivate(found.keyId);
    target.logger.info('deactivated the previous access key after its grace period', { AccessKeyId: found.keyId });
    return 'revoked';
  }

  async remove(target: RevocationTarget): Promise<RevocationOutcome> {
    const found = this.previousKey(target);
    if (found === undefined) return 'not-applicable';
    const keys = await found.user.list();
    const key = keys.find((k) => k.accessKeyId === found.keyId);
    if (key === undefined) return 'already-revoked';
    if (key.status === 'Active') {
      target.logger.warn('previous access key is Active again (someone re-activated it); not deleting it', {
        AccessKeyId: found.keyId,
      });
      return 'not-applicable';
    }
    await found.user.delete(found.keyId);
    target.logger.info('deleted the previous access key after its second period', { AccessKeyId: found.keyId });
    return 'revoked';
  }

  private previousKey(target: RevocationTarget): { user: UserKeys; keyId: string } | undefined {
    const current = parseKeySecret(target.currentValue, target.secretName, 'AWSCURRENT');
    const keyId = keyIdOf(target.previousValue, current.UserName);
    if (keyId === undefined || keyId === current.AccessKeyId) return undefined;
    return { user: new UserKeys(this.client(), current.UserName), keyId };
  }
}
