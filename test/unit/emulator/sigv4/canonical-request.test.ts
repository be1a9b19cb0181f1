import { AwsServiceError } from '../../../../local/http-types';
import { canonicalPath, canonicalQuery, createAuthenticator } from '../../../../local/sigv4';
import { signedRequest } from './signing';

describe('canonicalPath', () => {
  it('encodes the wire path a second time, as the SDKs do for every service but S3', () => {
    expect(canonicalPath('/example%20space/')).toBe('/example%2520space/');
  });

  it('drops empty and dot segments and resolves parent segments', () => {
    expect(canonicalPath('//a/./b/../c')).toBe('/a/c');
  });

  it('keeps the root path', () => {
    expect(canonicalPath('/')).toBe('/');
  });
});

describe('canonicalQuery', () => {
  it('sorts by encoded name then value and encodes the RFC 3986 reserved characters', () => {
    const query = new URLSearchParams([
      ['b', "x'y"],
      ['a', '2'],
      ['a', '1'],
      ['X-Amz-Signature', 'ignored'],
    ]);

    expect(canonicalQuery(query)).toBe('a=1&a=2&b=x%27y');
  });
});

describe('createAuthenticator', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const identity = { accessKeyId: 'test', arn: 'arn:aws:iam::1:root', userId: '1', account: '1' };
  const keys = { find: () => ({ accessKeyId: 'test', secretAccessKey: 'test', status: 'Active' as const, identity }) };

  it('returns the caller and reports the key use', async () => {
    const onAccepted = jest.fn();
    const authenticate = createAuthenticator({ keys, now: () => now, signingNow: () => now, onAccepted });

    const caller = authenticate(await signedRequest({ signingDate: now, region: 'eu-west-1' }), 'sts');

    expect(caller).toBe(identity);
    expect(onAccepted).toHaveBeenCalledWith('test', 'sts', 'eu-west-1', now);
  });

  it('throws the AWS error and reports nothing when the signature is wrong', async () => {
    const onAccepted = jest.fn();
    const authenticate = createAuthenticator({ keys, now: () => now, signingNow: () => now, onAccepted });
    const req = await signedRequest({ signingDate: now, secretAccessKey: 'wrong' });

    const call = () => authenticate(req, 'sts');

    expect(call).toThrow(AwsServiceError);
    expect(call).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch', status: 403 }));
    expect(onAccepted).not.toHaveBeenCalled();
  });
});
