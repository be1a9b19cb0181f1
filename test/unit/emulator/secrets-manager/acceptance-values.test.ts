import { randomUUID } from 'node:crypto';
import { Harness, jsonRequest } from './harness';

/** AWS-BEHAVIOUR.md section 13, checks 1-17: versions, labels, reads and the wire format. */
describe('Secrets Manager acceptance: versions and values', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('check 1: a retried PutSecretValue (same token, same value) returns the version and adds none', async () => {
    const { arn } = await h.secret();
    const token = randomUUID();
    const first = await h.ok('PutSecretValue', { SecretId: arn, SecretString: 'v2', ClientRequestToken: token });
    const again = await h.ok('PutSecretValue', { SecretId: arn, SecretString: 'v2', ClientRequestToken: token });
    expect(again).toEqual(first);
    expect(again.VersionStages).toEqual(['AWSCURRENT']);
    const list = await h.ok('ListSecretVersionIds', { SecretId: arn, IncludeDeprecated: true });
    expect(list.Versions).toHaveLength(2);
  });

  it('check 2: the same token with a different value is ResourceExistsException', async () => {
    const { arn } = await h.secret();
    const token = randomUUID();
    await h.ok('PutSecretValue', { SecretId: arn, SecretString: 'v2', ClientRequestToken: token });
    const reply = await h.call('PutSecretValue', { SecretId: arn, SecretString: 'other', ClientRequestToken: token });
    expect(reply).toEqual({
      status: 400,
      body: {
        __type: 'ResourceExistsException',
        Message: `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
      },
    });
  });

  it('check 3: a default put makes the new version AWSCURRENT and the old one exactly AWSPREVIOUS', async () => {
    const { arn, v1 } = await h.secret();
    const token = randomUUID();
    const reply = await h.ok('PutSecretValue', { SecretId: arn, SecretString: 'v2', ClientRequestToken: token });
    expect(reply.VersionStages).toEqual(['AWSCURRENT']);
    expect(await h.stages(arn)).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
  });

  it('check 4: a version without labels is hidden, and listed with IncludeDeprecated without VersionStages', async () => {
    const { arn, v1 } = await h.secret();
    await h.put(arn, 'v2');
    await h.put(arn, 'v3');
    expect(Object.keys(await h.stages(arn))).not.toContain(v1);
    const listed = await h.ok('ListSecretVersionIds', { SecretId: arn });
    expect(listed.Versions.map((v: { VersionId: string }) => v.VersionId)).not.toContain(v1);
    const all = await h.ok('ListSecretVersionIds', { SecretId: arn, IncludeDeprecated: true });
    const deprecated = all.Versions.find((v: { VersionId: string }) => v.VersionId === v1);
    expect(deprecated).toBeDefined();
    expect(Object.hasOwn(deprecated, 'VersionStages')).toBe(false);
    expect(deprecated.KmsKeyIds).toEqual(['DefaultEncryptionKey']);
  });

  it('check 5: putting with VersionStages [AWSPENDING] leaves GetSecretValue on the old value', async () => {
    const { arn, v1 } = await h.secret();
    await h.put(arn, 'v2', ['AWSPENDING']);
    const value = await h.ok('GetSecretValue', { SecretId: arn });
    expect(value).toMatchObject({ SecretString: 'v1', VersionId: v1, VersionStages: ['AWSCURRENT'] });
  });

  it('check 6: the first version of a value-less secret is AWSCURRENT whatever VersionStages says', async () => {
    const created = await h.ok('CreateSecret', { Name: 'empty' });
    expect(created.VersionId).toBeUndefined();
    const token = await h.put('empty', 'v1', ['AWSPENDING']);
    expect((await h.stages('empty'))[token]).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect((await h.ok('GetSecretValue', { SecretId: 'empty' })).SecretString).toBe('v1');
  });

  it('check 7: explicit labels move off their version, which keeps the rest', async () => {
    const { arn } = await h.secret();
    const a = await h.put(arn, 'a', ['one', 'two', 'three']);
    const b = await h.put(arn, 'b', ['one', 'two', 'four']);
    const stages = await h.stages(arn);
    expect(stages[a]).toEqual(['three']);
    expect(stages[b]).toEqual(['four', 'one', 'two']);
  });

  it('check 8: moving AWSCURRENT without RemoveFromVersionId fails with the AWS message', async () => {
    const { arn, v1 } = await h.secret();
    const x = await h.put(arn, 'x', ['AWSPENDING']);
    const reply = await h.call('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: x,
    });
    expect(reply).toEqual({
      status: 400,
      body: {
        __type: 'InvalidParameterException',
        Message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
      },
    });
  });

  it('also requires RemoveFromVersionId for custom labels (labels stay unique per version)', async () => {
    const { arn } = await h.secret();
    const a = await h.put(arn, 'a', ['blue']);
    const b = await h.put(arn, 'b', ['green']);
    const reply = await h.call('UpdateSecretVersionStage', { SecretId: arn, VersionStage: 'blue', MoveToVersionId: b });
    expect(reply.body.Message).toContain(`Staging label blue is currently attached to version ${a}`);
    expect((await h.stages(arn))[a]).toEqual(['blue']);
  });

  it('check 9: moving AWSCURRENT onto the AWSPENDING version keeps AWSPENDING and moves AWSPREVIOUS', async () => {
    const { arn, v1 } = await h.secret();
    const y = await h.put(arn, 'y');
    const x = await h.put(arn, 'x', ['AWSPENDING']);
    const reply = await h.ok('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: x,
      RemoveFromVersionId: y,
    });
    expect(Object.keys(reply).sort()).toEqual(['ARN', 'Name']);
    expect(await h.stages(arn)).toEqual({ [x]: ['AWSCURRENT', 'AWSPENDING'], [y]: ['AWSPREVIOUS'] });
    expect((await h.stages(arn))[v1]).toBeUndefined();
  });

  it('check 10: custom labels survive AWSCURRENT moves', async () => {
    const { arn } = await h.secret();
    const z = await h.put(arn, 'z', ['AWSCURRENT', 'PUT0']);
    const y = await h.put(arn, 'y', ['AWSCURRENT', 'PUT1']);
    expect((await h.stages(arn))[z]).toEqual(['AWSPREVIOUS', 'PUT0']);
    const x = await h.put(arn, 'x', ['AWSPENDING']);
    await h.ok('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: x,
      RemoveFromVersionId: y,
    });
    const stages = await h.stages(arn);
    expect(stages[y]).toEqual(['AWSPREVIOUS', 'PUT1']);
    expect(stages[z]).toEqual(['PUT0']);
  });

  it('check 11: RemoveFromVersionId alone removes the label', async () => {
    const { arn } = await h.secret();
    const x = await h.put(arn, 'x', ['AWSPENDING']);
    await h.ok('UpdateSecretVersionStage', { SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: x });
    expect((await h.stages(arn))[x]).toBeUndefined();
  });

  it('rejects removing a label from a version that does not carry it', async () => {
    const { arn, v1 } = await h.secret();
    const reply = await h.call('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: v1,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toBe('InvalidParameterException');
  });

  it('check 12: a VersionStage not on the VersionId is InvalidRequestException', async () => {
    const { arn, v1 } = await h.secret();
    const reply = await h.call('GetSecretValue', { SecretId: arn, VersionId: v1, VersionStage: 'AWSPREVIOUS' });
    expect(reply).toEqual({
      status: 400,
      body: {
        __type: 'InvalidRequestException',
        Message: 'You provided a VersionStage that is not associated to the provided VersionId.',
      },
    });
  });

  it('check 13: AWSPREVIOUS of a single-version secret is not found', async () => {
    const { arn } = await h.secret();
    const reply = await h.call('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPREVIOUS' });
    expect(reply.body).toEqual({
      __type: 'ResourceNotFoundException',
      Message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    });
  });

  it('check 14: an unknown VersionId is not found, naming the id', async () => {
    const { arn } = await h.secret();
    const id = randomUUID();
    const reply = await h.call('GetSecretValue', { SecretId: arn, VersionId: id });
    expect(reply.body.Message).toBe(`Secrets Manager can't find the specified secret value for VersionId: ${id}`);
  });

  it('check 15: a missing secret is ResourceNotFoundException with HTTP 400', async () => {
    for (const op of ['GetSecretValue', 'ListSecretVersionIds', 'DescribeSecret']) {
      const reply = await h.call(op, { SecretId: 'nope' });
      expect(reply).toEqual({
        status: 400,
        body: { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
      });
    }
  });

  it('check 16: a missing ClientRequestToken is reported with exactly __type and Message', async () => {
    await h.secret('s');
    const put = await h.call('PutSecretValue', { SecretId: 's', SecretString: 'x' });
    expect(put).toEqual({
      status: 400,
      body: {
        __type: 'InvalidRequestException',
        Message: 'You must provide a ClientRequestToken value. We recommend a UUID-type value.',
      },
    });
    const rotate = await h.call('RotateSecret', { SecretId: 'missing' });
    expect(rotate.body.__type).toBe('InvalidParameterException');
    expect(Object.keys(rotate.body).sort()).toEqual(['Message', '__type']);
  });

  it('check 17: the JSON 1.1 target routes, and SecretBinary round-trips base64', async () => {
    const binary = Buffer.from([0, 1, 2, 250, 255]).toString('base64');
    const token = randomUUID();
    await h.ok('CreateSecret', { Name: 'bin', SecretBinary: binary, ClientRequestToken: token });
    const value = await h.ok('GetSecretValue', { SecretId: 'bin' });
    expect(value.SecretBinary).toBe(binary);
    expect(value.SecretString).toBeUndefined();
    expect(typeof value.CreatedDate).toBe('number');
    expect(h.sm.operationOf(jsonRequest('GetSecretValue', {}))).toBe('GetSecretValue');
    expect(h.sm.operationOf(jsonRequest('Nope', {}))).toBeUndefined();
  });

  it('reads versions by id with their full label list and records a day-resolution LastAccessedDate', async () => {
    const { arn, v1 } = await h.secret();
    const x = await h.put(arn, 'x', ['AWSPENDING', 'custom']);
    const value = await h.ok('GetSecretValue', { SecretId: arn, VersionId: x, VersionStage: 'AWSPENDING' });
    expect(value).toMatchObject({ SecretString: 'x', VersionId: x });
    expect([...value.VersionStages].sort()).toEqual(['AWSPENDING', 'custom']);
    const described = await h.ok('DescribeSecret', { SecretId: arn });
    expect(described.LastAccessedDate).toBe(Date.parse('2026-03-01T00:00:00Z') / 1000);
    expect(v1).not.toBe(x);
  });
});
