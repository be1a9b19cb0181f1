import { join } from 'node:path';
import { FunctionNotFoundError, FunctionRunnerClosedError } from '../../../../local/functions';
import { ACCOUNT, behaviour, FIXTURES, REGION, testRunner } from './runner-test-helpers';

describe('FunctionRunner (warm)', () => {
  const { runner, logs } = testRunner();

  beforeAll(() => {
    for (const name of [
      'counter',
      'rejects',
      'throwsSync',
      'callback',
      'callbackError',
      'sync',
      'returnsNothing',
      'logs',
      'sleeps',
    ]) {
      runner.register(behaviour(name));
    }
    runner.register({ name: 'esm', modulePath: join(FIXTURES, 'esm-handler.mjs'), exportName: 'handler' });
    runner.register({ name: 'esm-package', modulePath: join(FIXTURES, 'esm-package/index.js'), exportName: 'handler' });
    runner.register({ name: 'init-fails', modulePath: join(FIXTURES, 'throws-at-load.js'), exportName: 'handler' });
    runner.register({ name: 'no-export', modulePath: join(FIXTURES, 'behaviours.js'), exportName: 'missing' });
    runner.register({ name: 'no-module', modulePath: join(FIXTURES, 'absent/index.js'), exportName: 'handler' });
  });

  afterAll(() => runner.close());

  describe('process reuse', () => {
    it('reuses one process and keeps module state between invocations', async () => {
      const first = await runner.invoke(runner.functionArn('counter'), {});
      const second = await runner.invoke(runner.functionArn('counter'), {});

      expect(first).toMatchObject({ ok: true, coldStart: true, result: { invocations: 1 } });
      expect(second).toMatchObject({ ok: true, coldStart: false, result: { invocations: 2 } });
      const firstPid = (first.result as { pid: number }).pid;
      expect((second.result as { pid: number }).pid).toBe(firstPid);
      expect(runner.processIds('counter')).toEqual([firstPid]);
    });

    it('reports the peak resident memory of the process', async () => {
      const outcome = await runner.invoke('counter', {});

      expect(outcome.peakRssBytes).toBeGreaterThan(1024 * 1024);
    });

    it('runs concurrent invocations in separate processes', async () => {
      const outcomes = await Promise.all([1, 2, 3].map(() => runner.invoke('sleeps', { ms: 200 })));

      const pids = new Set(outcomes.map((o) => (o.result as { pid: number }).pid));
      expect(pids.size).toBe(3);
      expect(runner.processIds('sleeps').sort()).toEqual([...pids].sort());
    });
  });

  describe('results and errors', () => {
    it('maps a rejected promise to the error name and message', async () => {
      const outcome = await runner.invoke('rejects', { name: 'VerificationFailedError', message: 'login failed' });

      expect(outcome).toMatchObject({ ok: false, errorType: 'VerificationFailedError', errorMessage: 'login failed' });
    });

    it('maps a synchronous throw to the error name and message', async () => {
      const outcome = await runner.invoke('throwsSync', {});

      expect(outcome).toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'expected a number, got "x"' });
    });

    it('keeps the process warm after a handler error', async () => {
      const failed = await runner.invoke('rejects', { name: 'Error', message: 'once' });
      const pidsAfterError = runner.processIds('rejects');
      const again = await runner.invoke('rejects', { name: 'Error', message: 'twice' });

      expect(failed.ok).toBe(false);
      expect(again.coldStart).toBe(false);
      expect(runner.processIds('rejects')).toEqual(pidsAfterError);
    });

    it('returns what a callback handler passes to the callback', async () => {
      const outcome = await runner.invoke('callback', { step: 'createSecret' });

      expect(outcome).toMatchObject({ ok: true, result: { echoed: { step: 'createSecret' } } });
    });

    it('maps an error passed to the callback', async () => {
      const outcome = await runner.invoke('callbackError', {});

      expect(outcome).toMatchObject({
        ok: false,
        errorType: 'RangeError',
        errorMessage: 'port must be 1-65535, got 70000',
      });
    });

    it('returns the value of a synchronous handler', async () => {
      const outcome = await runner.invoke('sync', { a: 2, b: 3 });

      expect(outcome).toMatchObject({ ok: true, result: { sum: 5 } });
    });

    it('returns null when the handler returns nothing', async () => {
      const outcome = await runner.invoke('returnsNothing', {});

      expect(outcome.ok).toBe(true);
      expect(outcome.result).toBeNull();
    });
  });

  describe('module formats and init failures', () => {
    it('loads an .mjs module with import()', async () => {
      const outcome = await runner.invoke('esm', { n: 1 });

      expect(outcome).toMatchObject({ ok: true, result: { isEsm: true, count: 1, echoed: { n: 1 } } });
    });

    it('falls back to import() for a .js ES module that require() cannot load', async () => {
      const outcome = await runner.invoke('esm-package', {});

      expect(outcome).toMatchObject({ ok: true, result: { greeting: 'hello', isEsm: true } });
    });

    it('reports an init error and retries the init in a fresh process', async () => {
      const first = await runner.invoke('init-fails', {});
      const second = await runner.invoke('init-fails', {});

      expect(first).toMatchObject({
        ok: false,
        errorType: 'Error',
        errorMessage: 'cannot initialise: SETTING is missing',
      });
      expect(second).toMatchObject({ ok: false, coldStart: true });
    });

    it('reports a missing export as Runtime.HandlerNotFound', async () => {
      const outcome = await runner.invoke('no-export', {});

      expect(outcome).toMatchObject({
        ok: false,
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'behaviours.missing is undefined or not exported',
      });
    });

    it('reports a missing module as Runtime.ImportModuleError', async () => {
      const outcome = await runner.invoke('no-module', {});

      expect(outcome.errorType).toBe('Runtime.ImportModuleError');
      expect(outcome.errorMessage).toContain('absent/index.js');
    });
  });

  describe('function references', () => {
    it.each([
      ['a full ARN', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:counter`],
      ['an ARN with $LATEST', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:counter:$LATEST`],
      ['an ARN with an alias', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:counter:live`],
      ['a partial ARN', `${ACCOUNT}:function:counter`],
      ['a bare name', 'counter'],
    ])('knows %s', (_label, reference) => {
      expect(runner.has(reference)).toBe(true);
    });

    it.each([
      ['another account', `arn:aws:lambda:${REGION}:999999999999:function:counter`],
      ['another region', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:counter`],
      ['an unregistered name', 'rotation-unknown'],
      ['a non-Lambda ARN', `arn:aws:iam::${ACCOUNT}:role/counter`],
    ])('does not know %s', (_label, reference) => {
      expect(runner.has(reference)).toBe(false);
    });

    it('builds the unqualified function ARN', () => {
      expect(runner.functionArn('rotation-random-secret')).toBe(
        `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotation-random-secret`,
      );
    });

    it('rejects an invocation of an unknown function', async () => {
      await expect(runner.invoke('rotation-unknown', {})).rejects.toThrow(FunctionNotFoundError);
    });
  });

  describe('logs', () => {
    it('sends stdout and stderr lines to the log sink with the function name', async () => {
      await runner.invoke('logs', { who: 'the test' });

      await waitFor(() => logs.filter((entry) => entry.functionName === 'logs').length >= 2);
      expect(logs.filter((entry) => entry.functionName === 'logs').map((entry) => entry.line)).toEqual(
        expect.arrayContaining(['hello from the test', 'a line on stderr']),
      );
    });
  });
});

describe('FunctionRunner after close()', () => {
  it('refuses new invocations', async () => {
    const { runner } = testRunner();
    runner.register(behaviour('counter'));
    await runner.close();

    await expect(runner.invoke('counter', {})).rejects.toThrow(FunctionRunnerClosedError);
  });
});

async function waitFor(condition: () => boolean, withinMs = 2000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}
