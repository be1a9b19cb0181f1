import type { Emulator } from '../../../local/emulator';
import { Clients, keyOf, startIamEmulator } from './iam-fixture';

const PROPAGATION_SECONDS = 2;

describe('iam-access-key rotation while IAM propagates new keys', () => {
  let emulator: Emulator;
  let c: Clients;
  const lines: string[] = [];

  beforeAll(async () => {
    emulator = await startIamEmulator({ iamPropagationSeconds: PROPAGATION_SECONDS, rotationRetries: 0 }, lines);
    c = new Clients(emulator);
  }, 60_000);

  afterAll(async () => {
    c.destroy();
    await emulator.close();
  });

  it('waits in testSecret until the new key authenticates, then finishes', async () => {
    const old = await c.userWithKey('slow-one');
    emulator.clock.advance(PROPAGATION_SECONDS + 1);
    await c.createSecret('keys/slow-one', 'slow-one', old);

    const token = await c.rotate('keys/slow-one');

    expect((await c.stages('keys/slow-one'))[token]).toContain('AWSCURRENT');
    expect(lines.some((l) => l.includes('not accepted by STS yet'))).toBe(true);
    expect(await c.whoIs(keyOf(await c.value('keys/slow-one')))).toBe('arn:aws:iam::123456789012:user/slow-one');
  });

  it('fails testSecret past its bound with a clear error, and a retried rotation then succeeds', async () => {
    const old = await c.userWithKey('slow-two');
    emulator.clock.advance(PROPAGATION_SECONDS + 1);
    const arn = await c.createSecret('keys/slow-two', 'slow-two', old, { 'rotation:verify-timeout-seconds': '0' });

    const token = await c.rotate('keys/slow-two', { AutomaticallyAfterDays: 1 });

    expect((await c.stages('keys/slow-two'))[token]).toEqual(['AWSPENDING']);
    expect(c.stepErrors(arn).join('\n')).toMatch(/still refused by STS \(InvalidClientTokenId\).*retry the rotation/);
    // The schedule reattempts the incomplete rotation with its own token once the key has propagated.
    emulator.clock.advance(2 * 86400);
    await emulator.scheduler.check();
    await emulator.rotations.idle();
    expect((await c.stages('keys/slow-two'))[token]).toContain('AWSCURRENT');
    expect(await c.keys('slow-two')).toHaveLength(2);
  });

  it('writes no secret access key into any function log line', async () => {
    const secrets = [
      (await c.value('keys/slow-one')).SecretAccessKey,
      (await c.value('keys/slow-one', 'AWSPREVIOUS')).SecretAccessKey,
      (await c.value('keys/slow-two')).SecretAccessKey,
    ];
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
