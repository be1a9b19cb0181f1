import { call, identityOf, newIam, value, values } from './harness';

describe('IAM users', () => {
  describe('CreateUser', () => {
    it('returns the user in the IAM XML envelope with an AIDA id, an ARN and the creation time', async () => {
      const { iam, clock } = newIam();

      const xml = await call(iam, clock, 'CreateUser', { UserName: 'alice' });

      expect(xml).toContain(
        '<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>',
      );
      expect(xml).toContain('<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateUserResponse>');
      expect(value(xml, 'UserName')).toBe('alice');
      expect(value(xml, 'Path')).toBe('/');
      expect(value(xml, 'UserId')).toMatch(/^AIDA[A-Z0-9]{17}$/);
      expect(value(xml, 'Arn')).toBe('arn:aws:iam::000000000000:user/alice');
      expect(value(xml, 'CreateDate')).toBe('2030-01-01T00:00:00Z');
    });

    it('puts the path into the ARN and echoes tags', async () => {
      const { iam, clock } = newIam();

      const xml = await call(iam, clock, 'CreateUser', {
        UserName: 'bob',
        Path: '/rotation/',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'db',
      });

      expect(value(xml, 'Arn')).toBe('arn:aws:iam::000000000000:user/rotation/bob');
      expect(values(xml, 'Key')).toEqual(['team']);
      expect(values(xml, 'Value')).toEqual(['db']);
    });

    it('refuses a name that exists in another case with EntityAlreadyExists 409', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'alice' });

      await expect(call(iam, clock, 'CreateUser', { UserName: 'ALICE' })).rejects.toMatchObject({
        code: 'EntityAlreadyExists',
        status: 409,
        message: 'User with name ALICE already exists.',
      });
    });

    it('refuses a missing or malformed UserName with ValidationError', async () => {
      const { iam, clock } = newIam();

      await expect(call(iam, clock, 'CreateUser')).rejects.toMatchObject({
        code: 'ValidationError',
        status: 400,
        message:
          "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
      });
      await expect(call(iam, clock, 'CreateUser', { UserName: 'bad name' })).rejects.toMatchObject({
        code: 'ValidationError',
        message: expect.stringContaining("Value 'bad name' at 'userName'"),
      });
      await expect(call(iam, clock, 'CreateUser', { UserName: 'x'.repeat(65) })).rejects.toMatchObject({
        code: 'ValidationError',
        message: expect.stringContaining('length less than or equal to 64'),
      });
    });
  });

  describe('GetUser', () => {
    it('finds a user regardless of case and answers with the stored name', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'Alice' });

      expect(value(await call(iam, clock, 'GetUser', { UserName: 'alice' }), 'UserName')).toBe('Alice');
    });

    it('answers NoSuchEntity 404 with AWS message for an unknown user', async () => {
      const { iam, clock } = newIam();

      await expect(call(iam, clock, 'GetUser', { UserName: 'ghost' })).rejects.toMatchObject({
        code: 'NoSuchEntity',
        status: 404,
        message: 'The user with name ghost cannot be found.',
      });
    });

    it('returns the calling user when UserName is omitted', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'alice' });
      const keyId = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';

      const xml = await call(iam, clock, 'GetUser', {}, identityOf(iam, keyId));

      expect(value(xml, 'UserName')).toBe('alice');
    });

    it('returns the root identity for the root caller without UserName', async () => {
      const { iam, clock } = newIam();

      const xml = await call(iam, clock, 'GetUser');

      expect(value(xml, 'Arn')).toBe('arn:aws:iam::000000000000:root');
      expect(value(xml, 'UserId')).toBe('000000000000');
      expect(value(xml, 'UserName')).toBeUndefined();
    });
  });

  describe('ListUsers', () => {
    it('lists users sorted by name, filtered by PathPrefix', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'carol', Path: '/apps/' });
      await call(iam, clock, 'CreateUser', { UserName: 'alice' });
      await call(iam, clock, 'CreateUser', { UserName: 'bob', Path: '/apps/' });

      expect(values(await call(iam, clock, 'ListUsers'), 'UserName')).toEqual(['alice', 'bob', 'carol']);
      expect(values(await call(iam, clock, 'ListUsers', { PathPrefix: '/apps/' }), 'UserName')).toEqual([
        'bob',
        'carol',
      ]);
    });

    it('pages with MaxItems and the returned Marker', async () => {
      const { iam, clock } = newIam();
      for (const name of ['a1', 'a2', 'a3']) await call(iam, clock, 'CreateUser', { UserName: name });

      const first = await call(iam, clock, 'ListUsers', { MaxItems: '2' });
      const second = await call(iam, clock, 'ListUsers', { MaxItems: '2', Marker: value(first, 'Marker') ?? '' });

      expect(values(first, 'UserName')).toEqual(['a1', 'a2']);
      expect(value(first, 'IsTruncated')).toBe('true');
      expect(values(second, 'UserName')).toEqual(['a3']);
      expect(value(second, 'IsTruncated')).toBe('false');
      expect(value(second, 'Marker')).toBeUndefined();
    });

    it('refuses MaxItems outside 1-1000 and a marker it did not issue', async () => {
      const { iam, clock } = newIam();

      await expect(call(iam, clock, 'ListUsers', { MaxItems: '0' })).rejects.toMatchObject({ code: 'ValidationError' });
      await expect(call(iam, clock, 'ListUsers', { Marker: 'bogus' })).rejects.toMatchObject({ code: 'InvalidInput' });
    });
  });

  describe('DeleteUser', () => {
    it('deletes a user without keys', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'alice' });

      const xml = await call(iam, clock, 'DeleteUser', { UserName: 'alice' });

      expect(xml).toContain('<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata>');
      await expect(call(iam, clock, 'GetUser', { UserName: 'alice' })).rejects.toMatchObject({ code: 'NoSuchEntity' });
    });

    it('refuses with DeleteConflict 409 while the user has an access key, even an inactive one', async () => {
      const { iam, clock } = newIam();
      await call(iam, clock, 'CreateUser', { UserName: 'alice' });
      const keyId = value(await call(iam, clock, 'CreateAccessKey', { UserName: 'alice' }), 'AccessKeyId') ?? '';
      await call(iam, clock, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: keyId, Status: 'Inactive' });

      await expect(call(iam, clock, 'DeleteUser', { UserName: 'alice' })).rejects.toMatchObject({
        code: 'DeleteConflict',
        status: 409,
        message: 'Cannot delete entity, must delete access keys first.',
      });
    });

    it('answers NoSuchEntity for an unknown user', async () => {
      const { iam, clock } = newIam();

      await expect(call(iam, clock, 'DeleteUser', { UserName: 'ghost' })).rejects.toMatchObject({
        code: 'NoSuchEntity',
        status: 404,
      });
    });
  });

  it('answers InvalidAction for an operation IAM does not serve', async () => {
    const { iam, clock } = newIam();

    await expect(call(iam, clock, 'CreateRole')).rejects.toMatchObject({
      code: 'InvalidAction',
      status: 400,
      message: 'Could not find operation CreateRole for version 2010-05-08',
    });
  });
});
