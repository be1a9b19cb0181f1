import { randomUUID } from 'node:crypto';
import { ACCOUNT, FUNCTION_ARN, Harness, REGION } from './harness';

describe('Secrets Manager: create, update, delete, restore, tags', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('builds the ARN from the name and six random characters, and finds by name, ARN and partial ARN', async () => {
    const { arn } = await h.secret('team/app');
    expect(arn).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:team/app-[A-Za-z0-9]{6}$`));
    for (const id of ['team/app', arn, arn.slice(0, -7)]) {
      expect((await h.ok('DescribeSecret', { SecretId: id })).ARN).toBe(arn);
    }
  });

  it('reports timestamps as epoch seconds and omits members without a value', async () => {
    const { arn } = await h.secret();
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.CreatedDate).toBe(h.clock.getTime() / 1000);
    expect(described.LastChangedDate).toBe(h.clock.getTime() / 1000);
    expect(Object.hasOwn(described, 'Description')).toBe(false);
    expect(Object.hasOwn(described, 'Tags')).toBe(false);
    expect(Object.hasOwn(described, 'DeletedDate')).toBe(false);
  });

  it('rejects invalid names with ValidationException', async () => {
    for (const name of ['has space', 'semi;colon', 'x'.repeat(513)]) {
      const reply = await h.call('CreateSecret', { Name: name });
      expect(reply.body).toEqual({
        __type: 'ValidationException',
        Message:
          'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      });
    }
  });

  it('rejects an existing name, and a name scheduled for deletion, with the AWS messages', async () => {
    await h.secret('dup');
    const again = await h.call('CreateSecret', { Name: 'dup', SecretString: 'x', ClientRequestToken: randomUUID() });
    expect(again.body).toEqual({
      __type: 'ResourceExistsException',
      Message: 'The operation failed because the secret dup already exists.',
    });
    await h.ok('DeleteSecret', { SecretId: 'dup' });
    const deleted = await h.call('CreateSecret', { Name: 'dup' });
    expect(deleted.body).toEqual({
      __type: 'InvalidRequestException',
      Message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });
  });

  it('treats a retried CreateSecret (same token and value) as success', async () => {
    const token = randomUUID();
    const first = await h.ok('CreateSecret', { Name: 'retry', SecretString: 'x', ClientRequestToken: token });
    const second = await h.ok('CreateSecret', { Name: 'retry', SecretString: 'x', ClientRequestToken: token });
    expect(second).toEqual(first);
  });

  it('limits values to 65536 and refuses both SecretString and SecretBinary', async () => {
    const big = await h.call('CreateSecret', {
      Name: 'big',
      SecretString: 'x'.repeat(65537),
      ClientRequestToken: randomUUID(),
    });
    expect(big.body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
    });
    expect(big.body.Message).not.toContain('xxxx');
    const ok = await h.call('CreateSecret', {
      Name: 'max',
      SecretString: 'x'.repeat(65536),
      ClientRequestToken: randomUUID(),
    });
    expect(ok.status).toBe(200);
    const both = await h.call('CreateSecret', {
      Name: 'both',
      SecretString: 'x',
      SecretBinary: 'eA==',
      ClientRequestToken: randomUUID(),
    });
    expect(both.body.__type).toBe('InvalidParameterException');
  });

  it('limits a secret to 20 labels across its versions', async () => {
    const { arn } = await h.secret();
    const labels = Array.from({ length: 19 }, (_, i) => `L${i}`);
    await h.put(arn, 'many', labels);
    const reply = await h.call('PutSecretValue', {
      SecretId: arn,
      SecretString: 'more',
      ClientRequestToken: randomUUID(),
      VersionStages: ['one-too-many'],
    });
    expect(reply.body.__type).toBe('LimitExceededException');
  });

  it('UpdateSecret changes metadata and, with a value, makes a new AWSCURRENT version', async () => {
    const { arn, v1 } = await h.secret();
    await h.ok('UpdateSecret', { SecretId: arn, Description: 'Database' });
    const token = randomUUID();
    const updated = await h.ok('UpdateSecret', { SecretId: arn, SecretString: 'v2', ClientRequestToken: token });
    expect(updated).toEqual({ ARN: arn, Name: 'app/db', VersionId: token });
    expect(await h.stages(arn)).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect((await h.ok('DescribeSecret', { SecretId: arn })).Description).toBe('Database');
    const clash = await h.call('UpdateSecret', { SecretId: arn, SecretString: 'v3', ClientRequestToken: token });
    expect(clash.body.__type).toBe('ResourceExistsException');
  });

  it('schedules deletion, blocks reads and tags, restores, and purges when the clock passes DeletedDate', async () => {
    const { arn } = await h.secret();
    const deleted = await h.ok('DeleteSecret', { SecretId: arn, RecoveryWindowInDays: 7 });
    const deletion = Date.parse('2026-03-08T10:00:00Z') / 1000;
    expect(deleted).toEqual({ ARN: arn, Name: 'app/db', DeletionDate: deletion });
    expect((await h.ok('DescribeSecret', { SecretId: arn })).DeletedDate).toBe(deletion);
    const marked = {
      __type: 'InvalidRequestException',
      Message: "You can't perform this operation on the secret because it was marked for deletion.",
    };
    expect((await h.call('GetSecretValue', { SecretId: arn })).body).toEqual(marked);
    expect((await h.call('TagResource', { SecretId: arn, Tags: [{ Key: 'a', Value: 'b' }] })).body).toEqual(marked);
    expect((await h.call('UntagResource', { SecretId: arn, TagKeys: ['a'] })).body).toEqual(marked);
    expect((await h.ok('ListSecrets')).SecretList).toHaveLength(0);
    expect((await h.ok('ListSecrets', { IncludePlannedDeletion: true })).SecretList).toHaveLength(1);

    expect(await h.ok('RestoreSecret', { SecretId: arn })).toEqual({ ARN: arn, Name: 'app/db' });
    expect((await h.ok('GetSecretValue', { SecretId: arn })).SecretString).toBe('v1');

    await h.ok('DeleteSecret', { SecretId: arn, RecoveryWindowInDays: 7 });
    h.advance(7 * 24 - 1);
    expect((await h.call('DescribeSecret', { SecretId: arn })).status).toBe(200);
    h.advance(1);
    expect((await h.call('DescribeSecret', { SecretId: arn })).body.__type).toBe('ResourceNotFoundException');
    await h.ok('CreateSecret', { Name: 'app/db' });
  });

  it('validates the recovery window and deletes at once with ForceDeleteWithoutRecovery', async () => {
    const { arn } = await h.secret();
    for (const days of [6, 31]) {
      const reply = await h.call('DeleteSecret', { SecretId: arn, RecoveryWindowInDays: days });
      expect(reply.body.__type).toBe('InvalidParameterException');
    }
    const both = await h.call('DeleteSecret', {
      SecretId: arn,
      RecoveryWindowInDays: 7,
      ForceDeleteWithoutRecovery: true,
    });
    expect(both.body.__type).toBe('InvalidParameterException');
    const forced = await h.ok('DeleteSecret', { SecretId: arn, ForceDeleteWithoutRecovery: true });
    expect(forced.DeletionDate).toBe(h.clock.getTime() / 1000);
    expect((await h.call('DescribeSecret', { SecretId: arn })).status).toBe(400);
  });

  it('refuses a second scheduled deletion but force-deletes a secret already scheduled', async () => {
    const { arn } = await h.secret();
    await h.ok('DeleteSecret', { SecretId: arn });
    const again = await h.call('DeleteSecret', { SecretId: arn });
    expect(again.body.Message).toBe(
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    await h.ok('DeleteSecret', { SecretId: arn, ForceDeleteWithoutRecovery: true });
    expect((await h.call('RestoreSecret', { SecretId: arn })).body.__type).toBe('ResourceNotFoundException');
  });

  it('RotateSecret refuses a secret scheduled for deletion, after the token check', async () => {
    const { arn } = await h.secret();
    await h.ok('DeleteSecret', { SecretId: arn });
    const reply = await h.call('RotateSecret', {
      SecretId: arn,
      ClientRequestToken: randomUUID(),
      RotationLambdaARN: FUNCTION_ARN,
    });
    expect(reply.body.__type).toBe('InvalidRequestException');
  });

  it('tags and untags, replacing the value of an existing key', async () => {
    const { ARN: arn } = await h.ok('CreateSecret', { Name: 't', Tags: [{ Key: 'env', Value: 'dev' }] });
    await h.ok('TagResource', {
      SecretId: arn,
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'db' },
      ],
    });
    expect((await h.ok('DescribeSecret', { SecretId: arn })).Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'db' },
    ]);
    await h.ok('UntagResource', { SecretId: arn, TagKeys: ['env'] });
    expect((await h.ok('DescribeSecret', { SecretId: arn })).Tags).toEqual([{ Key: 'team', Value: 'db' }]);
  });

  it('reports model violations as ValidationException and wrong JSON types as SerializationException', async () => {
    expect((await h.call('DescribeSecret', {})).body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    });
    const stages = await h.call('PutSecretValue', {
      SecretId: 'x',
      SecretString: 'v',
      ClientRequestToken: randomUUID(),
      VersionStages: Array.from({ length: 21 }, (_, i) => `L${i}`),
    });
    expect(stages.body.Message).toContain("'versionStages' failed to satisfy constraint");
    expect((await h.call('DescribeSecret', { SecretId: 42 })).body.__type).toBe('SerializationException');
  });

  it('answers unknown operations and malformed JSON with protocol errors', async () => {
    expect((await h.call('DeleteResourcePolicy', {})).body.__type).toBe('UnknownOperationException');
    const res = await h.sm.handle(
      {
        method: 'POST',
        path: '/',
        query: new URLSearchParams(),
        headers: { 'x-amz-target': 'secretsmanager.ListSecrets' },
        body: Buffer.from('{not json'),
      },
      { account: ACCOUNT, region: REGION, now: () => h.clock, caller: {} as never, requestId: 'r' },
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).__type).toBe('SerializationException');
    expect(res.headers?.['content-type']).toBe('application/x-amz-json-1.1');
  });
});
