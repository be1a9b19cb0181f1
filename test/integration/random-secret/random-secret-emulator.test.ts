import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../local/emulator';
import {
  ensureBundle,
  RANDOM_SECRET_ARN,
  serviceEvents,
  smClient,
  startTestEmulator,
} from '../emulator/rotation/emulator-fixture';

/** The bundled rotation-random-secret function, run by the emulator through RotateSecret. */
describe('rotation-random-secret through the emulator', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    ensureBundle();
    emulator = await startTestEmulator();
  }, 60_000);

  afterAll(async () => {
    await emulator.close();
  });

  it('rotates a JSON webhook secret: new prefixed value, other fields kept, old value readable as AWSPREVIOUS', async () => {
    const sm = smClient(emulator);
    const initial = { signingSecret: 'whsec_initial', endpoint: 'https://hooks.example.com' };
    const created = await sm.send(
      new CreateSecretCommand({
        Name: 'it/webhook',
        SecretString: JSON.stringify(initial),
        Tags: [
          { Key: 'rotation:field', Value: 'signingSecret' },
          { Key: 'rotation:prefix', Value: 'whsec_' },
          { Key: 'rotation:format', Value: 'base64url' },
        ],
      }),
    );
    const rotated = await sm.send(
      new RotateSecretCommand({ SecretId: 'it/webhook', RotationLambdaARN: RANDOM_SECRET_ARN }),
    );
    await emulator.rotations.idle();

    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'it/webhook' }));
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: 'it/webhook', VersionStage: 'AWSPREVIOUS' }));
    const value = JSON.parse(current.SecretString as string);
    expect(current.VersionId).toBe(rotated.VersionId);
    expect(value.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(value.endpoint).toBe(initial.endpoint);
    expect(JSON.parse(previous.SecretString as string)).toEqual(initial);
    expect(serviceEvents(emulator, created.ARN as string, 'RotationSucceeded')).toHaveLength(1);
  });

  it('passes a RotateImmediately=false test rotation and leaves the secret as it was', async () => {
    const sm = smClient(emulator);
    const created = await sm.send(new CreateSecretCommand({ Name: 'it/test-only', SecretString: 'not-in-any-format' }));
    await sm.send(
      new RotateSecretCommand({
        SecretId: 'it/test-only',
        RotationLambdaARN: RANDOM_SECRET_ARN,
        RotateImmediately: false,
      }),
    );
    await emulator.rotations.idle();

    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'it/test-only' }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'it/test-only' }));
    expect(current.SecretString).toBe('not-in-any-format');
    expect(Object.values(described.VersionIdsToStages ?? {}).flat()).toEqual(['AWSCURRENT']);
    expect(serviceEvents(emulator, created.ARN as string, 'TestRotationSucceeded')).toHaveLength(1);
    expect(serviceEvents(emulator, created.ARN as string, 'TestRotationFailed')).toHaveLength(0);
  });

  it('fails a rotation with a bad setting, leaving AWSCURRENT untouched and no value stored', async () => {
    const sm = smClient(emulator);
    const created = await sm.send(
      new CreateSecretCommand({
        Name: 'it/bad-tag',
        SecretString: 'key-1',
        Tags: [{ Key: 'rotation:format', Value: 'uuid' }],
      }),
    );
    const rotated = await sm.send(
      new RotateSecretCommand({ SecretId: 'it/bad-tag', RotationLambdaARN: RANDOM_SECRET_ARN }),
    );
    await emulator.rotations.idle();

    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'it/bad-tag' }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'it/bad-tag' }));
    expect(current.SecretString).toBe('key-1');
    expect(described.VersionIdsToStages?.[rotated.VersionId as string]).toEqual(['AWSPENDING']);
    await expect(
      sm.send(
        new GetSecretValueCommand({ SecretId: 'it/bad-tag', VersionId: rotated.VersionId, VersionStage: 'AWSPENDING' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const failures = serviceEvents(emulator, created.ARN as string, 'RotationFailed');
    expect(failures.length).toBeGreaterThan(0);
  });
});
