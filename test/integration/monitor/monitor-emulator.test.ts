import { resolve } from 'node:path';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Emulator } from '../../../local/emulator';
import { ACCOUNT, RANDOM_SECRET_ARN, smClient, startTestEmulator } from '../emulator/rotation/emulator-fixture';

/**
 * The monitor against the emulator: every secret gets its state from real rotations (the random-secret bundle),
 * real schedules (the emulator clock) and real failures (an injected AccessDeniedException on PutSecretValue, as
 * a rotation role missing that permission would get), not from hand-written ListSecrets answers.
 *
 * The handler takes "now" from `new Date()`, and faking Date in this process breaks SigV4 between the SDK and the
 * in-process emulator (the SDK corrects its clock from the server's real Date header), so the timeline is laid
 * out in the past on the emulator clock and ends with the clock set back to real time, where the handler runs.
 * D is 00:00 UTC today, R is now; rate(2 days) with a 4h window opens windows at 00:00 UTC every other day.
 * - D-3d 06:00 overdue, failing, disabled, unmanaged created and rotated; disabled then switched off.
 * - D-2d 06:00 healthy created and rotated.
 * - D-1d 00:00 window of overdue and failing: the scheduled rotations fail; an operator removes the AWSPENDING
 *   label of overdue (docs/cdk.md) but does not rotate again. stuck created and rotated at 06:00.
 * - D    00:00 window of healthy: the scheduled rotation succeeds.
 * - R-6h       a manual rotation of stuck fails and leaves AWSPENDING (before or after D, sorted by time).
 * - R          the monitor runs.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RULES = { ScheduleExpression: 'rate(2 days)', Duration: '4h' };
const THEIR_ROTATOR_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:their-rotator`;
const FAILING_FUNCTION = resolve(__dirname, '../emulator/rotation/fixtures/failing-function.js');
const NAMES = {
  healthy: 'monitor/healthy',
  overdue: 'monitor/overdue',
  failing: 'monitor/failing',
  stuck: 'monitor/stuck',
  disabled: 'monitor/disabled',
  unmanaged: 'monitor/unmanaged',
  plain: 'monitor/never-rotated',
} as const;

interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: ReadonlyArray<{ readonly Namespace: string }> };
  readonly SecretName?: string;
  readonly [metric: string]: unknown;
}

describe('monitor against the emulator', () => {
  let emulator: Emulator;
  let sm: SecretsManagerClient;
  /** 00:00 UTC of the day the timeline ends (D); fixed once so a run across midnight stays consistent. */
  let day: number;

  const control = async (path: string, method: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} /_emulator/${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  /** Moves the emulator clock (which runs due scheduled rotations) and waits for every rotation to end. */
  const setClock = async (iso: string) => {
    await control('clock', 'POST', { set: iso });
    await emulator.rotations.idle();
  };
  /** Fails every PutSecretValue until removed, so rotations die in createSecret and leave AWSPENDING behind. */
  const withPutDenied = async (run: () => Promise<void>) => {
    await control('faults', 'POST', {
      service: 'secretsmanager',
      operation: 'PutSecretValue',
      fraction: 1,
      error: { code: 'AccessDeniedException', message: 'not authorized to perform PutSecretValue', status: 400 },
    });
    try {
      await run();
      await emulator.rotations.idle();
    } finally {
      await control('faults', 'DELETE');
    }
  };
  const createAndRotate = async (name: string, functionArn = RANDOM_SECRET_ARN) => {
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'first-value-not-rotated-yet' }));
    await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: functionArn, RotationRules: RULES }));
    await emulator.rotations.idle();
  };
  const pendingVersion = async (name: string): Promise<string> => {
    const stages = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};
    const pending = Object.entries(stages).find(([, labels]) => labels.includes('AWSPENDING'));
    if (!pending) throw new Error(`${name}: expected a version labelled AWSPENDING, found ${JSON.stringify(stages)}`);
    return pending[0];
  };

  beforeAll(async () => {
    emulator = await startTestEmulator({ functions: [`their-rotator=${FAILING_FUNCTION}#handler`] });
    sm = smClient(emulator);

    const realNow = Date.now();
    day = Math.floor(realNow / DAY_MS) * DAY_MS;
    const at = (days: number, hours: number) => new Date(day + days * DAY_MS + hours * HOUR_MS).toISOString();
    const steps: Array<[string, () => Promise<void>]> = [
      [
        at(-3, 6),
        async () => {
          for (const name of [NAMES.overdue, NAMES.failing, NAMES.disabled]) await createAndRotate(name);
          await sm.send(new CancelRotateSecretCommand({ SecretId: NAMES.disabled }));
          await createAndRotate(NAMES.unmanaged, THEIR_ROTATOR_ARN);
          await sm.send(new CreateSecretCommand({ Name: NAMES.plain, SecretString: 'never-rotated-value' }));
        },
      ],
      [at(-2, 6), () => createAndRotate(NAMES.healthy)],
      [
        at(-1, 0),
        async () => {
          await sm.send(
            new UpdateSecretVersionStageCommand({
              SecretId: NAMES.overdue,
              VersionStage: 'AWSPENDING',
              RemoveFromVersionId: await pendingVersion(NAMES.overdue),
            }),
          );
        },
      ],
      [at(-1, 6), () => createAndRotate(NAMES.stuck)],
      [at(0, 0), async () => {}],
      [
        new Date(realNow - 6 * HOUR_MS).toISOString(),
        () =>
          withPutDenied(async () => {
            await sm.send(new RotateSecretCommand({ SecretId: NAMES.stuck }));
          }),
      ],
    ];
    steps.sort(([a], [b]) => a.localeCompare(b));
    for (const [time, step] of steps) {
      // The D-1d window is the one whose scheduled rotations must fail.
      if (time === at(-1, 0)) await withPutDenied(() => setClock(time));
      else await setClock(time);
      await step();
    }
    await setClock(new Date().toISOString());
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it('sets up the states it claims: the failed rotations left AWSPENDING, the healthy one rotated on schedule', async () => {
    const describeSecret = (name: string) => sm.send(new DescribeSecretCommand({ SecretId: name }));
    const healthy = await describeSecret(NAMES.healthy);
    // Rotated by the schedule when today's window opened (the emulator marks it when finishSecret returns).
    expect((healthy.LastRotatedDate?.getTime() ?? 0) - day).toBeGreaterThanOrEqual(0);
    expect((healthy.LastRotatedDate?.getTime() ?? 0) - day).toBeLessThan(60_000);
    await expect(pendingVersion(NAMES.failing)).resolves.toEqual(expect.any(String));
    await expect(pendingVersion(NAMES.stuck)).resolves.toEqual(expect.any(String));
    await expect(pendingVersion(NAMES.overdue)).rejects.toThrow('expected a version labelled AWSPENDING');
    const overdue = (await describeSecret(NAMES.overdue)).LastRotatedDate?.getTime() ?? 0;
    expect(Math.floor(overdue / DAY_MS) * DAY_MS).toBe(day - 3 * DAY_MS);
    expect((await describeSecret(NAMES.disabled)).RotationEnabled).toBe(false);
  });

  it('the Lambda handler reports overdue, stuck and disabled secrets exactly and leaves healthy and foreign ones out', async () => {
    const lines = await invokeHandler(emulator);
    const perSecret = new Map(lines.filter((l) => l.SecretName !== undefined).map((l) => [l.SecretName, l]));
    const flags = (name: string) => {
      const line = perSecret.get(name);
      return line && [line.RotationOverdue, line.RotationStuck, line.RotationDisabled];
    };

    expect([...perSecret.keys()].sort()).toEqual(
      [NAMES.healthy, NAMES.overdue, NAMES.failing, NAMES.stuck, NAMES.disabled].sort(),
    );
    expect(flags(NAMES.healthy)).toEqual([0, 0, 0]);
    expect(flags(NAMES.overdue)).toEqual([1, 0, 0]);
    expect(flags(NAMES.failing)).toEqual([1, 1, 0]);
    expect(flags(NAMES.stuck)).toEqual([0, 1, 0]);
    expect(flags(NAMES.disabled)).toEqual([0, 0, 1]);
    const hoursToday = (Date.now() - day) / HOUR_MS;
    expect(perSecret.get(NAMES.healthy)?.HoursSinceLastRotation).toBeCloseTo(hoursToday, 0);
    expect(perSecret.get(NAMES.overdue)?.HoursSinceLastRotation).toBeCloseTo(3 * 24 - 6 + hoursToday, 0);

    const summary = lines[lines.length - 1];
    expect(summary._aws.CloudWatchMetrics[0].Namespace).toBe('SecretRotation');
    expect(summary).toMatchObject({
      OverdueSecrets: 2,
      StuckSecrets: 2,
      RotationDisabledSecrets: 1,
      MonitoredSecrets: 5,
      disabledSecrets: [NAMES.disabled],
    });
    expect([...(summary.overdueSecrets as string[])].sort()).toEqual([NAMES.failing, NAMES.overdue]);
    expect([...(summary.stuckSecrets as string[])].sort()).toEqual([NAMES.failing, NAMES.stuck]);
  });

  it("another deployment's monitor (prefix their-) sees only its own secret, whose failing rotation is overdue and stuck", async () => {
    const lines = await invokeHandler(emulator, { ROTATION_FUNCTION_PREFIX: 'their-' });
    expect(lines.filter((l) => l.SecretName !== undefined)).toEqual([
      expect.objectContaining({
        SecretName: NAMES.unmanaged,
        RotationOverdue: 1,
        RotationStuck: 1,
        RotationDisabled: 0,
      }),
    ]);
  });

  it("watches nothing when the deployment's function prefix matches none of the rotation functions", async () => {
    const lines = await invokeHandler(emulator, { ROTATION_FUNCTION_PREFIX: 'acme-rotation-' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      OverdueSecrets: 0,
      StuckSecrets: 0,
      RotationDisabledSecrets: 0,
      MonitoredSecrets: 0,
    });
  });
});

/**
 * Runs the deployed entry point in this process with the environment Lambda would give it (pointed at the
 * emulator) and returns its EMF lines. Its "now" is the real clock, which the emulator clock must match.
 */
async function invokeHandler(emulator: Emulator, extraEnv: Record<string, string> = {}): Promise<EmfLine[]> {
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: emulator.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: emulator.region,
    ROTATION_FUNCTION_PREFIX: 'rotation-',
    METRICS_NAMESPACE: 'SecretRotation',
    ...extraEnv,
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    let handler: typeof import('../../../lambdas/monitor/handler')['handler'] | undefined;
    await jest.isolateModulesAsync(async () => {
      ({ handler } = await import('../../../lambdas/monitor/handler'));
    });
    if (!handler) throw new Error('lambdas/monitor/handler did not export handler');
    await handler();
  } finally {
    write.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}
