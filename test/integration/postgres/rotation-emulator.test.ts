import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../local/emulator';
import { sharedPostgres } from '../../support';
import { serviceEvents, smClient, startTestEmulator } from '../emulator/rotation/emulator-fixture';
import { createRole, ensurePostgresBundle, POSTGRES_ARN, tryLogin } from './postgres-fixture';

/** The bundled rotation-postgres function, run by the emulator through RotateSecret against a real server. */
describe('rotation-postgres through the emulator', () => {
  const pg = sharedPostgres();
  const logs: string[] = [];
  let emulator: Emulator;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    ensurePostgresBundle();
    emulator = await startTestEmulator({ log: (line) => logs.push(line) });
    sm = smClient(emulator);
  }, 60_000);

  afterAll(async () => {
    await emulator.close();
  });

  async function rotate(secretId: string): Promise<void> {
    await sm.send(new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: POSTGRES_ARN }));
    await emulator.rotations.idle();
  }

  async function currentValue(secretId: string): Promise<Record<string, unknown>> {
    const value = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    return JSON.parse(value.SecretString as string);
  }

  it('rotates a plaintext (ssl: false) secret twice: each new password logs in, the old one is refused', async () => {
    const initialPassword = 'Initial-pw-4a1f';
    await createRole(pg(), 'app_user', initialPassword);
    const initial = {
      engine: 'postgres',
      host: '127.0.0.1',
      port: String(pg().port),
      username: 'app_user',
      password: initialPassword,
      dbname: 'postgres',
      ssl: false,
      dbInstanceIdentifier: 'orders-db',
    };
    const created = await sm.send(
      new CreateSecretCommand({ Name: 'it/pg-app', SecretString: JSON.stringify(initial) }),
    );

    await rotate('it/pg-app');
    const first = await currentValue('it/pg-app');
    expect(first).toEqual({ ...initial, password: expect.any(String) });
    expect(first.password).not.toBe(initialPassword);
    expect(await tryLogin(pg(), 'app_user', first.password as string)).toBe('ok');
    expect(await tryLogin(pg(), 'app_user', initialPassword)).toBe('28P01');

    await rotate('it/pg-app');
    const second = await currentValue('it/pg-app');
    expect(second.password).not.toBe(first.password);
    expect(await tryLogin(pg(), 'app_user', second.password as string)).toBe('ok');
    expect(await tryLogin(pg(), 'app_user', first.password as string)).toBe('28P01');

    expect(serviceEvents(emulator, created.ARN as string, 'RotationSucceeded')).toHaveLength(2);
    const functionLogs = logs.filter((line) => line.includes('[rotation-postgres]'));
    expect(functionLogs.join('\n')).toContain('WITHOUT TLS');
    for (const password of [initialPassword, first.password, second.password]) {
      expect(logs.join('\n')).not.toContain(password as string);
    }
  });

  it('fails a rotation when no password logs in, leaving AWSCURRENT as it was and naming the user', async () => {
    await createRole(pg(), 'lost_user', 'Real-pw-9c2e');
    const initial = {
      engine: 'aurora-postgresql',
      host: '127.0.0.1',
      port: pg().port,
      username: 'lost_user',
      password: 'Wrong-pw-77b0',
      ssl: false,
    };
    const created = await sm.send(
      new CreateSecretCommand({ Name: 'it/pg-lost', SecretString: JSON.stringify(initial) }),
    );

    await rotate('it/pg-lost');

    expect(await currentValue('it/pg-lost')).toEqual(initial);
    const failed = serviceEvents(emulator, created.ARN as string, 'RotationFailed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].detail).toMatchObject({ errorMessage: expect.stringContaining('during setSecret step') });
    const functionLogs = logs.filter((line) => line.includes('[rotation-postgres]')).join('\n');
    expect(functionLogs).toMatch(/cannot log into PostgreSQL at 127\.0\.0\.1:\d+ as lost_user/);
    expect(await tryLogin(pg(), 'lost_user', 'Real-pw-9c2e')).toBe('ok');
    expect(logs.join('\n')).not.toContain('Wrong-pw-77b0');
  });
});
