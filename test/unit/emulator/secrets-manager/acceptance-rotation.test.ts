import { randomUUID } from 'node:crypto';
import { FUNCTION_ARN, Harness } from './harness';

/** AWS-BEHAVIOUR.md section 13, checks 18-36 that concern the service (the orchestrator owns the step calls). */
describe('Secrets Manager acceptance: rotation', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  const rotate = (secretId: string, extra: Record<string, unknown> = {}) =>
    h.call('RotateSecret', { SecretId: secretId, ClientRequestToken: randomUUID(), ...extra });

  /** What a rotation function does through the API once RotateSecret has returned `token`. */
  async function completeRotation(arn: string, token: string, value: string): Promise<void> {
    await h.ok('PutSecretValue', {
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: value,
      VersionStages: ['AWSPENDING'],
    });
    const current = Object.entries(await h.stages(arn)).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    await h.ok('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      RemoveFromVersionId: current,
    });
    h.sm.store.markRotated(arn);
  }

  it('check 18: a secret that never rotated has no rotation members', async () => {
    const { arn } = await h.secret();
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    for (const key of [
      'RotationEnabled',
      'RotationLambdaARN',
      'RotationRules',
      'LastRotatedDate',
      'NextRotationDate',
    ]) {
      expect(Object.hasOwn(described, key)).toBe(false);
    }
    expect(Object.values(described)).not.toContain(null);
  });

  it('check 19: RotateSecret without any function ARN fails and changes nothing', async () => {
    const { arn } = await h.secret();
    const before = await h.ok('DescribeSecret', { SecretId: arn });
    const reply = await rotate(arn);
    expect(reply).toEqual({
      status: 400,
      body: {
        __type: 'InvalidRequestException',
        Message: 'No Lambda rotation function ARN is associated with this secret.',
      },
    });
    expect(await h.ok('DescribeSecret', { SecretId: arn })).toEqual(before);
  });

  it('check 20: a function Secrets Manager cannot invoke is AccessDeniedException and persists nothing', async () => {
    const { arn } = await h.secret();
    const reply = await rotate(arn, {
      RotationLambdaARN: `${FUNCTION_ARN}-missing`,
      RotationRules: { AutomaticallyAfterDays: 1 },
    });
    expect(reply).toEqual({
      status: 400,
      body: {
        __type: 'AccessDeniedException',
        Message:
          'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
      },
    });
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.RotationEnabled).toBeUndefined();
    expect(described.RotationRules).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
    expect(Object.keys(described.VersionIdsToStages)).toHaveLength(1);
    expect(h.rotations).toHaveLength(0);
  });

  it('check 21: both AutomaticallyAfterDays and ScheduleExpression is InvalidParameterException', async () => {
    const { arn } = await h.secret();
    const reply = await rotate(arn, {
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 14, ScheduleExpression: 'cron(0 16 1,15 * ? *)' },
    });
    expect(reply.body).toEqual({
      __type: 'InvalidParameterException',
      Message: 'You cannot specify both rotation frequency and schedule expression together.',
    });
  });

  it('check 22: RotateSecret returns {ARN, Name, VersionId = token} and hands the rotation over', async () => {
    const { arn } = await h.secret();
    const token = randomUUID();
    const body = await h.ok('RotateSecret', {
      SecretId: arn,
      ClientRequestToken: token,
      RotationLambdaARN: FUNCTION_ARN,
    });
    expect(body).toEqual({ ARN: arn, Name: 'app/db', VersionId: token });
    expect(h.rotations).toEqual([{ secretArn: arn, token, functionArn: FUNCTION_ARN, rotateImmediately: true }]);
  });

  it('check 23: right after RotateSecret the value-less AWSPENDING stub exists and cannot be read', async () => {
    const { arn } = await h.secret();
    const token = (
      await h.ok('RotateSecret', { SecretId: arn, ClientRequestToken: randomUUID(), RotationLambdaARN: FUNCTION_ARN })
    ).VersionId;
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.RotationEnabled).toBe(true);
    expect(described.VersionIdsToStages[token]).toEqual(['AWSPENDING']);
    const read = await h.call('GetSecretValue', { SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' });
    expect(read.body.__type).toBe('ResourceNotFoundException');
  });

  it('check 25: createSecret fills the stub with PutSecretValue(token, [AWSPENDING])', async () => {
    const { arn } = await h.secret();
    const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN })).body.VersionId;
    const reply = await h.call('PutSecretValue', {
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: 'v2',
      VersionStages: ['AWSPENDING'],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.VersionStages).toEqual(['AWSPENDING']);
    const pending = await h.ok('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPENDING' });
    expect(pending).toMatchObject({ SecretString: 'v2', VersionId: token });
    expect(h.events.filter((e) => (e.detail as { eventName?: string }).eventName === 'RotationAbandoned')).toEqual([]);
  });

  it('check 26: after a rotation AWSPREVIOUS is on the old version and the rotation dates are set', async () => {
    const { arn, v1 } = await h.secret();
    const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 7 } }))
      .body.VersionId;
    await completeRotation(arn, token, 'v2');
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.VersionIdsToStages[v1]).toEqual(['AWSPREVIOUS']);
    expect(described.VersionIdsToStages[token]).toContain('AWSCURRENT');
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 7 },
      LastRotatedDate: h.clock.getTime() / 1000,
      NextRotationDate: Date.parse('2026-03-08T00:00:00Z') / 1000,
    });
  });

  it('check 27: after two rotations the original version is gone from the default listings', async () => {
    const { arn, v1 } = await h.secret();
    for (const value of ['v2', 'v3']) {
      const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN })).body.VersionId;
      await completeRotation(arn, token, value);
    }
    expect((await h.stages(arn))[v1]).toBeUndefined();
    const listed = await h.ok('ListSecretVersionIds', { SecretId: arn });
    expect(listed.Versions.map((v: { VersionId: string }) => v.VersionId)).not.toContain(v1);
  });

  it('check 28: AWSPENDING on a non-current version blocks RotateSecret', async () => {
    const { arn } = await h.secret();
    await rotate(arn, { RotationLambdaARN: FUNCTION_ARN });
    const reply = await rotate(arn);
    expect(reply.body).toEqual({
      __type: 'InvalidRequestException',
      Message: "A previous rotation isn't complete. That rotation will be reattempted.",
    });
  });

  it('answers a retried RotateSecret (same token) like the first call instead of reporting it incomplete', async () => {
    const { arn } = await h.secret();
    const body = { SecretId: arn, ClientRequestToken: randomUUID(), RotationLambdaARN: FUNCTION_ARN };
    const first = await h.ok('RotateSecret', body);
    expect(await h.ok('RotateSecret', body)).toEqual(first);
    expect(h.rotations).toHaveLength(1);
  });

  it('check 29: AWSPENDING together with AWSCURRENT (or absent) does not block RotateSecret', async () => {
    const { arn } = await h.secret();
    const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN })).body.VersionId;
    await completeRotation(arn, token, 'v2');
    expect((await h.stages(arn))[token]).toEqual(['AWSCURRENT', 'AWSPENDING']);
    const next = await rotate(arn);
    expect(next.status).toBe(200);
    const stages = await h.stages(arn);
    expect(stages[token]).toEqual(['AWSCURRENT']);
    expect(stages[next.body.VersionId]).toEqual(['AWSPENDING']);
  });

  it('check 30: RotateImmediately=false creates no stub; the test version copies the current value', async () => {
    const { arn, v1 } = await h.secret();
    const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN, RotateImmediately: false })).body.VersionId;
    expect(h.rotations[0]).toMatchObject({ token, rotateImmediately: false });
    expect(Object.keys(await h.stages(arn))).toEqual([v1]);
    h.sm.store.addTestVersion(arn, token);
    expect(await h.ok('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPENDING' })).toMatchObject({
      SecretString: 'v1',
      VersionId: token,
      VersionStages: ['AWSPENDING'],
    });
    h.sm.store.removeTestVersion(arn, token);
    expect(await h.stages(arn)).toEqual({ [v1]: ['AWSCURRENT'] });
    expect((await h.ok('GetSecretValue', { SecretId: arn })).VersionId).toBe(v1);
  });

  it('check 32: CancelRotateSecret disables rotation, keeps the configuration and AWSPENDING', async () => {
    const { arn } = await h.secret();
    const token = (
      await rotate(arn, { RotationLambdaARN: FUNCTION_ARN, RotationRules: { ScheduleExpression: 'rate(10 days)' } })
    ).body.VersionId;
    expect(await h.ok('CancelRotateSecret', { SecretId: arn })).toEqual({ ARN: arn, Name: 'app/db', VersionId: token });
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described).toMatchObject({
      RotationEnabled: false,
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'rate(10 days)' },
    });
    expect(described.NextRotationDate).toBeUndefined();
    expect(described.VersionIdsToStages[token]).toEqual(['AWSPENDING']);
    expect(h.sm.store.isActive(arn, token)).toBe(false);
    expect((await rotate(arn)).body.__type).toBe('InvalidRequestException');
    await h.ok('UpdateSecretVersionStage', { SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: token });
    expect((await rotate(arn)).status).toBe(200);
  });

  it('check 33: a manual put during a rotation removes AWSPENDING everywhere and records RotationAbandoned', async () => {
    const { arn, v1 } = await h.secret();
    const token = (await rotate(arn, { RotationLambdaARN: FUNCTION_ARN })).body.VersionId;
    const manual = await h.put(arn, 'manual');
    expect(await h.stages(arn)).toEqual({ [manual]: ['AWSCURRENT'], [v1]: ['AWSPREVIOUS'] });
    const abandoned = h.events.filter((e) => e['detail-type'] === 'AWS Service Event via CloudTrail');
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]?.detail).toMatchObject({
      eventName: 'RotationAbandoned',
      eventType: 'AwsServiceEvent',
      additionalEventData: { SecretId: arn },
    });
    expect(h.sm.store.isActive(arn, token)).toBe(false);
  });

  it('check 34: moving AWSCURRENT emits one Secret Label Updated event, AWSPENDING/AWSPREVIOUS none', async () => {
    const { arn, v1 } = await h.secret();
    const x = await h.put(arn, 'x', ['AWSPENDING']);
    h.events.length = 0;
    await h.ok('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: x,
      RemoveFromVersionId: v1,
    });
    expect(h.events).toEqual([
      expect.objectContaining({
        'detail-type': 'Secret Label Updated',
        source: 'aws.secretsmanager',
        resources: [arn],
        detail: { name: 'app/db', labelUpdated: 'AWSCURRENT', versionId: x },
      }),
    ]);
    h.events.length = 0;
    await h.ok('UpdateSecretVersionStage', { SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: x });
    await h.put(arn, 'y', ['AWSPENDING']);
    expect(h.labelEvents()).toEqual([]);
  });

  it('check 35: GetRandomPassword defaults, ExcludeCharacters and IncludeSpace', async () => {
    const password: string = (await h.ok('GetRandomPassword')).RandomPassword;
    expect(password).toHaveLength(32);
    expect(password).toMatch(/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/);
    for (const cls of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(password).toMatch(cls);
    const excluded: string = (await h.ok('GetRandomPassword', { PasswordLength: 200, ExcludeCharacters: 'xyzDje@?!.' }))
      .RandomPassword;
    expect(excluded).not.toMatch(/[xyzDje@?!.]/);
    expect(excluded).not.toContain(' ');
    const spaced: string = (
      await h.ok('GetRandomPassword', {
        PasswordLength: 60,
        IncludeSpace: true,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
        ExcludeUppercase: true,
        ExcludeLowercase: true,
      })
    ).RandomPassword;
    expect(spaced).toBe(' '.repeat(60));
    const tooLong = await h.call('GetRandomPassword', { PasswordLength: 4097 });
    expect(tooLong.body.__type).toBe('ValidationException');
    expect(tooLong.body.Message).toContain("'passwordLength'");
    const tooShort = await h.call('GetRandomPassword', { PasswordLength: 3 });
    expect(tooShort.body.__type).toBe('InvalidParameterException');
  });

  it.each([
    [{ ScheduleExpression: 'rate(3 hours)' }],
    [{ ScheduleExpression: 'cron(30 4 * * ? *)' }],
    [{ ScheduleExpression: 'cron(0 4 * * ? 2030)' }],
    [{ ScheduleExpression: 'rate(4 hours)', Duration: '5h' }],
  ])('check 36: RotationRules %j are InvalidParameterException and persist nothing', async (rules) => {
    const { arn } = await h.secret();
    const reply = await rotate(arn, { RotationLambdaARN: FUNCTION_ARN, RotationRules: rules });
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toBe('InvalidParameterException');
    expect((await h.ok('DescribeSecret', { SecretId: arn })).RotationEnabled).toBeUndefined();
  });

  it('stores schedules and computes NextRotationDate from the window', async () => {
    const { arn } = await h.secret();
    await rotate(arn, {
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' },
      RotateImmediately: false,
    });
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.RotationRules).toEqual({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    expect(described.NextRotationDate).toBe(Date.parse('2026-03-01T16:00:00Z') / 1000);
  });

  it('gives the scheduler due secrets and reattempts an incomplete rotation with its own token', async () => {
    const { arn } = await h.secret();
    await rotate(arn, {
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { AutomaticallyAfterDays: 1 },
      RotateImmediately: false,
    });
    expect(h.sm.store.dueRotations(h.clock)).toEqual([]);
    h.advance(24);
    expect(h.sm.store.dueRotations(h.clock)).toEqual([
      { secretArn: arn, functionArn: FUNCTION_ARN, nextRotationDate: new Date('2026-03-02T00:00:00Z') },
    ]);
    const token = h.sm.store.beginScheduledRotation(arn) as string;
    expect((await h.stages(arn))[token]).toEqual(['AWSPENDING']);
    expect(h.sm.store.isActive(arn, token)).toBe(true);
    expect(h.sm.store.beginScheduledRotation(arn)).toBe(token);
  });
});
