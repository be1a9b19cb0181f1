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

  it('does not delete a key stranded by a process it cannot remember, and names it in the error', async () => {
    const first = await c.userWithKey('cold-user');
    const arn = await c.createSecret('keys/cold', 'cold-user', first);
    emulator.faults.add({
      service: 'secretsmanager',
      operation: 'PutSecretValue',
      nth: 1,
      error: { code: 'InjectedFault', message: 'injected', status: 400 },
    });

    await c.rotate('keys/cold');

    const keys = await c.keys('cold-user');
    const stranded = keys.find((k) => k.id !== first.accessKeyId);
    expect(keys).toHaveLength(2);
    expect(c.stepErrors(arn).some((m) => m.includes(`key ${stranded?.id} may not be deleted`))).toBe(true);
    expect(await c.whoIs(first)).toBe('arn:aws:iam::123456789012:user/cold-user');
  });
});
