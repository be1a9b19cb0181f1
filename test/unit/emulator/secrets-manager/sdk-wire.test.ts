import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RequestContext } from '../../../../local/http-types';
import { ACCOUNT, Harness, REGION } from './harness';

/** The real SDK against the handler over HTTP: proves the wire format parses (no SigV4 checks here). */
describe('Secrets Manager wire compatibility with @aws-sdk/client-secrets-manager', () => {
  const h = new Harness();
  let server: Server;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
        const ctx: RequestContext = {
          account: ACCOUNT,
          region: REGION,
          now: () => h.clock,
          caller: { accessKeyId: 'test', arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, account: ACCOUNT },
          requestId: randomUUID(),
        };
        const url = new URL(req.url ?? '/', 'http://localhost');
        const request = {
          method: req.method ?? 'POST',
          path: url.pathname,
          query: url.searchParams,
          headers,
          body: Buffer.concat(chunks),
        };
        h.sm.handle(request, ctx).then(
          (reply) => {
            res.writeHead(reply.status, reply.headers);
            res.end(reply.body);
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('creates, puts, reads and describes with SDK-parsed types', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'sdk/one', SecretString: 'v1' }));
    expect(created.ARN).toMatch(/:secret:sdk\/one-/);
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: 'sdk/one', SecretBinary: new Uint8Array([1, 2, 3]) }),
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const value = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(value.SecretBinary).toEqual(new Uint8Array([1, 2, 3]));
    expect(value.VersionId).toBe(put.VersionId);
    expect(value.CreatedDate).toEqual(h.clock);
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'sdk/one' }));
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.VersionIdsToStages).toEqual({
      [created.VersionId as string]: ['AWSPREVIOUS'],
      [put.VersionId as string]: ['AWSCURRENT'],
    });
  });

  it('surfaces ResourceNotFoundException as the SDK error class with its message and 400', async () => {
    const error = await client.send(new GetSecretValueCommand({ SecretId: 'sdk/missing' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
  });
});
