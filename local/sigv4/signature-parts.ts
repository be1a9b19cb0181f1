import type { EmulatorRequest } from '../http-types';

/** What a SigV4 request claims: key, scope, signed headers, signature and signing time. */
export interface SignatureParts {
  readonly accessKeyId: string;
  readonly scope: { readonly date: string; readonly region: string; readonly service: string };
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** `YYYYMMDDTHHMMSSZ` */
  readonly amzDate: string;
  /** Presigned URLs only: seconds the signature stays valid. */
  readonly expiresSeconds?: number;
}

/** Why the request's signature parts could not be read. */
export type PartsResult =
  | { readonly ok: true; readonly parts: SignatureParts }
  | {
      readonly ok: false;
      readonly failure: 'missing' | 'incomplete';
      readonly message?: string;
      readonly service?: string;
    };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^\d{8}T\d{6}Z$/;
/** Presigned URLs may live at most a week (SigV4 limit). */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

function parseCredential(credential: string | undefined) {
  const fields = credential?.split('/');
  if (fields === undefined || fields.length !== 5 || fields[4] !== 'aws4_request' || fields.some((f) => f === '')) {
    return undefined;
  }
  const [accessKeyId, date, region, service] = fields as [string, string, string, string];
  return { accessKeyId, scope: { date, region, service } };
}

/** `Wed, 01 Jan 2030 00:00:00 GMT` → `20300101T000000Z`, for clients that sign the Date header instead. */
function fromHttpDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function fromHeader(req: EmulatorRequest, authorization: string): PartsResult {
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    const scheme = authorization.split(' ', 1)[0];
    return {
      ok: false,
      failure: 'incomplete',
      message: `Unsupported authorization scheme ${scheme}, expected ${ALGORITHM}`,
    };
  }
  const fields = new Map<string, string>();
  for (const item of authorization.slice(ALGORITHM.length).split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const credential = parseCredential(fields.get('Credential'));
  const service = credential?.scope.service;
  const absent = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (absent.length > 0 || credential === undefined) {
    const what = absent.length > 0 ? `is missing ${absent.join(', ')}` : 'has a malformed Credential';
    return {
      ok: false,
      failure: 'incomplete',
      service,
      message: `Authorization header ${what}; expected Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...`,
    };
  }
  const amzDate = req.headers['x-amz-date'] ?? fromHttpDate(req.headers.date);
  if (amzDate === undefined || !AMZ_DATE.test(amzDate)) {
    return {
      ok: false,
      failure: 'incomplete',
      service,
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  return {
    ok: true,
    parts: {
      ...credential,
      signedHeaders: (fields.get('SignedHeaders') ?? '').split(';'),
      signature: fields.get('Signature') ?? '',
      amzDate,
    },
  };
}

function fromQuery(query: URLSearchParams): PartsResult {
  const credential = parseCredential(query.get('X-Amz-Credential') ?? undefined);
  const service = credential?.scope.service;
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    return { ok: false, failure: 'incomplete', service, message: `X-Amz-Algorithm must be ${ALGORITHM}` };
  }
  const absent = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'].filter(
    (name) => !query.get(name),
  );
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = Number(query.get('X-Amz-Expires'));
  if (absent.length > 0 || credential === undefined || !AMZ_DATE.test(amzDate)) {
    const what =
      absent.length > 0 ? `is missing ${absent.join(', ')}` : 'has a malformed X-Amz-Credential or X-Amz-Date';
    return { ok: false, failure: 'incomplete', service, message: `Presigned query string ${what}` };
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    return {
      ok: false,
      failure: 'incomplete',
      service,
      message: `X-Amz-Expires must be an integer from 1 to ${MAX_EXPIRES_SECONDS}, got ${query.get('X-Amz-Expires')}`,
    };
  }
  return {
    ok: true,
    parts: {
      ...credential,
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: query.get('X-Amz-Signature') ?? '',
      amzDate,
      expiresSeconds: expires,
    },
  };
}

/** Reads the SigV4 parts from the Authorization header or, failing that, a presigned query string. */
export function signatureParts(req: EmulatorRequest): PartsResult {
  const authorization = req.headers.authorization;
  if (authorization !== undefined && authorization !== '') return fromHeader(req, authorization);
  if (req.query.has('X-Amz-Algorithm') || req.query.has('X-Amz-Signature')) return fromQuery(req.query);
  return { ok: false, failure: 'missing' };
}
