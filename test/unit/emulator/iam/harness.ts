import type { CallerIdentity, EmulatorRequest, EmulatorResponse, RequestContext } from '../../../../local/http-types';
import { createIam, type IamService } from '../../../../local/iam';

export const ACCOUNT = '000000000000';
export const ROOT: CallerIdentity = {
  accessKeyId: 'test',
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  userId: ACCOUNT,
  account: ACCOUNT,
};

/** A settable clock for the service under test. */
export class TestClock {
  constructor(public time = new Date('2030-01-01T00:00:00Z')) {}
  now = (): Date => new Date(this.time);
  advance(seconds: number): void {
    this.time = new Date(this.time.getTime() + seconds * 1000);
  }
}

export function newIam(propagationSeconds = 0, clock = new TestClock()): { iam: IamService; clock: TestClock } {
  return { iam: createIam({ account: ACCOUNT, now: clock.now, propagationSeconds }), clock };
}

export function queryRequest(params: Record<string, string>): EmulatorRequest {
  return {
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ Version: '2010-05-08', ...params }).toString()),
  };
}

export function context(clock: TestClock, caller: CallerIdentity = ROOT): RequestContext {
  return { account: ACCOUNT, region: 'us-east-1', now: clock.now, caller, requestId: 'req-1' };
}

/** Calls one action and returns the response body (throws the AwsServiceError the service raises). */
export async function call(
  service: { handle(req: EmulatorRequest, ctx: RequestContext): Promise<EmulatorResponse> },
  clock: TestClock,
  action: string,
  params: Record<string, string> = {},
  caller: CallerIdentity = ROOT,
): Promise<string> {
  const response = await service.handle(queryRequest({ Action: action, ...params }), context(clock, caller));
  expect(response.status).toBe(200);
  return String(response.body);
}

/** Every text value of `<name>` elements in document order. */
export function values(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

export function value(xml: string, name: string): string | undefined {
  return values(xml, name)[0];
}

/** The identity a user key signs as, from the service's own key lookup. */
export function identityOf(iam: IamService, accessKeyId: string): CallerIdentity {
  const record = iam.find(accessKeyId);
  if (record === undefined) throw new Error(`key ${accessKeyId} is unknown`);
  return record.identity;
}
