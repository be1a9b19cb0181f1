import type { CallerIdentity, EmulatorRequest } from '../../../../local/http-types';
import { type AccessKeyRecord, type KeyLookup, verifySignature } from '../../../../local/sigv4';
import { presignedRequest, signedRequest } from './signing';

const NOW = new Date('2030-01-01T12:00:00Z');
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access ' +
  'Key and signing method. Consult the service documentation for details.';

const root: CallerIdentity = {
  accessKeyId: 'test',
  arn: 'arn:aws:iam::000000000000:root',
  userId: '000000000000',
  account: '000000000000',
};

function lookup(...records: AccessKeyRecord[]): KeyLookup {
  return { find: (id) => records.find((r) => r.accessKeyId === id) };
}

const rootKey: AccessKeyRecord = { accessKeyId: 'test', secretAccessKey: 'test', status: 'Active', identity: root };
const keys = lookup(rootKey);

function withBody(req: EmulatorRequest, body: Buffer): EmulatorRequest {
  return { ...req, body };
}

describe('verifySignature', () => {
  describe('accepts', () => {
    it('a request signed by the SDK signer and returns the identity, service and region', async () => {
      const req = await signedRequest({ signingDate: NOW, region: 'eu-west-1' });

      const result = verifySignature(req, keys, NOW);

      expect(result).toEqual({ ok: true, identity: root, service: 'sts', region: 'eu-west-1' });
    });

    it('an encoded path, a query string needing RFC 3986 encoding and headers with runs of spaces', async () => {
      const req = await signedRequest({
        signingDate: NOW,
        service: 'rds-data',
        path: '/2015-03-31/functions/my%3Afn/invoke%20now',
        query: { b: '2', a: "it's (x y)*!", A: 'upper' },
        headers: { 'x-custom': '  spaced    out  value ' },
        body: '{"sql":"select 1"}',
      });

      expect(verifySignature(req, keys, NOW).ok).toBe(true);
    });

    it('a signing time 14 minutes away from the clock, either way', async () => {
      const early = await signedRequest({ signingDate: new Date(NOW.getTime() - 14 * 60_000) });
      const late = await signedRequest({ signingDate: new Date(NOW.getTime() + 14 * 60_000) });

      expect(verifySignature(early, keys, NOW).ok).toBe(true);
      expect(verifySignature(late, keys, NOW).ok).toBe(true);
    });

    it('compares the signing time with signingNow, not the (advanced) emulator clock', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const emulatorNow = new Date(NOW.getTime() + 30 * 24 * 3600_000);

      expect(verifySignature(req, keys, emulatorNow, { signingNow: NOW }).ok).toBe(true);
    });

    it('a key whose usableFrom has passed', async () => {
      const key = { ...rootKey, usableFrom: new Date(NOW.getTime() - 1000) };

      expect(verifySignature(await signedRequest({ signingDate: NOW }), lookup(key), NOW).ok).toBe(true);
    });

    it('a presigned URL within its expiry', async () => {
      const req = await presignedRequest({
        signingDate: NOW,
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        expiresIn: 3600,
      });

      expect(verifySignature(req, keys, new Date(NOW.getTime() + 59 * 60_000)).ok).toBe(true);
    });
  });

  describe('refuses', () => {
    it('a body with one byte flipped (query family: SignatureDoesNotMatch 403)', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const body = Buffer.from(req.body);
      body[0] = (body[0] ?? 0) ^ 1;

      expect(verifySignature(withBody(req, body), keys, NOW)).toEqual({
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: MISMATCH,
      });
    });

    it('a tampered body even when the client claims its hash in x-amz-content-sha256', async () => {
      const req = await signedRequest({
        signingDate: NOW,
        headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        body: '',
      });

      expect(verifySignature(withBody(req, Buffer.from('Action=DeleteUser')), keys, NOW).ok).toBe(false);
    });

    it('a body with one byte flipped (JSON family: InvalidSignatureException 400)', async () => {
      const req = await signedRequest({ signingDate: NOW, service: 'secretsmanager', body: '{"SecretId":"a"}' });

      const result = verifySignature(withBody(req, Buffer.from('{"SecretId":"b"}')), keys, NOW);

      expect(result).toEqual({ ok: false, status: 400, code: 'InvalidSignatureException', message: MISMATCH });
    });

    it('a changed signed header', async () => {
      const req = await signedRequest({ signingDate: NOW });

      const result = verifySignature({ ...req, headers: { ...req.headers, 'content-type': 'text/plain' } }, keys, NOW);

      expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    });

    it('a wrong secret', async () => {
      const req = await signedRequest({ signingDate: NOW, secretAccessKey: 'not-the-secret' });

      expect(verifySignature(req, keys, NOW)).toEqual({
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: MISMATCH,
      });
    });

    it.each([
      ['sts', 'InvalidClientTokenId', 403],
      ['iam', 'InvalidClientTokenId', 403],
      ['secretsmanager', 'UnrecognizedClientException', 400],
      ['rds-data', 'UnrecognizedClientException', 403],
    ])('an unknown key for %s with %s %d', async (service, code, status) => {
      const req = await signedRequest({ signingDate: NOW, service, accessKeyId: 'AKIAUNKNOWN000000000' });

      expect(verifySignature(req, keys, NOW)).toEqual({
        ok: false,
        status,
        code,
        message: 'The security token included in the request is invalid.',
      });
    });

    it('an inactive key like an unknown one', async () => {
      const key: AccessKeyRecord = { ...rootKey, status: 'Inactive' };

      const result = verifySignature(await signedRequest({ signingDate: NOW }), lookup(key), NOW);

      expect(result).toMatchObject({ ok: false, code: 'InvalidClientTokenId', status: 403 });
    });

    it('a key that has not propagated yet like an unknown one', async () => {
      const key: AccessKeyRecord = { ...rootKey, usableFrom: new Date(NOW.getTime() + 1000) };

      const result = verifySignature(await signedRequest({ signingDate: NOW }), lookup(key), NOW);

      expect(result).toMatchObject({ ok: false, code: 'InvalidClientTokenId' });
    });

    it('a signature older than 15 minutes with AWS message', async () => {
      const req = await signedRequest({ signingDate: new Date('2030-01-01T11:40:00Z') });

      expect(verifySignature(req, keys, NOW)).toEqual({
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message:
          'Signature expired: 20300101T114000Z is now earlier than 20300101T114500Z (20300101T120000Z - 15 min.)',
      });
    });

    it('a signature from more than 15 minutes in the future', async () => {
      const req = await signedRequest({ signingDate: new Date('2030-01-01T12:20:00Z'), service: 'secretsmanager' });

      expect(verifySignature(req, keys, NOW)).toEqual({
        ok: false,
        status: 400,
        code: 'InvalidSignatureException',
        message:
          'Signature not yet current: 20300101T122000Z is still later than 20300101T121500Z (20300101T120000Z + 15 min.)',
      });
    });

    it('an expired presigned URL', async () => {
      const req = await presignedRequest({ signingDate: NOW, query: { Action: 'GetCallerIdentity' }, expiresIn: 60 });

      expect(verifySignature(req, keys, new Date(NOW.getTime() + 61_000))).toMatchObject({
        ok: false,
        code: 'SignatureDoesNotMatch',
        message: 'Request has expired.',
      });
    });

    it('a presigned URL whose query was changed', async () => {
      const req = await presignedRequest({ signingDate: NOW, query: { Action: 'GetCallerIdentity' } });
      const query = new URLSearchParams(req.query);
      query.set('Action', 'DeleteUser');

      expect(verifySignature({ ...req, query }, keys, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    });

    it('a request with no signature at all, worded for the routed service', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const { authorization: _, ...headers } = req.headers;

      expect(verifySignature({ ...req, headers }, keys, NOW, { service: 'sts' })).toEqual({
        ok: false,
        status: 403,
        code: 'MissingAuthenticationToken',
        message: 'Request is missing Authentication Token',
      });
      expect(verifySignature({ ...req, headers }, keys, NOW, { service: 'secretsmanager' })).toEqual({
        ok: false,
        status: 400,
        code: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
    });

    it('an Authorization header without a Signature', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const authorization = (req.headers.authorization ?? '').replace(/, Signature=\w+/, '');

      const result = verifySignature({ ...req, headers: { ...req.headers, authorization } }, keys, NOW);

      expect(result).toMatchObject({
        ok: false,
        code: 'IncompleteSignature',
        message: expect.stringMatching(/Signature/),
      });
    });

    it('a credential scope dated another day than X-Amz-Date', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const authorization = (req.headers.authorization ?? '').replace('/20300101/', '/20291231/');

      const result = verifySignature({ ...req, headers: { ...req.headers, authorization } }, keys, NOW);

      expect(result).toMatchObject({
        ok: false,
        code: 'SignatureDoesNotMatch',
        message: expect.stringMatching(/20291231/),
      });
    });

    it('a signature that does not cover the host header', async () => {
      const req = await signedRequest({ signingDate: NOW });
      const authorization = (req.headers.authorization ?? '').replace(
        /SignedHeaders=[^,]+/,
        'SignedHeaders=x-amz-date',
      );

      const result = verifySignature({ ...req, headers: { ...req.headers, authorization } }, keys, NOW);

      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/'Host'/) });
    });
  });
});
