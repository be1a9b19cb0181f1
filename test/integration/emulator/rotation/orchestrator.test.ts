import { RotationOrchestrator } from '../../../../local/rotation/orchestrator';
import type { FunctionInvoker, InvocationOutcome, RotationStorePort } from '../../../../local/rotation/ports';
import { RotationScheduler } from '../../../../local/rotation/scheduler';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/key-AbCdEf';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotation-test';

function fakeStore(active = () => true): RotationStorePort & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isActive: () => active(),
    addTestVersion: (_arn, id) => calls.push(`add ${id}`),
    removeTestVersion: (_arn, id) => calls.push(`remove ${id}`),
    markRotated: () => calls.push('markRotated'),
  };
}

function recordingInvoker(fail: (step: string, call: number) => boolean = () => false) {
  const events: Array<Record<string, unknown>> = [];
  const invoker: FunctionInvoker = {
    async invoke(_arn, event): Promise<InvocationOutcome> {
      events.push({ ...event });
      const failed = fail(String(event.Step), events.length);
      return failed
        ? { ok: false, errorType: 'Error', errorMessage: 'boom', durationMs: 1 }
        : { ok: true, durationMs: 1 };
    },
  };
  return { invoker, events };
}

describe('RotationOrchestrator', () => {
  it('invokes the four steps in order with the same ARN, token and rotation token, then marks the secret rotated', async () => {
    const store = fakeStore();
    const { invoker, events } = recordingInvoker();
    const emitted: string[] = [];
    const orchestrator = new RotationOrchestrator({
      invoker,
      store,
      emit: (name) => emitted.push(name),
      now: () => new Date(),
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-1', functionArn: FN, rotateImmediately: true });
    await orchestrator.idle();

    expect(events.map((e) => e.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(new Set(events.map((e) => `${e.SecretId} ${e.ClientRequestToken} ${e.RotationToken}`)).size).toBe(1);
    expect(events[0]).toMatchObject({ SecretId: ARN, ClientRequestToken: 'tok-1', RotationToken: run.rotationToken });
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(store.calls).toEqual(['markRotated']);
    expect(emitted).toEqual(['RotationStarted', 'RotationSucceeded']);
  });

  it('retries the whole rotation after a failed step and records RotationFailed naming the step', async () => {
    const { invoker, events } = recordingInvoker((step) => step === 'setSecret');
    const emitted: Array<[string, string | undefined]> = [];
    const orchestrator = new RotationOrchestrator({
      invoker,
      store: fakeStore(),
      emit: (name, _arn, message) => emitted.push([name, message]),
      now: () => new Date(),
      retries: 2,
      backoffMs: 1,
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-2', functionArn: FN, rotateImmediately: true });
    await orchestrator.idle();

    expect(run).toMatchObject({ status: 'failed', attempts: 3 });
    expect(events.map((e) => e.Step)).toEqual(Array(3).fill(['createSecret', 'setSecret']).flat());
    expect(emitted.filter(([name]) => name === 'RotationFailed')).toEqual(
      Array(3).fill(['RotationFailed', `Error when executing lambda ${FN} during setSecret step`]),
    );
    expect(run.steps.filter((s) => s.status === 'failed').map((s) => s.errorMessage)).toEqual(['boom', 'boom', 'boom']);
  });

  it('stops retrying once the rotation is no longer active (cancelled or abandoned)', async () => {
    let active = true;
    const { invoker } = recordingInvoker((step) => {
      active = false;
      return step === 'createSecret';
    });
    const orchestrator = new RotationOrchestrator({
      invoker,
      store: fakeStore(() => active),
      emit: () => undefined,
      now: () => new Date(),
      backoffMs: 1,
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-3', functionArn: FN, rotateImmediately: true });
    await orchestrator.idle();

    expect(run).toMatchObject({ status: 'cancelled', attempts: 1 });
  });

  it('runs only testSecret against a temporary version for RotateImmediately=false and removes it', async () => {
    const store = fakeStore();
    const { invoker, events } = recordingInvoker();
    const emitted: string[] = [];
    const orchestrator = new RotationOrchestrator({
      invoker,
      store,
      emit: (name) => emitted.push(name),
      now: () => new Date(),
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-4', functionArn: FN, rotateImmediately: false });
    await orchestrator.idle();

    expect(events.map((e) => e.Step)).toEqual(['testSecret']);
    expect(store.calls).toEqual(['add tok-4', 'remove tok-4']);
    expect(run.status).toBe('succeeded');
    expect(emitted).toEqual(['TestRotationStarted', 'TestRotationSucceeded']);
  });

  it('records TestRotationFailed and still removes the temporary version when testSecret fails', async () => {
    const store = fakeStore();
    const { invoker } = recordingInvoker((step) => step === 'testSecret');
    const emitted: Array<[string, string | undefined]> = [];
    const orchestrator = new RotationOrchestrator({
      invoker,
      store,
      emit: (name, _arn, message) => emitted.push([name, message]),
      now: () => new Date(),
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-5', functionArn: FN, rotateImmediately: false });
    await orchestrator.idle();

    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    expect(store.calls).toEqual(['add tok-5', 'remove tok-5']);
    expect(emitted).toEqual([
      ['TestRotationStarted', undefined],
      ['TestRotationFailed', `Error when executing lambda ${FN} during testSecret step`],
    ]);
  });

  it('ends running rotations as cancelled, without RotationFailed, when the emulator shuts down', async () => {
    let orchestrator: RotationOrchestrator | undefined;
    const { invoker } = recordingInvoker(() => {
      orchestrator?.shutdown();
      return true;
    });
    const emitted: string[] = [];
    orchestrator = new RotationOrchestrator({
      invoker,
      store: fakeStore(),
      emit: (name) => emitted.push(name),
      now: () => new Date(),
    });

    const run = orchestrator.start({ secretArn: ARN, token: 'tok-6', functionArn: FN, rotateImmediately: true });
    await orchestrator.idle();

    expect(run.status).toBe('cancelled');
    expect(emitted).toEqual(['RotationStarted']);
  });
});

describe('RotationScheduler', () => {
  it('starts each due rotation once per due date', async () => {
    const { invoker, events } = recordingInvoker();
    const orchestrator = new RotationOrchestrator({
      invoker,
      store: fakeStore(),
      emit: () => undefined,
      now: () => new Date(),
    });
    const due = new Date('2030-01-01T00:00:00Z');
    let tokens = 0;
    const scheduler = new RotationScheduler({
      orchestrator,
      now: () => new Date('2030-01-02T00:00:00Z'),
      tickMs: 0,
      port: {
        dueRotations: () => [{ secretArn: ARN, functionArn: FN, nextRotationDate: due }],
        beginScheduledRotation: () => `sched-${++tokens}`,
        purgeDeleted: () => 0,
      },
    });

    expect(await scheduler.check()).toBe(1);
    await orchestrator.idle();
    expect(await scheduler.check()).toBe(0);

    expect(events.map((e) => e.ClientRequestToken)).toEqual(Array(4).fill('sched-1'));
    expect(orchestrator.list()[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
  });
});
