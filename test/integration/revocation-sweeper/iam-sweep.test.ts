import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { IamAccessKeyRevoker } from '../../../lambdas/revocation-sweeper/iam-access-key-revoker';
import { RevocationSweeper } from '../../../lambdas/revocation-sweeper/sweeper';
import type { Emulator } from '../../../local/emulator';
import { Clients, keyOf, startIamEmulator } from '../iam-access-key/iam-fixture';

const ARN = 'arn:aws:iam::123456789012:user/swept';

describe('revocation sweeper over IAM access keys, through the emulator', () => {
  let emulator: Emulator;
  let c: Clients;
  let sweeper: RevocationSweeper;
  const lines: string[] = [];
  const opened: { destroy(): void }[] = [];

  beforeAll(async () => {
    emulator = await startIamEmulator();
    c = new Clients(emulator);
    const base = {
      endpoint: emulator.url,
      region: emulator.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const sm = new SecretsManagerClient(base);
    const iam = new IAMClient(base);
    opened.push(sm, iam);
    setLogSink((line) => lines.push(line));
    sweeper = new RevocationSweeper(sm, [new IamAccessKeyRevoker(() => iam)], new Logger('sweeper', {}, 'INFO'), {
      env: {},
      now: () => emulator.clock.now(),
    });
  }, 60_000);

  afterAll(async () => {
    for (const client of opened) client.destroy();
    c.destroy();
    await emulator.close();
  });

  it('keeps the old key through the grace period, deactivates it, then deletes it, never touching AWSCURRENT', async () => {
    const old = await c.userWithKey('swept');
    await c.createSecret('keys/swept', 'swept', old, { 'rotation:credential-type': 'iam-access-key' });
    await c.rotate('keys/swept');
    const current = keyOf(await c.value('keys/swept'));

    expect((await sweeper.run()).revoked).toBe(0);
    expect(await c.whoIs(old)).toBe(ARN);

    emulator.clock.advance(25 * 3600);
    expect((await sweeper.run()).revoked).toBe(1);
    expect(await c.whoIs(old)).toBe('InvalidClientTokenId');
    expect(await c.whoIs(current)).toBe(ARN);
    expect((await sweeper.run()).revoked).toBe(0);

    emulator.clock.advance(168 * 3600);
    expect((await sweeper.run()).revoked).toBe(1);
    expect((await c.keys('swept')).map((k) => k.id)).toEqual([current.accessKeyId]);
    expect(await c.whoIs(current)).toBe(ARN);

    await c.rotate('keys/swept');
    expect(await c.keys('swept')).toHaveLength(2);
    expect(await c.whoIs(keyOf(await c.value('keys/swept')))).toBe(ARN);
  });

  it('finds the type from the rotation function name when the secret has no type tag', async () => {
    const old = await c.userWithKey('untagged');
    await c.createSecret('keys/untagged', 'untagged', old);
    await c.rotate('keys/untagged');

    emulator.clock.advance(25 * 3600);
    await sweeper.run();

    expect((await c.keys('untagged')).find((k) => k.id === old.accessKeyId)?.status).toBe('Inactive');
  });

  it('writes no secret access key into any log line', async () => {
    const secrets = [(await c.value('keys/swept')).SecretAccessKey, (await c.value('keys/untagged')).SecretAccessKey];
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
