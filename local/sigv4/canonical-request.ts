import { createHash, createHmac } from 'node:crypto';
import type { EmulatorRequest } from '../http-types';

/** RFC 3986 encoding as SigV4 requires: `encodeURIComponent` leaves `!'()*` alone, SigV4 does not. */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI for every service but S3: the path as it came over the wire (already percent-encoded by
 * the client), with empty and `.` segments dropped and `..` resolved, then encoded once more. The SDKs
 * (`uriEscapePath: true`) and botocore sign exactly this double-encoded form.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalized = `/${segments.join('/')}${trailing}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
}

/** Sorted `key=value` pairs, both RFC 3986 encoded, without the presigned URL's own signature. */
export function canonicalQuery(query: URLSearchParams): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of query) {
    if (key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([uriEscape(key), uriEscape(value)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** Header value as signed: line breaks become spaces, runs of blanks collapse, ends are trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The payload hash: the literal `UNSIGNED-PAYLOAD` when the client says so, otherwise the SHA-256 of the body
 * actually received. A claimed `x-amz-content-sha256` is not trusted: a tampered body must not verify.
 */
export function payloadHash(req: EmulatorRequest): string {
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed === 'UNSIGNED-PAYLOAD') return claimed;
  return sha256Hex(req.body);
}

/** The canonical request of SigV4 over the headers named in `signedHeaders` (lower-case, sorted). */
export function canonicalRequest(req: EmulatorRequest, signedHeaders: readonly string[]): string {
  const headerLines = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(req.headers[name] ?? '')}`);
  return [
    req.method.toUpperCase(),
    canonicalPath(req.path),
    canonicalQuery(req.query),
    `${headerLines.join('\n')}\n`,
    signedHeaders.join(';'),
    payloadHash(req),
  ].join('\n');
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The hex signature of a canonical request under the key derived from `secretAccessKey` and the scope. */
export function computeSignature(
  secretAccessKey: string,
  amzDate: string,
  scope: { readonly date: string; readonly region: string; readonly service: string },
  canonical: string,
): string {
  const scopeString = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scopeString, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, scope.date);
  key = hmac(key, scope.region);
  key = hmac(key, scope.service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
