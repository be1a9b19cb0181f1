import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, RequestContext } from '../../../../local/http-types';
import { createSecretsManager, type SecretsManagerService } from '../../../../local/secrets-manager';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotate`;

/** A JSON 1.1 request as the SDK sends it. */
export function jsonRequest(operation: string, body: unknown): EmulatorRequest {
  return {
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': `secretsmanager.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary response JSON
  readonly body: any;
}

/** A service on a settable clock, recording events and rotation requests; `call` goes through the handler. */
export class Harness {
  clock = new Date('2026-03-01T10:00:00Z');
  readonly events: Record<string, unknown>[] = [];
  readonly rotations: { secretArn: string; token: string; functionArn: string; rotateImmediately: boolean }[] = [];
  invokable = new Set([FUNCTION_ARN]);
  readonly sm: SecretsManagerService;

  constructor() {
    this.sm = createSecretsManager({
      account: ACCOUNT,
      region: REGION,
      now: () => this.clock,
      emit: (event) => this.events.push(event),
      rotation: {
        canInvoke: (arn) => this.invokable.has(arn),
        rotationRequested: (req) => this.rotations.push(req),
      },
    });
  }

  async call(operation: string, body: Record<string, unknown> = {}): Promise<Reply> {
    const ctx: RequestContext = {
      account: ACCOUNT,
      region: REGION,
      now: () => this.clock,
      caller: { accessKeyId: 'test', arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, account: ACCOUNT },
      requestId: randomUUID(),
    };
    const res = await this.sm.handle(jsonRequest(operation, body), ctx);
    return { status: res.status, body: JSON.parse(res.body.toString()) };
  }

  /** Calls and fails the test unless the status is 200. */
  async ok(operation: string, body: Record<string, unknown> = {}) {
    const reply = await this.call(operation, body);
    if (reply.status !== 200) throw new Error(`${operation} failed: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  advance(hours: number): void {
    this.clock = new Date(this.clock.getTime() + hours * 3_600_000);
  }

  /** Creates a secret with a first value; returns its ARN and the first VersionId. */
  async secret(name = 'app/db', value = 'v1'): Promise<{ arn: string; v1: string }> {
    const v1 = randomUUID();
    const body = await this.ok('CreateSecret', { Name: name, SecretString: value, ClientRequestToken: v1 });
    return { arn: body.ARN, v1 };
  }

  async put(secretId: string, value: string, stages?: string[]): Promise<string> {
    const token = randomUUID();
    await this.ok('PutSecretValue', {
      SecretId: secretId,
      SecretString: value,
      ClientRequestToken: token,
      ...(stages ? { VersionStages: stages } : {}),
    });
    return token;
  }

  async stages(secretId: string): Promise<Record<string, string[]>> {
    const body = await this.ok('DescribeSecret', { SecretId: secretId });
    const sorted: Record<string, string[]> = {};
    for (const [id, labels] of Object.entries(body.VersionIdsToStages as Record<string, string[]>)) {
      sorted[id] = [...labels].sort();
    }
    return sorted;
  }

  labelEvents(): Record<string, unknown>[] {
    return this.events.filter((e) => e['detail-type'] === 'Secret Label Updated');
  }
}
