import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { errorResponse } from '../../../../local/control/protocol';
import { AwsServiceError, type EmulatorRequest, type RequestContext } from '../../../../local/http-types';
import { createRdsData } from '../../../../local/rds-data';

export const ACCOUNT = '123456789012';
export const clusterArn = (name: string): string => `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${name}`;
export const secretArn = (name: string): string => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`;

/** The Data API module behind a throwaway HTTP server, and a real SDK client pointed at it. */
export interface DataApiHarness {
  readonly client: RDSDataClient;
  /** Secret ARN -> AWSCURRENT SecretString; tests change it freely. */
  readonly secrets: Map<string, string>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts the handler for `clusters` behind `http.createServer` on 127.0.0.1 (no SigV4 check: that is the
 * real server's job) and serializes errors the rest-json way, as the emulator's server does.
 */
export async function startDataApi(clusters: Map<string, string>): Promise<DataApiHarness> {
  const secrets = new Map<string, string>();
  const rdsData = createRdsData({
    clusters,
    currentSecretString: (arn) => {
      const value = secrets.get(arn);
      if (value === undefined) {
        throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      }
      return value;
    },
  });
  const context = (requestId: string): RequestContext => ({
    account: ACCOUNT,
    region: 'us-east-1',
    now: () => new Date(),
    caller: { accessKeyId: 'test', arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, account: ACCOUNT },
    requestId,
  });
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: await readBody(req),
    };
    const requestId = randomUUID();
    try {
      const response = await rdsData.handle(request, context(requestId));
      res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': requestId });
      res.end(response.body);
    } catch (error) {
      const e =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError('InternalServerErrorException', String(error), 500);
      const response = errorResponse('rds-data', e.code, e.message, e.status, requestId);
      res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': requestId });
      res.end(response.body);
    }
  };
  const server: Server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new RDSDataClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    client,
    secrets,
    close: async () => {
      client.destroy();
      await rdsData.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `call` and returns the error it rejects with (fails the test if it resolves). */
export async function errorOf(
  call: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail, it succeeded');
}
