import { createSts } from '../../../../local/sts';
import { call, queryRequest, ROOT, TestClock, value } from './harness';

describe('STS GetCallerIdentity', () => {
  const clock = new TestClock();

  it('answers with the signing identity in the STS XML envelope', async () => {
    const sts = createSts();
    const caller = {
      accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
      arn: 'arn:aws:iam::000000000000:user/alice',
      userId: 'AIDAAAAAAAAAAAAAAAAAA',
      account: '000000000000',
    };

    const xml = await call(sts, clock, 'GetCallerIdentity', {}, caller);

    expect(xml).toContain(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>',
    );
    expect([value(xml, 'Arn'), value(xml, 'UserId'), value(xml, 'Account')]).toEqual([
      caller.arn,
      caller.userId,
      caller.account,
    ]);
  });

  it('answers the root identity for the root key', async () => {
    const xml = await call(createSts(), clock, 'GetCallerIdentity', {}, ROOT);

    expect(value(xml, 'Arn')).toBe('arn:aws:iam::000000000000:root');
    expect(value(xml, 'UserId')).toBe('000000000000');
  });

  it('answers InvalidAction for other STS operations', async () => {
    await expect(call(createSts(), clock, 'AssumeRole')).rejects.toMatchObject({
      code: 'InvalidAction',
      status: 400,
      message: 'Could not find operation AssumeRole for version 2011-06-15',
    });
  });

  it('names GetCallerIdentity as its only operation, from the body or the query string', () => {
    const sts = createSts();
    const get = {
      ...queryRequest({}),
      method: 'GET',
      body: Buffer.alloc(0),
      query: new URLSearchParams('Action=GetCallerIdentity'),
    };

    expect(sts.operationOf(queryRequest({ Action: 'GetCallerIdentity' }))).toBe('GetCallerIdentity');
    expect(sts.operationOf(get)).toBe('GetCallerIdentity');
    expect(sts.operationOf(queryRequest({ Action: 'AssumeRole' }))).toBeUndefined();
  });
});
