import { timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest } from '../http-types';
import { authError, familyOf } from './auth-errors';
import { canonicalRequest, computeSignature } from './canonical-request';
import { signatureParts } from './signature-parts';
import type { KeyLookup, VerifyOptions, VerifyResult } from './types';

/** AWS accepts a signing time at most 15 minutes away from its own clock, either way. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** `20300101T000000Z` → epoch milliseconds. */
function amzDateToMs(amzDate: string): number {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  return Date.parse(iso);
}

const toAmzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

function sameSignature(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The skew refusal in AWS's words, or undefined when the signing time is within 15 minutes of `nowMs`. */
function skewMessage(amzDate: string, nowMs: number): string | undefined {
  const signedMs = amzDateToMs(amzDate);
  if (Number.isNaN(signedMs)) return `X-Amz-Date ${amzDate} is not a valid date`;
  if (signedMs < nowMs - MAX_SKEW_MS) {
    return `Signature expired: ${amzDate} is now earlier than ${toAmzDate(nowMs - MAX_SKEW_MS)} (${toAmzDate(nowMs)} - 15 min.)`;
  }
  if (signedMs > nowMs + MAX_SKEW_MS) {
    return `Signature not yet current: ${amzDate} is still later than ${toAmzDate(nowMs + MAX_SKEW_MS)} (${toAmzDate(nowMs)} + 15 min.)`;
  }
  return undefined;
}

/**
 * Verifies a SigV4-signed request (Authorization header, or presigned query string) the way AWS does, and
 * answers with the signer's identity or the error AWS would return in the request's protocol family.
 *
 * Order of checks: signature parts present and well-formed, key known and usable (Active and past its
 * `usableFrom`, else refused like an unknown key: an inactive, deleted or not-yet-propagated key is
 * indistinguishable from a wrong one on AWS), signing time within 15 minutes of `options.signingNow`,
 * credential scope date equal to the signing date, `host` signed, and finally the signature itself.
 *
 * @param now the emulator clock, compared with `usableFrom`
 * @example
 * const result = verifySignature(req, iam, clock.now(), { signingNow: new Date() });
 * if (!result.ok) throw new AwsServiceError(result.code, result.message, result.status);
 */
export function verifySignature(
  req: EmulatorRequest,
  keys: KeyLookup,
  now: Date,
  options: VerifyOptions = {},
): VerifyResult {
  const read = signatureParts(req);
  if (!read.ok) return authError(familyOf(read.service ?? options.service), read.failure, read.message);
  const { accessKeyId, scope, signedHeaders, signature, amzDate, expiresSeconds } = read.parts;
  const family = familyOf(scope.service);

  const key = keys.find(accessKeyId);
  const propagating = key?.usableFrom !== undefined && now.getTime() < key.usableFrom.getTime();
  if (key === undefined || key.status !== 'Active' || propagating) return authError(family, 'unknownKey');

  const signingNowMs = (options.signingNow ?? now).getTime();
  // A presigned URL lives for X-Amz-Expires seconds instead of 15 minutes, but may not come from the future.
  const skew =
    expiresSeconds === undefined
      ? skewMessage(amzDate, signingNowMs)
      : amzDateToMs(amzDate) + expiresSeconds * 1000 < signingNowMs
        ? 'Request has expired.'
        : amzDateToMs(amzDate) > signingNowMs + MAX_SKEW_MS
          ? skewMessage(amzDate, signingNowMs)
          : undefined;
  if (skew !== undefined) return authError(family, 'expired', skew);
  if (scope.date !== amzDate.slice(0, 8)) {
    return authError(
      family,
      'mismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const headers = signedHeaders.map((name) => name.toLowerCase());
  if (!headers.includes('host')) {
    return authError(family, 'mismatch', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const expected = computeSignature(key.secretAccessKey, amzDate, scope, canonicalRequest(req, headers));
  if (!sameSignature(expected, signature)) return authError(family, 'mismatch');
  return { ok: true, identity: key.identity, service: scope.service, region: scope.region };
}
