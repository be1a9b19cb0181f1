import type { FunctionRunner } from '../../../../local/functions';
import { ACCOUNT, behaviour, FIXTURES, REGION, testRunner } from './runner-test-helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('FunctionRunner sandbox', () => {
  const parentOnly = 'FUNCTION_RUNNER_TEST_PARENT_ONLY';
  let runner: FunctionRunner;

  beforeAll(() => {
    process.env[parentOnly] = 'must not leak';
    ({ runner } = testRunner({
      environment: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599', SHARED: 'base', AWS_ACCESS_KEY_ID: 'AKIDLOCAL' },
    }));
    runner.register(
      behaviour('environment', {
        memoryMb: 256,
        environment: { SHARED: 'function', OWN: 'yes', AWS_REGION: 'us-east-1' },
      }),
    );
    runner.register(behaviour('describeContext', { name: 'context', memoryMb: 512, timeoutMs: 10_000 }));
  });

  afterAll(async () => {
    delete process.env[parentOnly];
    await runner.close();
  });

  describe('environment', () => {
    let env: Record<string, string>;

    beforeAll(async () => {
      const outcome = await runner.invoke('environment', {});
      env = outcome.result as Record<string, string>;
    });

    it('leaves out the parent process variables', () => {
      expect(env[parentOnly]).toBeUndefined();
    });

    it('keeps PATH from the parent', () => {
      expect(env.PATH).toBe(process.env.PATH);
    });

    it('passes the base environment', () => {
      expect(env).toMatchObject({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4599', AWS_ACCESS_KEY_ID: 'AKIDLOCAL' });
    });

    it('lets the function environment override the base environment', () => {
      expect(env).toMatchObject({ SHARED: 'function', OWN: 'yes' });
    });

    it('sets the Lambda reserved variables, which the function environment cannot override', () => {
      expect(env).toMatchObject({
        AWS_LAMBDA_FUNCTION_NAME: 'environment',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: FIXTURES,
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/environment',
        _HANDLER: 'behaviours.environment',
      });
    });
  });

  describe('context', () => {
    it('carries the Lambda context fields', async () => {
      const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:context:$LATEST`;

      const outcome = await runner.invoke(arn, {});

      const context = outcome.result as Record<string, unknown>;
      expect(context).toMatchObject({
        functionName: 'context',
        functionVersion: '$LATEST',
        invokedFunctionArn: arn,
        memoryLimitInMB: '512',
        logGroupName: '/aws/lambda/context',
        callbackWaitsForEmptyEventLoop: true,
        cwd: FIXTURES,
      });
      expect(context.awsRequestId).toMatch(UUID);
      expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(context.remainingMs).toBeGreaterThan(0);
      expect(context.remainingMs).toBeLessThanOrEqual(10_000);
    });

    it('gives each invocation its own request id', async () => {
      const first = await runner.invoke('context', {});
      const second = await runner.invoke('context', {});

      expect((first.result as { awsRequestId: string }).awsRequestId).not.toBe(
        (second.result as { awsRequestId: string }).awsRequestId,
      );
    });

    it('reports the unqualified ARN when invoked by name', async () => {
      const outcome = await runner.invoke('context', {});

      expect((outcome.result as { invokedFunctionArn: string }).invokedFunctionArn).toBe(runner.functionArn('context'));
    });
  });
});

describe('FunctionRunner (cold)', () => {
  const { runner } = testRunner({ cold: true });

  beforeAll(() => runner.register(behaviour('counter')));

  afterAll(() => runner.close());

  it('starts a new process for every invocation, without module state', async () => {
    const first = await runner.invoke('counter', {});
    const second = await runner.invoke('counter', {});

    expect(first).toMatchObject({ ok: true, coldStart: true, result: { invocations: 1 } });
    expect(second).toMatchObject({ ok: true, coldStart: true, result: { invocations: 1 } });
    expect((second.result as { pid: number }).pid).not.toBe((first.result as { pid: number }).pid);
  });

  it('keeps no process once the invocation is done', async () => {
    const outcome = await runner.invoke('counter', {});

    expect(outcome.ok).toBe(true);
    expect(runner.processIds('counter')).not.toContain((outcome.result as { pid: number }).pid);
  });
});
