import type { Emulator } from '../../../local/emulator';
import { Clients, startIamEmulator } from './iam-fixture';

describe('iam-access-key rotation with a fresh function process per invocation', () => {
  let emulator: Emulator;
  let c: Clients;

  beforeAll(async () => {
    emulator = await startIamEmulator({ coldFunctions: true, rotationRetries: 1 });
    c = new Clients(emulator);
  }, 60_000);

  afterAll(async () => {
    c.destroy();
    await emulator.close();
  });

  it('deletes the new key at once when its secret cannot be stored, so a fresh process can retry', async () => {
    const first = await c.userWithKey('cold-user');
    await c.createSecret('keys/cold', 'cold-user', first);
    emulator.faults.add({
      service: 'secretsmanager',
      operation: 'PutSecretValue',
      nth: 1,
      error: { code: 'InjectedFault', message: 'injected', status: 400 },
    });

    await c.rotate('keys/cold');

    const current = await c.value('keys/cold');
    const keys = await c.keys('cold-user');
    expect(current.AccessKeyId).not.toBe(first.accessKeyId);
    expect(keys.map((k) => k.id).sort()).toEqual([first.accessKeyId, current.AccessKeyId].sort());
    expect(await c.whoIs({ accessKeyId: current.AccessKeyId, secretAccessKey: current.SecretAccessKey })).toBe(
      'arn:aws:iam::123456789012:user/cold-user',
    );
    expect(await c.whoIs(first)).toBe('arn:aws:iam::123456789012:user/cold-user');
  });
});
