import type { DbSession } from '../../../../local/rds-data/engine';
import { TransactionRegistry } from '../../../../local/rds-data/transactions';

const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:app';

function fakeSession(): DbSession & { statements: string[]; closed: boolean } {
  const session = {
    statements: [] as string[],
    closed: false,
    execute: async (sql: string) => {
      session.statements.push(sql);
      return { numberOfRecordsUpdated: 0 };
    },
    close: async () => {
      session.closed = true;
    },
  };
  return session;
}

describe('TransactionRegistry', () => {
  afterEach(() => jest.useRealTimers());

  it('rolls back (closes) a transaction left idle past the timeout', async () => {
    jest.useFakeTimers();
    const registry = new TransactionRegistry(1_000);
    const session = fakeSession();
    const id = registry.add(ARN, session, []);

    await jest.advanceTimersByTimeAsync(1_001);

    expect(session.closed).toBe(true);
    await expect(registry.run(id, ARN, async () => 'late')).rejects.toMatchObject({
      code: 'TransactionNotFoundException',
    });
  });

  it('restarts the idle clock on every call', async () => {
    jest.useFakeTimers();
    const registry = new TransactionRegistry(1_000);
    const session = fakeSession();
    const id = registry.add(ARN, session, []);

    await jest.advanceTimersByTimeAsync(800);
    await registry.run(id, ARN, (s) =>
      s.execute('SELECT 1', new Map(), { decimalReturnType: 'STRING', longReturnType: 'LONG' }),
    );
    await jest.advanceTimersByTimeAsync(800);

    expect(session.closed).toBe(false);
    await registry.closeAll();
    expect(session.closed).toBe(true);
  });

  it('refuses a transaction id used with another cluster', async () => {
    const registry = new TransactionRegistry();
    const id = registry.add(ARN, fakeSession(), []);
    await expect(registry.run(id, `${ARN}-other`, async () => 1)).rejects.toMatchObject({
      code: 'TransactionNotFoundException',
      status: 404,
    });
    await registry.closeAll();
  });

  it('runs the calls of one transaction one after another', async () => {
    const registry = new TransactionRegistry();
    const id = registry.add(ARN, fakeSession(), []);
    const order: string[] = [];
    const slow = registry.run(id, ARN, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('first');
    });
    const fast = registry.run(id, ARN, async () => {
      order.push('second');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['first', 'second']);
    await registry.closeAll();
  });
});
