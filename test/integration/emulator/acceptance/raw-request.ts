import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Emulator } from '../../../../local/emulator';

/** SHA-256 for the signer, on node:crypto (neither @aws-crypto nor @smithy/hash-node is installed). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** What a raw call answered: status, lower-cased headers and the parsed JSON body. */
export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/**
 * Sends one SigV4-signed Secrets Manager call with exactly the body given (so members the SDK would add, such
 * as ClientRequestToken, can be left out). `headers` overrides the protocol headers.
 */
export async function rawSecretsManager(
  emulator: Emulator,
  operation: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  const url = new URL(emulator.url);
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: NodeSha256,
  });
  const payload = JSON.stringify(body);
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `secretsmanager.${operation}`,
      ...headers,
    },
    body: payload,
  });
  const response = await fetch(emulator.url, { method: 'POST', headers: signed.headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}
