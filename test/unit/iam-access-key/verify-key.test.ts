import { Logger } from '../../../lambdas/core/logger';
import { waitForKey } from '../../../lambdas/iam-access-key/verify-key';

const named = (name: string) => Object.assign(new Error('refused'), { name });

describe('waitForKey', () => {
  const logger = new Logger('test', {}, 'SILENT');

  it('backs off from 0.5 s, doubling up to 5 s, while the key is not yet valid', async () => {
    let clock = 0;
    const waits: number[] = [];
    let refusals = 6;
    const identity = await waitForKey('s', 'AKIA1', 'not-logged', {
      logger,
      timeoutSeconds: 60,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      probe: async () => {
        if (refusals-- > 0) throw named('InvalidClientTokenId');
        return { arn: 'arn:aws:iam::123456789012:user/u' };
      },
    });
    expect(identity.arn).toBe('arn:aws:iam::123456789012:user/u');
    expect(waits).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('stops at the bound, naming the key but not its secret', async () => {
    let clock = 0;
    const attempt = waitForKey('app/key', 'AKIA2', 'very-secret-value', {
      logger,
      timeoutSeconds: 3,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      probe: async () => {
        throw named('InvalidClientTokenId');
      },
    });
    await expect(attempt).rejects.toThrow(/pending key AKIA2 was still refused by STS .* over 3 s/);
    await expect(attempt).rejects.not.toThrow(/very-secret-value/);
  });

  it('fails at once on an error that waiting cannot fix', async () => {
    let calls = 0;
    const attempt = waitForKey('app/key', 'AKIA3', 'x', {
      logger,
      timeoutSeconds: 60,
      sleep: async () => {},
      probe: async () => {
        calls += 1;
        throw named('ExpiredTokenException');
      },
    });
    await expect(attempt).rejects.toThrow(/STS GetCallerIdentity failed with ExpiredTokenException/);
    expect(calls).toBe(1);
  });
});
