import { behaviour, survivorsAfter, testRunner } from './runner-test-helpers';

describe('FunctionRunner failures', () => {
  const { runner } = testRunner();

  beforeAll(() => {
    runner.register(behaviour('hangs', { timeoutMs: 300 }));
    runner.register(behaviour('sleeps', { name: 'sleeps-long' }));
    runner.register(behaviour('counter'));
    runner.register(behaviour('exits'));
    runner.register(behaviour('throwsLater'));
  });

  afterAll(() => runner.close());

  describe('timeout', () => {
    it('fails the invocation as Sandbox.Timedout and kills the process', async () => {
      const running = runner.invoke('hangs', {});
      const pids = await waitForProcess('hangs', 0);
      const outcome = await running;

      expect(outcome).toMatchObject({
        ok: false,
        errorType: 'Sandbox.Timedout',
        errorMessage: 'Task timed out after 0.30 seconds',
      });
      expect(pids).toHaveLength(1);
      expect(await survivorsAfter(pids)).toEqual([]);
    });

    it('gives the next invocation a fresh process', async () => {
      await runner.invoke('hangs', {});

      const next = await runner.invoke('hangs', {});

      expect(next.coldStart).toBe(true);
    });
  });

  describe('crash', () => {
    it('fails an invocation whose process is killed mid-run as Runtime.ExitError', async () => {
      const running = runner.invoke('sleeps-long', { ms: 20_000 });
      await waitForProcess('sleeps-long');

      const killed = runner.killFunctionProcess('sleeps-long');
      const outcome = await running;

      expect(killed).toHaveLength(1);
      expect(outcome).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
      expect(outcome.errorMessage).toMatch(/Runtime exited with error: signal: killed$/);
    });

    it('starts a fresh process after a crash', async () => {
      const running = runner.invoke('sleeps-long', { ms: 20_000 });
      const [killedPid] = await waitForProcess('sleeps-long');
      runner.killFunctionProcess('sleeps-long');
      await running;

      const next = await runner.invoke('sleeps-long', { ms: 1 });

      expect(next).toMatchObject({ ok: true, coldStart: true });
      expect((next.result as { pid: number }).pid).not.toBe(killedPid);
    });

    it('starts a fresh process when the idle warm one was killed', async () => {
      const first = await runner.invoke('counter', {});
      runner.killFunctionProcess('counter');
      await survivorsAfter([(first.result as { pid: number }).pid]);

      const next = await runner.invoke('counter', {});

      expect(next).toMatchObject({ ok: true, coldStart: true, result: { invocations: 1 } });
    });

    it('reports a handler that exits the process with its exit status', async () => {
      const outcome = await runner.invoke('exits', {});

      expect(outcome).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
      expect(outcome.errorMessage).toMatch(/Runtime exited with error: exit status 3$/);
    });

    it('fails the invocation with an error thrown outside the handler, then replaces the process', async () => {
      const outcome = await runner.invoke('throwsLater', {});
      const next = await runner.invoke('throwsLater', {});

      expect(outcome).toMatchObject({ ok: false, errorType: 'Error', errorMessage: 'thrown from a timer' });
      expect(next.coldStart).toBe(true);
    });
  });

  /** The function's process ids once it has one; `settleMs` later, so that a kill lands mid-invocation. */
  async function waitForProcess(name: string, settleMs = 100): Promise<number[]> {
    for (let tries = 0; runner.processIds(name).length === 0 && tries < 1000; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const pids = runner.processIds(name);
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return pids;
  }
});

describe('FunctionRunner.close()', () => {
  it('leaves no function process alive, busy or idle', async () => {
    const { runner } = testRunner();
    runner.register(behaviour('counter'));
    runner.register(behaviour('sleeps'));
    await runner.invoke('counter', {});
    const busy = runner.invoke('sleeps', { ms: 20_000 });
    while (runner.processIds('sleeps').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const pids = [...runner.processIds('counter'), ...runner.processIds('sleeps')];

    await runner.close();

    expect(pids).toHaveLength(2);
    expect(await survivorsAfter(pids, 0)).toEqual([]);
    await expect(busy).resolves.toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
  });

  it('also stops the processes of a function that was registered again', async () => {
    const { runner } = testRunner();
    runner.register(behaviour('counter'));
    await runner.invoke('counter', {});
    const replacedPids = runner.processIds('counter');

    runner.register(behaviour('counter'));
    await runner.close();

    expect(await survivorsAfter(replacedPids, 0)).toEqual([]);
  });
});

describe('FunctionRunner with one process per function', () => {
  it('queues concurrent invocations on the one process', async () => {
    const { runner } = testRunner({ maxProcessesPerFunction: 1 });
    runner.register(behaviour('sleeps'));

    const outcomes = await Promise.all([1, 2, 3].map(() => runner.invoke('sleeps', { ms: 50 })));
    await runner.close();

    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(new Set(outcomes.map((o) => (o.result as { pid: number }).pid)).size).toBe(1);
    expect(outcomes.filter((o) => o.coldStart)).toHaveLength(1);
  });
});
