import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import type { EmulatorRequest } from '../../../../local/http-types';

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** Node's SHA-256 in the shape @smithy/signature-v4 expects (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  reset(): void {
    throw new Error('reset is not needed by the signer');
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface SignInput {
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly service?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly signingDate?: Date;
}

function signer(input: SignInput): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: input.accessKeyId ?? 'test', secretAccessKey: input.secretAccessKey ?? 'test' },
    region: input.region ?? 'us-east-1',
    service: input.service ?? 'sts',
    sha256: NodeSha256,
  });
}

function httpRequest(input: SignInput) {
  const body = input.body ?? 'Action=GetCallerIdentity&Version=2011-06-15';
  return {
    method: input.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: input.path ?? '/',
    query: input.query ?? {},
    headers: {
      host: '127.0.0.1:4566',
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...input.headers,
    },
    body,
  };
}

function toEmulatorRequest(signed: ReturnType<typeof httpRequest>, query: Record<string, string>): EmulatorRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    path: signed.path,
    query: new URLSearchParams(query),
    headers,
    body: Buffer.from(signed.body),
  };
}

/** Signs a request with the real SDK signer and returns it as the emulator server would receive it. */
export async function signedRequest(input: SignInput = {}): Promise<EmulatorRequest> {
  const request = httpRequest(input);
  const signed = (await signer(input).sign(request, { signingDate: input.signingDate })) as typeof request;
  return toEmulatorRequest(signed, request.query);
}

/** Presigns a request (SigV4 in the query string) with the real SDK signer. */
export async function presignedRequest(input: SignInput & { expiresIn?: number }): Promise<EmulatorRequest> {
  const request = httpRequest({ ...input, method: 'GET', body: '' });
  const signed = (await signer(input).presign(request, {
    signingDate: input.signingDate,
    expiresIn: input.expiresIn ?? 900,
  })) as typeof request;
  return toEmulatorRequest(signed, signed.query);
}
