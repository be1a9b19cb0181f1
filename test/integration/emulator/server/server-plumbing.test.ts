import type { AddressInfo } from 'node:net';
import { EmulatorClock } from '../../../../local/clock';
import { CallCounter } from '../../../../local/control/call-counter';
import { createControlRoutes } from '../../../../local/control/control-routes';
import { EventLog } from '../../../../local/events/event-log';
import { FaultInjector } from '../../../../local/faults/fault-injector';
import { QuotaEnforcer } from '../../../../local/faults/quotas';
import { AwsServiceError, type ServiceHandler, type ServiceName } from '../../../../local/http-types';
import { createEmulatorServer } from '../../../../local/server';

/**
 * The server's own behaviour (routing, protocol errors, faults, quotas, counters, persistence hook) with fake
 * services, so it is pinned down independently of the real service modules.
 */
function fakeService(name: ServiceName): ServiceHandler {
  return {
    name,
    operationOf: (req) =>
      req.headers['x-amz-target']?.split('.')[1] ?? new URLSearchParams(req.body.toString()).get('Action') ?? undefined,
    async handle(req) {
      const op = req.headers['x-amz-target']?.split('.')[1];
      if (op === 'Explode') throw new AwsServiceError('ResourceNotFoundException', 'no such thing');
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: op }) };
    },
  };
}

type Json = Record<string, unknown>;
const json = async (response: Response | Promise<Response>): Promise<Json> => (await (await response).json()) as Json;

const auth = (service: string, key = 'test') =>
  `AWS4-HMAC-SHA256 Credential=${key}/20300101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

describe('emulator server', () => {
  const calls = new CallCounter();
  const faults = new FaultInjector();
  const quotas = new QuotaEnforcer();
  const clock = new EmulatorClock();
  const events = new EventLog();
  const mutations: string[] = [];
  let url = '';
  const server = createEmulatorServer({
    services: new Map<ServiceName, ServiceHandler>([
      ['secretsmanager', fakeService('secretsmanager')],
      ['iam', fakeService('iam')],
      ['rds-data', fakeService('rds-data')],
    ]),
    authenticate: (req) => {
      if (req.headers.authorization?.includes('Credential=bad/')) {
        throw new AwsServiceError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      return {
        accessKeyId: 'test',
        arn: 'arn:aws:iam::123456789012:root',
        userId: '123456789012',
        account: '123456789012',
      };
    },
    control: createControlRoutes({
      account: '123456789012',
      region: 'us-east-1',
      calls,
      faults,
      quotas,
      clock,
      events,
      rotations: () => [],
      reset: async () => undefined,
      runSchedules: async () => 0,
      persist: async () => undefined,
      killFunction: () => false,
    }),
    calls,
    faults,
    quotas,
    account: '123456789012',
    region: 'us-east-1',
    now: () => clock.now(),
    isMutating: (_service, operation) => !operation.startsWith('Get'),
    afterMutation: async () => {
      mutations.push('persisted');
    },
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    calls.clear();
    faults.clear();
    quotas.setEnabled(false);
    mutations.length = 0;
  });

  const sm = (operation: string, key = 'test') =>
    fetch(`${url}/`, {
      method: 'POST',
      headers: {
        authorization: auth('secretsmanager', key),
        'x-amz-target': `secretsmanager.${operation}`,
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/_emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

  it('routes by credential scope, sets a request id and counts calls per service and operation', async () => {
    const response = await sm('GetSecretValue');
    await sm('GetSecretValue');
    await fetch(`${url}/`, { method: 'POST', headers: { authorization: auth('iam') }, body: 'Action=ListUsers' });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await (await control('GET', 'calls')).json()).toEqual({
      total: 3,
      services: { secretsmanager: { GetSecretValue: 2 }, iam: { ListUsers: 1 } },
    });
  });

  it('serializes service errors as awsJson {__type, Message}', async () => {
    const response = await sm('Explode');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'ResourceNotFoundException', Message: 'no such thing' });
  });

  it('refuses a request whose signature check fails and does not count it', async () => {
    const response = await sm('GetSecretValue', 'bad');

    expect(await response.json()).toMatchObject({ __type: 'UnrecognizedClientException' });
    expect((await json(control('GET', 'calls'))).total).toBe(0);
  });

  it('refuses a request with no signature and no target', async () => {
    const response = await fetch(`${url}/`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('fails only the Nth matching call of an injected fault', async () => {
    await control('POST', 'faults', {
      service: 'secretsmanager',
      operation: 'PutSecretValue',
      nth: 2,
      error: { code: 'InternalServiceError', message: 'injected', status: 500 },
    });

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await sm('PutSecretValue')).status);
    const other = await sm('GetSecretValue');

    expect(statuses).toEqual([200, 500, 200]);
    expect(other.status).toBe(200);
  });

  it('serializes faults in XML for query services and with x-amzn-ErrorType for rest-json', async () => {
    await control('POST', 'faults', { service: 'iam', nth: 1, error: { code: 'ServiceFailure', status: 500 } });
    await control('POST', 'faults', { service: 'rds-data', nth: 1, error: { code: 'BadRequestException' } });

    const iam = await fetch(`${url}/`, {
      method: 'POST',
      headers: { authorization: auth('iam') },
      body: 'Action=ListUsers',
    });
    const rds = await fetch(`${url}/Execute`, {
      method: 'POST',
      headers: { authorization: auth('rds-data') },
      body: '{}',
    });

    expect(iam.status).toBe(500);
    expect(await iam.text()).toMatch(
      /<Error><Type>Receiver<\/Type><Code>ServiceFailure<\/Code><Message>Injected fault/,
    );
    expect(rds.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(await rds.json()).toEqual({ message: 'Injected fault' });
  });

  it('fails a seeded fraction of calls, the same ones on every run, at most `times` times', async () => {
    const run = async () => {
      faults.clear();
      await control('POST', 'faults', {
        operation: 'ListSecrets',
        fraction: 0.5,
        seed: 7,
        times: 3,
        error: { code: 'X' },
      });
      const statuses = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await sm('ListSecrets')).status);
      return statuses;
    };

    const first = await run();

    expect(first.filter((s) => s === 400)).toHaveLength(3);
    expect(await run()).toEqual(first);
  });

  it('adds latency without failing and lists the rule as fired', async () => {
    await control('POST', 'faults', { operation: 'GetSecretValue', latencyMs: 20, times: 1 });

    const response = await sm('GetSecretValue');
    const listed = await json(control('GET', 'faults'));

    expect(response.status).toBe(200);
    expect(listed.faults).toEqual([expect.objectContaining({ latencyMs: 20, fired: 1 })]);
  });

  it('rejects an invalid fault rule naming the field', async () => {
    const response = await control('POST', 'faults', { nth: 0, error: { code: 'X' } });

    expect(response.status).toBe(400);
    expect((await json(response)).message).toMatch(/"nth" must be a number from 1/);
  });

  it('throttles the shared write bucket with ThrottlingException "Rate exceeded" when quotas are on', async () => {
    await control('POST', 'quotas', { enabled: true });

    const ops = Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? 'PutSecretValue' : 'UpdateSecretVersionStage'));
    const responses = await Promise.all(ops.map((op) => sm(op)));
    const bodies = await Promise.all(responses.filter((r) => r.status !== 200).map((r) => r.json()));

    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies[0]).toEqual({ __type: 'ThrottlingException', Message: 'Rate exceeded' });
  });

  it('persists after mutating calls only, before answering', async () => {
    await sm('GetSecretValue');
    await sm('PutSecretValue');

    expect(mutations).toEqual(['persisted']);
  });

  it('moves the clock through the control endpoint', async () => {
    const before = clock.now().getTime();

    const body = await json(control('POST', 'clock', { advanceSeconds: 86_400 }));

    expect(Date.parse(String(body.now)) - before).toBeGreaterThanOrEqual(86_400_000);
    expect(body.rotationsStarted).toBe(0);
  });
});
