import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, type EmulatorRequest, type ServiceHandler } from '../../../../local/http-types';
import { createIam, type IamService } from '../../../../local/iam';
import { escapeXml } from '../../../../local/iam/query-protocol';
import { familyOf, verifySignature } from '../../../../local/sigv4';
import { createSts } from '../../../../local/sts';

const ACCOUNT = '000000000000';

/** A settable emulator clock; clients keep signing with real time. */
export class InjectedClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface ThrowawayServer {
  readonly url: string;
  readonly iam: IamService;
  readonly clock: InjectedClock;
  close(): Promise<void>;
}

async function readRequest(incoming: IncomingMessage): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: Buffer.concat(chunks),
  };
}

function xmlError(code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/**
 * The smallest server that hosts IAM and STS the way the emulator does: read the body, verify SigV4, route by
 * the credential scope's service, record the key use, serialize errors as query-protocol XML.
 */
export async function startThrowawayServer(propagationSeconds: number): Promise<ThrowawayServer> {
  const clock = new InjectedClock();
  const iam = createIam({ account: ACCOUNT, now: clock.now, propagationSeconds });
  const services = new Map<string, ServiceHandler>([
    ['iam', iam],
    ['sts', createSts()],
  ]);

  async function answer(req: EmulatorRequest, requestId: string) {
    const verified = verifySignature(req, iam, clock.now(), { signingNow: new Date() });
    if (!verified.ok) {
      // JSON services (Secrets Manager) get their refusals as awsJson, to prove the SDK reads those codes too.
      const json =
        familyOf(/Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1]) === 'json';
      const body = json
        ? JSON.stringify({ __type: verified.code, message: verified.message })
        : xmlError(verified.code, verified.message, requestId);
      return { status: verified.status, body };
    }
    const handler = services.get(verified.service);
    if (handler === undefined) return { status: 400, body: xmlError('UnknownService', verified.service, requestId) };
    iam.recordKeyUse(verified.identity.accessKeyId, verified.service, verified.region, clock.now());
    const ctx = { account: ACCOUNT, region: verified.region, now: clock.now, caller: verified.identity, requestId };
    try {
      const response = await handler.handle(req, ctx);
      return { status: response.status, body: String(response.body) };
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      return { status: error.status, body: xmlError(error.code, error.message, requestId) };
    }
  }

  const server: Server = createServer((incoming, outgoing) => {
    const requestId = randomUUID();
    readRequest(incoming)
      .then((req) => answer(req, requestId))
      .then(({ status, body }) => {
        outgoing.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        outgoing.end(body);
      })
      .catch(() => {
        outgoing.writeHead(500);
        outgoing.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    iam,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
