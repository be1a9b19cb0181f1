import { call, newIam, value } from './harness';

async function aliceWithKey(propagationSeconds = 0) {
  const setup = newIam(propagationSeconds);
  await call(setup.iam, setup.clock, 'CreateUser', { UserName: 'alice' });
  const xml = await call(setup.iam, setup.clock, 'CreateAccessKey', { UserName: 'alice' });
  return {
    ...setup,
    keyId: value(xml, 'AccessKeyId') ?? '',
    secret: value(xml, 'SecretAccessKey') ?? '',
    userId: value(await call(setup.iam, setup.clock, 'GetUser', { UserName: 'alice' }), 'UserId') ?? '',
  };
}

describe('IAM as the key lookup', () => {
  it('knows the root key test/test as the account root', () => {
    const { iam } = newIam();

    expect(iam.find('test')).toEqual({
      accessKeyId: 'test',
      secretAccessKey: 'test',
      status: 'Active',
      identity: {
        accessKeyId: 'test',
        arn: 'arn:aws:iam::000000000000:root',
        userId: '000000000000',
        account: '000000000000',
      },
    });
  });

  it('knows a user key with its secret and the user identity, usable at once by default', async () => {
    const { iam, keyId, secret, userId } = await aliceWithKey();

    expect(iam.find(keyId)).toEqual({
      accessKeyId: keyId,
      secretAccessKey: secret,
      status: 'Active',
      identity: { accessKeyId: keyId, arn: 'arn:aws:iam::000000000000:user/alice', userId, account: '000000000000' },
    });
  });

  it('makes a new key usable only propagationSeconds after its creation', async () => {
    const { iam, keyId } = await aliceWithKey(30);

    expect(iam.find(keyId)?.usableFrom).toEqual(new Date('2030-01-01T00:00:30Z'));
  });

  it('does not know unknown or deleted keys', async () => {
    const { iam, clock, keyId } = await aliceWithKey();
    await call(iam, clock, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: keyId });

    expect(iam.find(keyId)).toBeUndefined();
    expect(iam.find('AKIA0000000000000000')).toBeUndefined();
  });

  it('ignores uses of unknown keys', () => {
    const { iam } = newIam();

    expect(() => iam.recordKeyUse('AKIA0000000000000000', 'sts', 'us-east-1', new Date())).not.toThrow();
  });
});

describe('IAM operationOf', () => {
  it('names served actions and nothing else', async () => {
    const { iam } = newIam();
    const req = (body: string) => ({
      method: 'POST',
      path: '/',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.from(body),
    });

    expect(iam.operationOf(req('Action=CreateAccessKey&Version=2010-05-08'))).toBe('CreateAccessKey');
    expect(iam.operationOf(req('Action=CreateRole'))).toBeUndefined();
    expect(iam.operationOf(req(''))).toBeUndefined();
  });
});

describe('IAM state persistence', () => {
  it('round-trips through JSON without losing users, keys, statuses, delays or last uses', async () => {
    const { iam, clock, keyId } = await aliceWithKey(10);
    await call(iam, clock, 'CreateUser', {
      UserName: 'bob',
      Path: '/x/',
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'v',
    });
    await call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: keyId, Status: 'Inactive' });
    iam.recordKeyUse(keyId, 'iam', 'us-east-1', new Date('2030-01-01T00:05:00Z'));
    iam.recordKeyUse('test', 'sts', 'eu-west-1', new Date('2030-01-01T00:06:00Z'));
    const restored = newIam(10);

    restored.iam.importState(JSON.parse(JSON.stringify(iam.exportState())));

    expect(restored.iam.exportState()).toEqual(iam.exportState());
    expect(restored.iam.find(keyId)).toEqual(iam.find(keyId));
    for (const [action, params] of [
      ['ListUsers', {}],
      ['GetUser', { UserName: 'bob' }],
      ['ListAccessKeys', { UserName: 'alice' }],
      ['GetAccessKeyLastUsed', { AccessKeyId: keyId }],
      ['GetAccessKeyLastUsed', { AccessKeyId: 'test' }],
    ] as const) {
      expect(await call(restored.iam, clock, action, params)).toBe(await call(iam, clock, action, params));
    }
  });

  it('refuses a malformed state naming the field, without echoing a secret', async () => {
    const { iam } = await aliceWithKey();
    const state = JSON.parse(JSON.stringify(iam.exportState())) as { accessKeys: Record<string, unknown>[] };
    const key = state.accessKeys[0] ?? {};
    key.secretAccessKey = 42;
    const broken = newIam();

    expect(() => broken.iam.importState(state)).toThrow(
      'iam state accessKeys[0].secretAccessKey must be a non-empty string',
    );
    expect(() => broken.iam.importState({ users: [], accessKeys: [{ ...key, secretAccessKey: 's3cr3t' }] })).toThrow(
      /names no user/,
    );
    expect(() => broken.iam.importState([])).toThrow('iam state must be an object, got an array');
  });

  it('reset forgets users and keys but keeps the root key', async () => {
    const { iam, clock, keyId } = await aliceWithKey();

    iam.reset();

    expect(iam.find(keyId)).toBeUndefined();
    expect(iam.find('test')).toBeDefined();
    await expect(call(iam, clock, 'GetUser', { UserName: 'alice' })).rejects.toMatchObject({ code: 'NoSuchEntity' });
  });
});
