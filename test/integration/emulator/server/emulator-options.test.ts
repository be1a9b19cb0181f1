import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { CreateSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../../local/emulator';
import { RANDOM_SECRET_ARN, smClient, startTestEmulator } from '../rotation/emulator-fixture';

const CLUSTER = 'arn:aws:rds:us-east-1:123456789012:cluster:nowhere';

describe('emulator options: --events, --cold-functions, --data-api', () => {
  let emulator: Emulator;
  const eventsFile = join(mkdtempSync(join(tmpdir(), 'emulator-events-')), 'events.jsonl');

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so the Data API must report the database as unreachable.
    emulator = await startTestEmulator({
      eventsFile,
      coldFunctions: true,
      dataApi: [`${CLUSTER}=postgres://127.0.0.1:1/app`],
    });
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  it('rotates with a fresh function process per step and appends every event to the JSON-lines file', async () => {
    const sm = smClient(emulator);
    const created = await sm.send(new CreateSecretCommand({ Name: 'options/cold', SecretString: 'abcdefgh' }));

    await sm.send(new RotateSecretCommand({ SecretId: 'options/cold', RotationLambdaARN: RANDOM_SECRET_ARN }));
    await emulator.rotations.idle();
    const lines = readFileSync(eventsFile, 'utf8').trim().split('\n');

    expect(emulator.rotations.list()[0]).toMatchObject({ status: 'succeeded' });
    expect(emulator.runner.processIds('rotation-random-secret')).toEqual([]);
    expect(lines.map((line) => JSON.parse(line))).toEqual(emulator.events.list());
    expect(lines.map((line) => JSON.parse(line).detail.eventName).filter(Boolean)).toEqual([
      'RotationStarted',
      'RotationSucceeded',
    ]);
    expect(readFileSync(eventsFile, 'utf8')).toContain(created.ARN);
  });

  it('serves the Data API for a registered cluster and refuses an unregistered one', async () => {
    const sm = smClient(emulator);
    const secret = await sm.send(
      new CreateSecretCommand({
        Name: 'options/db',
        SecretString: JSON.stringify({ username: 'app', password: 'pw-123456' }),
      }),
    );
    const rds = new RDSDataClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const execute = (resourceArn: string) =>
      rds
        .send(new ExecuteStatementCommand({ resourceArn, secretArn: secret.ARN, sql: 'select 1' }))
        .catch((e: Error) => e);

    const unreachable = await execute(CLUSTER);
    const unknown = await execute('arn:aws:rds:us-east-1:123456789012:cluster:unknown');

    expect(unreachable).toMatchObject({ name: 'DatabaseUnavailableException' });
    expect((unreachable as Error).message).not.toContain('pw-123456');
    expect(unknown).toMatchObject({ name: 'HttpEndpointNotEnabledException' });
    expect(emulator.calls.snapshot().services['rds-data']).toEqual({ ExecuteStatement: 2 });
  });
});
