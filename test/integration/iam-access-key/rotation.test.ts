import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../local/emulator';
import { Clients, keyOf, startIamEmulator } from './iam-fixture';

const ARN_OF = (user: string) => `arn:aws:iam::123456789012:user/${user}`;

describe('iam-access-key rotation through the emulator', () => {
  let emulator: Emulator;
  let c: Clients;

  beforeAll(async () => {
    emulator = await startIamEmulator();
    c = new Clients(emulator);
  }, 60_000);

  afterAll(async () => {
    c.destroy();
    await emulator.close();
  });

  it('rotates in a new key that authenticates while the old key keeps working', async () => {
    const old = await c.userWithKey('app-one');
    await c.createSecret('keys/app-one', 'app-one', old);

    const token = await c.rotate('keys/app-one');

    const current = await c.value('keys/app-one');
    expect((await c.stages('keys/app-one'))[token]).toContain('AWSCURRENT');
    expect(current).toMatchObject({ UserName: 'app-one', Note: 'kept' });
    expect(current.AccessKeyId).not.toBe(old.accessKeyId);
    expect(await c.whoIs(keyOf(current))).toBe(ARN_OF('app-one'));
    expect(await c.whoIs(old)).toBe(ARN_OF('app-one'));
    expect(await c.keys('app-one')).toHaveLength(2);
  });

  it('replaces the deactivated previous key on the next rotation and stays at two keys', async () => {
    const old = await c.userWithKey('app-two');
    await c.createSecret('keys/app-two', 'app-two', old);
    await c.rotate('keys/app-two');
    const second = keyOf(await c.value('keys/app-two'));
    await c.deactivate('app-two', old.accessKeyId);

    await c.rotate('keys/app-two');

    const third = keyOf(await c.value('keys/app-two'));
    const keys = await c.keys('app-two');
    expect(keys.map((k) => k.id).sort()).toEqual([second.accessKeyId, third.accessKeyId].sort());
    expect(await c.whoIs(third)).toBe(ARN_OF('app-two'));
    expect(await c.whoIs(second)).toBe(ARN_OF('app-two'));
  });

  it('refuses to delete a previous key that is still active, naming it, and leaves both keys', async () => {
    const old = await c.userWithKey('app-three');
    const arn = await c.createSecret('keys/app-three', 'app-three', old);
    await c.rotate('keys/app-three');
    const before = await c.keys('app-three');

    await c.rotate('keys/app-three');

    expect(await c.keys('app-three')).toEqual(before);
    const errors = c.stepErrors(arn);
    expect(errors.some((m) => m.includes(`key ${old.accessKeyId} may not be deleted`))).toBe(true);
    expect(await c.whoIs(keyOf(await c.value('keys/app-three')))).toBe(ARN_OF('app-three'));
  });

  it('never deletes an active key the secret does not know, and says which key blocks', async () => {
    const known = await c.userWithKey('app-four');
    const stranger = await c.createKey('app-four');
    const arn = await c.createSecret('keys/app-four', 'app-four', known);

    await c.rotate('keys/app-four');

    expect((await c.keys('app-four')).map((k) => k.id).sort()).toEqual(
      [known.accessKeyId, stranger.accessKeyId].sort(),
    );
    expect(c.stepErrors(arn).some((m) => m.includes(`key ${stranger.accessKeyId} may not be deleted`))).toBe(true);
    expect(c.stepErrors(arn).join('\n')).not.toContain(stranger.secretAccessKey);
  });

  it('deletes an inactive AWSPREVIOUS key when the user already has two keys', async () => {
    const old = await c.userWithKey('app-five');
    await c.createSecret('keys/app-five', 'app-five', old);
    await c.rotate('keys/app-five');
    await c.deactivate('app-five', old.accessKeyId);
    expect(await c.keys('app-five')).toHaveLength(2);

    await c.rotate('keys/app-five');

    expect((await c.keys('app-five')).map((k) => k.id)).not.toContain(old.accessKeyId);
    expect(await c.whoIs(old)).toBe('InvalidClientTokenId');
  });

  it('passes a RotateImmediately=false configuration test without touching any key', async () => {
    const only = await c.userWithKey('app-seven');
    const arn = await c.createSecret('keys/app-seven', 'app-seven', only);

    await c.sm.send(
      new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: c.functionArn, RotateImmediately: false }),
    );
    await emulator.rotations.idle();

    expect(emulator.rotations.list().find((r) => r.secretArn === arn)?.status).toBe('succeeded');
    expect((await c.keys('app-seven')).map((k) => k.id)).toEqual([only.accessKeyId]);
    expect((await c.value(arn)).AccessKeyId).toBe(only.accessKeyId);
  });

  it('deactivates the previous key at finishSecret in emergency mode', async () => {
    const leaked = await c.userWithKey('app-six');
    await c.createSecret('keys/app-six', 'app-six', leaked, { 'rotation:emergency': 'true' });

    await c.rotate('keys/app-six');

    expect(await c.whoIs(keyOf(await c.value('keys/app-six')))).toBe(ARN_OF('app-six'));
    expect(await c.whoIs(leaked)).toBe('InvalidClientTokenId');
    expect((await c.keys('app-six')).find((k) => k.id === leaked.accessKeyId)?.status).toBe('Inactive');
  });
});
