import { call, identityOf, newIam, value, values } from './harness';

async function withUser(name = 'alice') {
  const setup = newIam();
  await call(setup.iam, setup.clock, 'CreateUser', { UserName: name });
  return setup;
}

describe('IAM access keys', () => {
  describe('CreateAccessKey', () => {
    it('returns an active AKIA key with a 40-character secret, once', async () => {
      const { iam, clock } = await withUser();

      const xml = await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' });

      expect(xml).toContain('<CreateAccessKeyResult><AccessKey>');
      expect(value(xml, 'UserName')).toBe('alice');
      expect(value(xml, 'AccessKeyId')).toMatch(/^AKIA[A-Z0-9]{16}$/);
      expect(value(xml, 'SecretAccessKey')).toMatch(/^[A-Za-z0-9+/]{40}$/);
      expect(value(xml, 'Status')).toBe('Active');
      expect(value(xml, 'CreateDate')).toBe('2030-01-01T00:00:00Z');
    });

    it('refuses a third key with LimitExceeded 409, counting inactive keys', async () => {
      const { iam, clock } = await withUser();
      const first = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';
      await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' });
      await call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: first, Status: 'Inactive' });

      await expect(call(iam, clock, 'CreateAccessKey', { UserName: 'alice' })).rejects.toMatchObject({
        code: 'LimitExceeded',
        status: 409,
        message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      });
    });

    it('allows a new key once one of two is deleted', async () => {
      const { iam, clock } = await withUser();
      const first = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';
      await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' });
      await call(iam, clock, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: first });

      const xml = await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' });

      expect(value(xml, 'Status')).toBe('Active');
    });

    it('creates the key for the calling user when UserName is omitted', async () => {
      const { iam, clock } = await withUser();
      const first = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      const xml = await call(iam, clock, 'CreateAccessKey', {}, identityOf(iam, first));

      expect(value(xml, 'UserName')).toBe('alice');
    });

    it('refuses a root caller without UserName (root keys are not managed)', async () => {
      const { iam, clock } = await withUser();

      await expect(call(iam, clock, 'CreateAccessKey')).rejects.toMatchObject({ code: 'InvalidInput', status: 400 });
    });

    it('answers NoSuchEntity for an unknown user', async () => {
      const { iam, clock } = await withUser();

      await expect(call(iam, clock, 'CreateAccessKey', { UserName: 'ghost' })).rejects.toMatchObject({
        code: 'NoSuchEntity',
        message: 'The user with name ghost cannot be found.',
      });
    });
  });

  describe('ListAccessKeys', () => {
    it('lists the user keys in creation order without secrets', async () => {
      const { iam, clock } = await withUser();
      const a = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId');
      clock.advance(60);
      const b = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId');

      const xml = await call(iam, clock, 'ListAccessKeys', { UserName: 'alice' });

      expect(values(xml, 'AccessKeyId')).toEqual([a, b]);
      expect(values(xml, 'CreateDate')).toEqual(['2030-01-01T00:00:00Z', '2030-01-01T00:01:00Z']);
      expect(values(xml, 'UserName')).toEqual(['alice', 'alice']);
      expect(xml).not.toContain('SecretAccessKey');
      expect(value(xml, 'IsTruncated')).toBe('false');
    });

    it('lists the root key for the root caller without UserName', async () => {
      const { iam, clock } = await withUser();

      expect(values(await call(iam, clock, 'ListAccessKeys'), 'AccessKeyId')).toEqual(['test']);
    });

    it('answers NoSuchEntity for an unknown user', async () => {
      const { iam, clock } = await withUser();

      await expect(call(iam, clock, 'ListAccessKeys', { UserName: 'ghost' })).rejects.toMatchObject({
        code: 'NoSuchEntity',
        status: 404,
      });
    });
  });

  describe('UpdateAccessKey', () => {
    it('deactivates and reactivates a key', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      await call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Inactive' });
      const inactive = iam.find(id)?.status;
      await call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Active' });

      expect(inactive).toBe('Inactive');
      expect(iam.find(id)?.status).toBe('Active');
      expect(value(await call(iam, clock, 'ListAccessKeys', { UserName: 'alice' }), 'Status')).toBe('Active');
    });

    it('answers NoSuchEntity with AWS message for an unknown key or a key of another user', async () => {
      const { iam, clock } = await withUser();
      await call(iam, clock, 'CreateUser', { UserName: 'bob' });
      const bobs = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'bob' }), 'AccessKeyId') ?? '';

      await expect(
        call(iam, clock, 'UpdateAccessKey', {
          UserName: 'alice',
          AccessKeyId: 'AKIA0000000000000000',
          Status: 'Active',
        }),
      ).rejects.toMatchObject({
        code: 'NoSuchEntity',
        status: 404,
        message: 'The Access Key with id AKIA0000000000000000 cannot be found.',
      });
      await expect(
        call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: bobs, Status: 'Inactive' }),
      ).rejects.toMatchObject({ code: 'NoSuchEntity' });
      expect(iam.find(bobs)?.status).toBe('Active');
    });

    it('refuses a status outside the enum and the Expired status', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      await expect(
        call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Off' }),
      ).rejects.toMatchObject({
        code: 'ValidationError',
        message: expect.stringContaining('Member must satisfy enum value set: [Active, Inactive, Expired]'),
      });
      await expect(
        call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: id, Status: 'Expired' }),
      ).rejects.toMatchObject({ code: 'InvalidInput' });
    });
  });

  describe('DeleteAccessKey', () => {
    it('removes the key from the lookup and the listing', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      await call(iam, clock, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: id });

      expect(iam.find(id)).toBeUndefined();
      expect(values(await call(iam, clock, 'ListAccessKeys', { UserName: 'alice' }), 'AccessKeyId')).toEqual([]);
    });

    it('deletes the caller own key when UserName is omitted', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      await call(iam, clock, 'DeleteAccessKey', { AccessKeyId: id }, identityOf(iam, id));

      expect(iam.find(id)).toBeUndefined();
    });

    it('answers NoSuchEntity for an unknown key and refuses to delete the root key', async () => {
      const { iam, clock } = await withUser();

      await expect(
        call(iam, clock, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: 'AKIA0000000000000000' }),
      ).rejects.toMatchObject({
        code: 'NoSuchEntity',
        message: 'The Access Key with id AKIA0000000000000000 cannot be found.',
      });
      await expect(call(iam, clock, 'DeleteAccessKey', { AccessKeyId: 'test' })).rejects.toMatchObject({
        code: 'ValidationError',
      });
      expect(iam.find('test')?.status).toBe('Active');
    });
  });

  describe('GetAccessKeyLastUsed', () => {
    it('reports N/A and no date for a key never used', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      const xml = await call(iam, clock, 'GetAccessKeyLastUsed', { AccessKeyId: id });

      expect(value(xml, 'UserName')).toBe('alice');
      expect(value(xml, 'ServiceName')).toBe('N/A');
      expect(value(xml, 'Region')).toBe('N/A');
      expect(value(xml, 'LastUsedDate')).toBeUndefined();
    });

    it('reports the last recorded use of a user key and of the root key', async () => {
      const { iam, clock } = await withUser();
      const id = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';
      iam.recordKeyUse(id, 'secretsmanager', 'eu-west-1', new Date('2030-01-02T03:04:05Z'));
      iam.recordKeyUse('test', 'sts', 'us-east-1', new Date('2030-01-03T00:00:00Z'));

      const user = await call(iam, clock, 'GetAccessKeyLastUsed', { AccessKeyId: id });
      const root = await call(iam, clock, 'GetAccessKeyLastUsed', { AccessKeyId: 'test' });

      expect([value(user, 'LastUsedDate'), value(user, 'ServiceName'), value(user, 'Region')]).toEqual([
        '2030-01-02T03:04:05Z',
        'secretsmanager',
        'eu-west-1',
      ]);
      expect(value(root, 'ServiceName')).toBe('sts');
      expect(value(root, 'UserName')).toBeUndefined();
    });

    it('answers NoSuchEntity for an unknown key', async () => {
      const { iam, clock } = await withUser();

      await expect(
        call(iam, clock, 'GetAccessKeyLastUsed', { AccessKeyId: 'AKIA0000000000000000' }),
      ).rejects.toMatchObject({
        code: 'NoSuchEntity',
      });
    });
  });
});
