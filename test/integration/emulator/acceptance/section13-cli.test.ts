import { resolve } from 'node:path';
import type { Emulator } from '../../../../local/emulator';
import { ACCOUNT, RANDOM_SECRET_ARN, startTestEmulator } from '../rotation/emulator-fixture';
import { awsCli, type CliResult } from './aws-cli';

const SILENT_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:acceptance-silent`;
/**
 * Exit codes for "the service returned an error": 254 in CLI v2, 255 in CLI v1 (the `aws` on PATH may be either;
 * today it is 1.x).
 */
const SERVICE_ERROR = [254, 255];

// Each CLI run starts a Python process (about half a second of CPU); a test makes up to eight of them in a row,
// which exceeds jest's default 5 s when CI runs other files on the same two cores.
jest.setTimeout(30_000);

/**
 * A representative subset of AWS-BEHAVIOUR.md section 13 (checks 2, 3, 8, 9, 12, 13, 19-26, 28, 32, 36, 37)
 * driven by the `aws` CLI (v1 or v2) with `--endpoint-url`, as an operator would.
 */
describe('section 13 acceptance checks through the aws CLI', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.runner.register({
      name: 'acceptance-silent',
      modulePath: resolve(__dirname, 'fixtures/silent-function.js'),
      exportName: 'handler',
    });
  }, 30_000);
  afterAll(async () => {
    await emulator.close();
  });

  const aws = (...args: string[]) => awsCli(emulator.url, args);
  const sm = (...args: string[]) => aws('secretsmanager', ...args);
  const create = async (name: string, value = 'value-1') => {
    const out = await sm('create-secret', '--name', name, '--secret-string', value);
    return { arn: out.json?.ARN as string, v1: out.json?.VersionId as string };
  };
  const stages = async (secretId: string) =>
    (await sm('describe-secret', '--secret-id', secretId)).json?.VersionIdsToStages as Record<string, string[]>;
  const expectServiceError = (result: CliResult, code: string, message?: string) => {
    expect(SERVICE_ERROR).toContain(result.code);
    expect(result.stderr).toContain(`(${code})`);
    if (message !== undefined) expect(result.stderr).toContain(message);
  };

  it('check 2: put-secret-value reusing a token with another value fails with ResourceExistsException', async () => {
    const { arn, v1 } = await create('cli2/secret');
    const result = await sm(
      'put-secret-value',
      '--secret-id',
      arn,
      '--client-request-token',
      v1,
      '--secret-string',
      'x',
    );

    expectServiceError(
      result,
      'ResourceExistsException',
      `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${arn}.`,
    );
  });

  it('check 3: a default put-secret-value makes the new version AWSCURRENT and the old one AWSPREVIOUS', async () => {
    const { arn, v1 } = await create('cli3/secret');
    const result = await sm('put-secret-value', '--secret-id', arn, '--secret-string', 'value-2');

    expect(result.code).toBe(0);
    expect(result.json?.VersionStages).toEqual(['AWSCURRENT']);
    expect((await stages(arn))[v1]).toEqual(['AWSPREVIOUS']);
  });

  it('checks 8 and 9: update-secret-version-stage needs RemoveFromVersionId, then keeps AWSPENDING on the target', async () => {
    const { arn, v1 } = await create('cli8/secret');
    const x = (
      await sm('put-secret-value', '--secret-id', arn, '--secret-string', 'x', '--version-stages', 'AWSPENDING')
    ).json?.VersionId as string;
    const move = [
      'update-secret-version-stage',
      '--secret-id',
      arn,
      '--version-stage',
      'AWSCURRENT',
      '--move-to-version-id',
      x,
    ];

    const refused = await sm(...move);
    const moved = await sm(...move, '--remove-from-version-id', v1);
    const after = await stages(arn);

    expectServiceError(
      refused,
      'InvalidParameterException',
      `Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
    expect(moved.code).toBe(0);
    expect(moved.json).toEqual({ ARN: arn, Name: 'cli8/secret' });
    expect(new Set(after[x])).toEqual(new Set(['AWSCURRENT', 'AWSPENDING']));
    expect(after[v1]).toEqual(['AWSPREVIOUS']);
  });

  it('checks 12 and 13: get-secret-value with a stage not on the version, or a missing AWSPREVIOUS', async () => {
    const { arn, v1 } = await create('cli12/secret');
    const [mismatch, previous] = await Promise.all([
      sm('get-secret-value', '--secret-id', arn, '--version-id', v1, '--version-stage', 'AWSPREVIOUS'),
      sm('get-secret-value', '--secret-id', arn, '--version-stage', 'AWSPREVIOUS'),
    ]);

    expectServiceError(
      mismatch,
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    );
    expectServiceError(
      previous,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    );
  });

  it('checks 19, 20 and 21: rotate-secret refusals', async () => {
    const { arn } = await create('cli19/secret');
    const [noArn, noFunction, both] = await Promise.all([
      sm('rotate-secret', '--secret-id', arn),
      sm('rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', `${SILENT_ARN}-missing`),
      sm(
        'rotate-secret',
        '--secret-id',
        arn,
        '--rotation-lambda-arn',
        SILENT_ARN,
        '--rotation-rules',
        '{"AutomaticallyAfterDays":14,"ScheduleExpression":"cron(0 16 1,15 * ? *)"}',
      ),
    ]);
    const described = (await sm('describe-secret', '--secret-id', arn)).json ?? {};

    expectServiceError(
      noArn,
      'InvalidRequestException',
      'No Lambda rotation function ARN is associated with this secret.',
    );
    expectServiceError(
      noFunction,
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    );
    expectServiceError(
      both,
      'InvalidParameterException',
      'You cannot specify both rotation frequency and schedule expression together.',
    );
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
  });

  it('checks 22-26: rotate-secret rotates end to end, and a second rotate-secret rotates again', async () => {
    const { arn, v1 } = await create('cli22/secret', 'initial');
    const first = await sm(
      'rotate-secret',
      '--secret-id',
      arn,
      '--rotation-lambda-arn',
      RANDOM_SECRET_ARN,
      '--rotation-rules',
      '{"AutomaticallyAfterDays":7}',
    );
    await emulator.rotations.idle();
    const afterFirst = await stages(arn);
    const second = await sm('rotate-secret', '--secret-id', arn);
    await emulator.rotations.idle();
    const described = (await sm('describe-secret', '--secret-id', arn)).json ?? {};
    const current = (await sm('get-secret-value', '--secret-id', arn)).json ?? {};
    const firstToken = first.json?.VersionId as string;

    expect(first.code).toBe(0);
    expect(Object.keys(first.json ?? {}).sort()).toEqual(['ARN', 'Name', 'VersionId']);
    expect(afterFirst[v1]).toEqual(['AWSPREVIOUS']);
    expect(afterFirst[firstToken]).toContain('AWSCURRENT');
    expect(second.code).toBe(0);
    expect(current.VersionId).toBe(second.json?.VersionId);
    expect(current.SecretString).not.toBe('initial');
    expect((described.VersionIdsToStages as Record<string, string[]>)[firstToken]).toEqual(['AWSPREVIOUS']);
    expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: RANDOM_SECRET_ARN });
    // CLI v1 prints the wire's epoch seconds, v2 an ISO 8601 string.
    expect(['number', 'string']).toContain(typeof described.LastRotatedDate);
    expect(['number', 'string']).toContain(typeof described.NextRotationDate);
  });

  it('checks 28 and 32: an incomplete rotation blocks rotate-secret, also after cancel-rotate-secret', async () => {
    const { arn } = await create('cli28/secret');
    const token = (await sm('rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', SILENT_ARN)).json
      ?.VersionId as string;
    await emulator.rotations.idle();
    const blocked = await sm('rotate-secret', '--secret-id', arn);
    const cancelled = await sm('cancel-rotate-secret', '--secret-id', arn);
    const described = (await sm('describe-secret', '--secret-id', arn)).json ?? {};
    const stillBlocked = await sm('rotate-secret', '--secret-id', arn);

    expectServiceError(blocked, 'InvalidRequestException', 'A previous rotation isn');
    expect(cancelled.json).toEqual({ ARN: arn, Name: 'cli28/secret', VersionId: token });
    expect(described).toMatchObject({ RotationEnabled: false, RotationLambdaARN: SILENT_ARN });
    expect((described.VersionIdsToStages as Record<string, string[]>)[token]).toEqual(['AWSPENDING']);
    expectServiceError(stillBlocked, 'InvalidRequestException', 'That rotation will be reattempted.');
  });

  it('check 36: rotate-secret refuses rotation rules that break the documented constraints', async () => {
    const { arn } = await create('cli36/secret');
    const rules = [
      '{"ScheduleExpression":"rate(3 hours)"}',
      '{"ScheduleExpression":"cron(30 4 * * ? *)"}',
      '{"ScheduleExpression":"cron(0 4 * * ? 2030)"}',
      '{"ScheduleExpression":"rate(4 hours)","Duration":"5h"}',
    ];
    const results = await Promise.all(
      rules.map((rule) =>
        sm('rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', SILENT_ARN, '--rotation-rules', rule),
      ),
    );

    for (const result of results) expectServiceError(result, 'InvalidParameterException');
  });

  it('check 37: iam create-access-key refuses a third key with LimitExceeded', async () => {
    await aws('iam', 'create-user', '--user-name', 'cli37-user');
    await aws('iam', 'create-access-key', '--user-name', 'cli37-user');
    await aws('iam', 'create-access-key', '--user-name', 'cli37-user');
    const third = await aws('iam', 'create-access-key', '--user-name', 'cli37-user');

    expectServiceError(third, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2');
  });
});
