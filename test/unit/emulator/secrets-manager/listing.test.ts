import { randomUUID } from 'node:crypto';
import { Harness } from './harness';

type Entry = { Name: string };
const names = (list: Entry[]) => list.map((s) => s.Name);

describe('Secrets Manager: listing, filters, pagination, batch reads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    const specs = [
      { Name: 'prod/db', Description: 'Production Database', Tags: [{ Key: 'env', Value: 'prod' }] },
      {
        Name: 'prod/api',
        Description: 'API key',
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'team', Value: 'web' },
        ],
      },
      { Name: 'dev/db', Description: 'development database', Tags: [{ Key: 'env', Value: 'dev' }] },
    ];
    for (const spec of specs) {
      await h.ok('CreateSecret', { ...spec, SecretString: `${spec.Name}-value`, ClientRequestToken: randomUUID() });
      h.advance(1);
    }
  });

  const list = async (body: Record<string, unknown>) => names((await h.ok('ListSecrets', body)).SecretList);

  it('lists newest first by default, and sorts on request', async () => {
    expect(await list({})).toEqual(['dev/db', 'prod/api', 'prod/db']);
    expect(await list({ SortOrder: 'asc' })).toEqual(['prod/db', 'prod/api', 'dev/db']);
    expect(await list({ SortBy: 'name', SortOrder: 'asc' })).toEqual(['dev/db', 'prod/api', 'prod/db']);
    expect((await h.call('ListSecrets', { SortOrder: 'up' })).body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]",
    });
  });

  it('filters by name prefix (case-sensitive) and description prefix (case-insensitive)', async () => {
    expect(await list({ Filters: [{ Key: 'name', Values: ['prod/'] }] })).toEqual(['prod/api', 'prod/db']);
    expect(await list({ Filters: [{ Key: 'name', Values: ['PROD/'] }] })).toEqual([]);
    expect(await list({ Filters: [{ Key: 'description', Values: ['production'] }] })).toEqual(['prod/db']);
  });

  it('filters by tag key and value, combines filters with AND, values with OR, and negates with !', async () => {
    expect(await list({ Filters: [{ Key: 'tag-key', Values: ['team'] }] })).toEqual(['prod/api']);
    expect(await list({ Filters: [{ Key: 'tag-value', Values: ['dev', 'web'] }] })).toEqual(['dev/db', 'prod/api']);
    expect(
      await list({
        Filters: [
          { Key: 'tag-value', Values: ['prod'] },
          { Key: 'name', Values: ['!prod/api'] },
        ],
      }),
    ).toEqual(['prod/db']);
  });

  it('filters on every attribute with all, ignoring case, and by primary region', async () => {
    expect(await list({ Filters: [{ Key: 'all', Values: ['DATABASE'] }] })).toEqual(['dev/db', 'prod/db']);
    expect(await list({ Filters: [{ Key: 'all', Values: ['web'] }] })).toEqual(['prod/api']);
    expect(await list({ Filters: [{ Key: 'primary-region', Values: ['eu-'] }] })).toHaveLength(3);
    expect((await h.call('ListSecrets', { Filters: [{ Key: 'colour', Values: ['x'] }] })).body.__type).toBe(
      'ValidationException',
    );
  });

  it('pages with MaxResults and NextToken and rejects a forged token', async () => {
    const first = await h.ok('ListSecrets', { MaxResults: 2 });
    expect(names(first.SecretList)).toEqual(['dev/db', 'prod/api']);
    const second = await h.ok('ListSecrets', { MaxResults: 2, NextToken: first.NextToken });
    expect(names(second.SecretList)).toEqual(['prod/db']);
    expect(second.NextToken).toBeUndefined();
    const bad = await h.call('ListSecrets', { NextToken: 'garbage' });
    expect(bad.body.__type).toBe('InvalidNextTokenException');
  });

  it('lists entries with SecretVersionsToStages and no secret values', async () => {
    const [entry] = (await h.ok('ListSecrets', { Filters: [{ Key: 'name', Values: ['dev/db'] }] })).SecretList;
    expect(Object.values(entry.SecretVersionsToStages)).toEqual([['AWSCURRENT']]);
    expect(JSON.stringify(entry)).not.toContain('dev/db-value');
  });

  it('pages ListSecretVersionIds', async () => {
    for (let i = 0; i < 4; i += 1) await h.put('prod/db', `v${i}`, [`L${i}`]);
    const first = await h.ok('ListSecretVersionIds', { SecretId: 'prod/db', MaxResults: 3 });
    expect(first.Versions).toHaveLength(3);
    const second = await h.ok('ListSecretVersionIds', {
      SecretId: 'prod/db',
      MaxResults: 3,
      NextToken: first.NextToken,
    });
    expect(second.Versions).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(second.ARN).toMatch(/:secret:prod\/db-/);
  });

  it('BatchGetSecretValue reads a list of ids and reports the missing ones per secret', async () => {
    const reply = await h.ok('BatchGetSecretValue', { SecretIdList: ['prod/db', 'missing'] });
    expect(reply.SecretValues).toEqual([expect.objectContaining({ Name: 'prod/db', SecretString: 'prod/db-value' })]);
    expect(reply.Errors).toEqual([
      {
        SecretId: 'missing',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
    ]);
  });

  it('BatchGetSecretValue reads filtered pages and refuses ids and filters together', async () => {
    const first = await h.ok('BatchGetSecretValue', { Filters: [{ Key: 'name', Values: ['prod/'] }], MaxResults: 1 });
    expect(first.SecretValues).toHaveLength(1);
    const second = await h.ok('BatchGetSecretValue', {
      Filters: [{ Key: 'name', Values: ['prod/'] }],
      MaxResults: 1,
      NextToken: first.NextToken,
    });
    expect(second.SecretValues).toHaveLength(1);
    expect(second.SecretValues[0].Name).not.toBe(first.SecretValues[0].Name);
    const both = await h.call('BatchGetSecretValue', {
      SecretIdList: ['prod/db'],
      Filters: [{ Key: 'name', Values: ['p'] }],
    });
    expect(both.body.__type).toBe('InvalidParameterException');
  });
});
