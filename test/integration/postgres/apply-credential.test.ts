import { ApplyFailedError, ConfigurationError } from '../../../lambdas/core/errors';
import { Logger } from '../../../lambdas/core/logger';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import { PostgresSingleUserStrategy } from '../../../lambdas/postgres/strategy';
import { sharedPostgres } from '../../support';
import { createRole, tryLogin } from './postgres-fixture';

interface Versions {
  readonly current: Record<string, unknown>;
  readonly pending: Record<string, unknown>;
  readonly previous?: Record<string, unknown>;
  readonly tags?: Record<string, string>;
}

function version(value: Record<string, unknown>): SecretVersionValue {
  return { versionId: 'v', secretString: JSON.stringify(value) };
}

/** A context over fixed versions: the strategy's setSecret logic without Secrets Manager. */
function context(versions: Versions): RotationContext {
  const tags = versions.tags ?? {};
  return {
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:it/pg-xyz',
    secretName: 'it/pg',
    token: 'token-1',
    step: 'setSecret',
    tags,
    settings: new Settings('it/pg', tags, {}),
    logger: new Logger('test', {}, 'SILENT'),
    current: async () => version(versions.current),
    pending: async () => version(versions.pending),
    previous: async () => (versions.previous === undefined ? undefined : version(versions.previous)),
    otherSecret: async () => {
      throw new Error('not used');
    },
    generatePassword: () => 'unused',
    registerSecret: () => undefined,
  };
}

/** setSecret's choice of login and its refusals, against a real server. */
describe('PostgresSingleUserStrategy.applyCredential', () => {
  const pg = sharedPostgres();
  const strategy = new PostgresSingleUserStrategy();
  const base = () => ({ engine: 'postgres', host: '127.0.0.1', port: pg().port, ssl: false });

  it('sets the password with AWSPREVIOUS when AWSCURRENT no longer logs in (an unfinished earlier rotation)', async () => {
    await createRole(pg(), 'prev_user', 'Prev-pw-1');
    const ctx = context({
      previous: { ...base(), username: 'prev_user', password: 'Prev-pw-1' },
      current: { ...base(), username: 'prev_user', password: 'Stale-pw-2' },
      pending: { ...base(), username: 'prev_user', password: 'Next-pw-3' },
    });
    await strategy.applyCredential(ctx);
    expect(await tryLogin(pg(), 'prev_user', 'Next-pw-3')).toBe('ok');
    expect(await tryLogin(pg(), 'prev_user', 'Prev-pw-1')).toBe('28P01');
  });

  it('does nothing when the pending password already logs in (a retried setSecret)', async () => {
    await createRole(pg(), 'done_user', 'Done-pw-1');
    const ctx = context({
      current: { ...base(), username: 'done_user', password: 'Gone-pw-0' },
      pending: { ...base(), username: 'done_user', password: 'Done-pw-1' },
    });
    await expect(strategy.applyCredential(ctx)).resolves.toBeUndefined();
    expect(await tryLogin(pg(), 'done_user', 'Done-pw-1')).toBe('ok');
  });

  it('refuses a pending version for another user, before touching the database', async () => {
    await createRole(pg(), 'owner_user', 'Owner-pw-1');
    await createRole(pg(), 'victim_user', 'Victim-pw-1');
    const ctx = context({
      current: { ...base(), username: 'owner_user', password: 'Owner-pw-1' },
      pending: { ...base(), username: 'victim_user', password: 'Evil-pw-2' },
    });
    const error = await strategy.applyCredential(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect((error as Error).message).toMatch(/AWSPENDING is for user victim_user .* AWSCURRENT is for user owner_user/);
    expect((error as Error).message).not.toContain('Evil-pw-2');
    expect(await tryLogin(pg(), 'victim_user', 'Victim-pw-1')).toBe('ok');
  });

  it('refuses the alternating-users strategy, which this function does not implement', async () => {
    const ctx = context({
      tags: { 'rotation:strategy': 'alternating-users' },
      current: { ...base(), username: 'x', password: 'X-pw-1' },
      pending: { ...base(), username: 'x', password: 'X-pw-2' },
    });
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(ConfigurationError);
  });
});
