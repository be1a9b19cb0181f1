import { ApplyFailedError, SecretFormatError, VerificationFailedError } from '../../../lambdas/core/errors';
import { Logger } from '../../../lambdas/core/logger';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import type { DatabaseSecret } from '../../../lambdas/database/db-secret';
import { type DatabaseEngine, DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import type { Connector, DatabaseDialect, LoginAs, LoginResult, SqlSession } from '../../../lambdas/database/types';
import { POSTGRES_SPEC } from '../../../lambdas/postgres/spec';

const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf';

/** A database in memory: users and passwords, and every statement the strategy ran. */
class FakeDatabase {
  readonly passwords = new Map<string, string>();
  readonly log: string[] = [];
  failNext: string | undefined;

  session(username: string): SqlSession {
    const db = this;
    return {
      username,
      async query(sql) {
        db.log.push(`${username}: ${sql}`);
        return [];
      },
      async transaction(work) {
        db.log.push(`${username}: BEGIN`);
        const result = await work(this);
        db.log.push(`${username}: COMMIT`);
        return result;
      },
      async close() {
        db.log.push(`${username}: close`);
      },
    };
  }
}

function fakeDialect(db: FakeDatabase): DatabaseDialect {
  const check = (what: string) => {
    if (db.failNext === what) throw new Error(`${what} failed: permission denied`);
  };
  return {
    cloneUsername: (u) => (u.endsWith('_clone') ? u.slice(0, -6) : `${u.slice(0, 10)}_clone`),
    async setOwnPassword(session, password) {
      check('setOwnPassword');
      db.passwords.set(session.username, password);
      db.log.push(`${session.username}: set own password`);
    },
    async upsertUser(admin, user, password, like) {
      check('upsertUser');
      const existed = db.passwords.has(user);
      db.passwords.set(user, password);
      db.log.push(`${admin.username}: upsert ${user} like ${like}`);
      return existed ? 'updated' : 'created';
    },
    async syncPrivileges(admin, source, target) {
      check('syncPrivileges');
      db.log.push(`${admin.username}: sync ${source} -> ${target}`);
      return { granted: 1, revoked: 0 };
    },
    async userExists(_admin, user) {
      return db.passwords.has(user);
    },
  };
}

/** Logs in when the password matches; records each attempt as `<mode> <stage> <user>`. */
function fakeConnector(db: FakeDatabase, mode: 'direct' | 'data-api', attempts: string[]): Connector {
  return {
    mode,
    async login({ secret, stage, secretArn }: LoginAs): Promise<LoginResult> {
      attempts.push(`${stage} ${secret.username}${secretArn === MASTER_ARN ? ' (master)' : ''}`);
      if (db.passwords.get(secret.username) === secret.password) return { session: db.session(secret.username) };
      return { reason: `password authentication failed for user "${secret.username}"`, authFailure: true };
    },
  };
}

interface Setup {
  readonly current: Record<string, unknown>;
  readonly pending?: Record<string, unknown>;
  readonly previous?: Record<string, unknown>;
  readonly master?: Record<string, unknown>;
  readonly tags?: Record<string, string>;
  readonly mode?: 'direct' | 'data-api';
}

const BASE = { engine: 'postgres', host: 'db.example.com', dbname: 'app' };

function harness(setup: Setup) {
  const db = new FakeDatabase();
  const attempts: string[] = [];
  const engine: DatabaseEngine = {
    type: 'fake',
    spec: POSTGRES_SPEC,
    dialect: fakeDialect(db),
    driver: { connect: async () => ({ reason: 'unused', authFailure: false }) },
    dataApiEngine: 'postgres',
    defaultExcludeCharacters: ':/@',
  };
  const connectors: DatabaseSecret[] = [];
  const strategy = new DatabaseRotationStrategy(engine, (_ctx, secret) => {
    connectors.push(secret);
    return fakeConnector(db, setup.mode ?? 'direct', attempts);
  });
  const version = (value: Record<string, unknown>): SecretVersionValue => ({
    versionId: 'v',
    secretString: JSON.stringify(value),
  });
  const registered: string[] = [];
  const tags = setup.tags ?? {};
  const ctx: RotationContext = {
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf',
    secretName: 'app/db',
    token: 'token-1',
    step: 'setSecret',
    tags,
    settings: new Settings('app/db', tags, {}),
    logger: new Logger('test', {}, 'SILENT'),
    current: async () => version(setup.current),
    pending: async () => {
      if (setup.pending === undefined) throw new Error('no pending');
      return version(setup.pending);
    },
    previous: async () => (setup.previous === undefined ? undefined : version(setup.previous)),
    otherSecret: async (id) => {
      if (id !== MASTER_ARN || setup.master === undefined) throw new Error(`no secret ${id}`);
      return version(setup.master);
    },
    generatePassword: () => 'Generated-pw-1',
    registerSecret: (value) => registered.push(value),
  };
  return { db, attempts, strategy, ctx, registered };
}

describe('DatabaseRotationStrategy, single user', () => {
  const current = { ...BASE, username: 'app', password: 'Cur-pw-1' };
  const pending = { ...current, password: 'New-pw-2' };

  it('createSecret keeps every field and the user, with a new password registered for masking', async () => {
    const { strategy, ctx, registered } = harness({ current: { ...current, extra: 'kept' } });
    expect(JSON.parse(await strategy.createCredential(ctx))).toEqual({
      ...current,
      extra: 'kept',
      password: 'Generated-pw-1',
    });
    expect(registered).toContain('Cur-pw-1');
    expect(strategy.passwordDefaults).toEqual({ excludeCharacters: ':/@' });
  });

  it('direct: logs in with AWSCURRENT first (no refused login in a normal rotation) and sets the password', async () => {
    const { db, attempts, strategy, ctx } = harness({ current, pending });
    db.passwords.set('app', 'Cur-pw-1');
    await strategy.applyCredential(ctx);
    expect(attempts).toEqual(['AWSCURRENT app']);
    expect(db.passwords.get('app')).toBe('New-pw-2');
    expect(db.log).toContain('app: close');
  });

  it('Data API: tries AWSCURRENT first (a pending login needs a probe secret)', async () => {
    const { db, attempts, strategy, ctx } = harness({ current, pending, mode: 'data-api' });
    db.passwords.set('app', 'Cur-pw-1');
    await strategy.applyCredential(ctx);
    expect(attempts).toEqual(['AWSCURRENT app']);
    expect(db.passwords.get('app')).toBe('New-pw-2');
  });

  it('does nothing when AWSCURRENT is refused and the pending password already logs in (a retried step)', async () => {
    const { db, attempts, strategy, ctx } = harness({ current, pending });
    db.passwords.set('app', 'New-pw-2');
    await strategy.applyCredential(ctx);
    expect(attempts).toEqual(['AWSCURRENT app', 'AWSPENDING app']);
    expect(db.log).not.toContainEqual(expect.stringContaining('set own password'));
  });

  it('falls back to AWSPREVIOUS, and fails naming every attempt without a password', async () => {
    const previous = { ...current, password: 'Old-pw-0' };
    const ok = harness({ current, pending, previous });
    ok.db.passwords.set('app', 'Old-pw-0');
    await ok.strategy.applyCredential(ok.ctx);
    expect(ok.attempts).toEqual(['AWSCURRENT app', 'AWSPENDING app', 'AWSPREVIOUS app']);
    expect(ok.db.passwords.get('app')).toBe('New-pw-2');

    const lost = harness({ current, pending, previous });
    lost.db.passwords.set('app', 'Something-else');
    const error = await lost.strategy.applyCredential(lost.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect((error as Error).message).toMatch(/cannot log into PostgreSQL at db.example.com:5432 as app/);
    expect((error as Error).message).toMatch(/AWSCURRENT: .*AWSPENDING: .*AWSPREVIOUS: /);
    for (const pw of ['Cur-pw-1', 'New-pw-2', 'Old-pw-0']) expect((error as Error).message).not.toContain(pw);
  });

  it('refuses a pending version for another user or host before any login', async () => {
    for (const bad of [{ username: 'root' }, { host: 'other.example.com' }]) {
      const { attempts, strategy, ctx } = harness({ current, pending: { ...pending, ...bad } });
      await expect(strategy.applyCredential(ctx)).rejects.toThrow(/single-user rotation changes only its own user/);
      expect(attempts).toEqual([]);
    }
  });

  it('wraps a failed password change, naming the user and the login used', async () => {
    const { db, strategy, ctx } = harness({ current, pending });
    db.passwords.set('app', 'Cur-pw-1');
    db.failNext = 'setOwnPassword';
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(
      /changing the password of app \(logged in with AWSCURRENT\) failed: setOwnPassword failed: permission denied/,
    );
  });

  it('testSecret logs in with AWSPENDING and runs SELECT 1; a refused login is a VerificationFailedError', async () => {
    const { db, attempts, strategy, ctx } = harness({ current, pending });
    db.passwords.set('app', 'New-pw-2');
    await strategy.verifyCredential(ctx);
    expect(attempts).toEqual(['AWSPENDING app']);
    expect(db.log).toEqual(['app: SELECT 1', 'app: close']);
    db.passwords.set('app', 'Cur-pw-1');
    await expect(strategy.verifyCredential(ctx)).rejects.toThrow(VerificationFailedError);
  });
});

describe('DatabaseRotationStrategy, alternating users', () => {
  const current = { ...BASE, username: 'app', password: 'Cur-pw-1', masterarn: MASTER_ARN };
  const master = { username: 'root', password: 'Master-pw-9' };

  it('createSecret names the other user: app -> app_clone -> app', async () => {
    const first = harness({ current });
    expect(JSON.parse(await first.strategy.createCredential(first.ctx)).username).toBe('app_clone');
    const second = harness({ current: { ...current, username: 'app_clone' } });
    expect(JSON.parse(await second.strategy.createCredential(second.ctx)).username).toBe('app');
  });

  it('maps a cut clone name back to the user in AWSPREVIOUS', async () => {
    const long = 'a_very_long_user_name';
    const { strategy, ctx } = harness({
      current: { ...current, username: 'a_very_lon_clone' },
      previous: { ...current, username: long },
    });
    expect(JSON.parse(await strategy.createCredential(ctx)).username).toBe(long);
  });

  it('setSecret logs in as the master, upserts the other user and syncs privileges in one transaction', async () => {
    const pending = { ...current, username: 'app_clone', password: 'New-pw-2' };
    const { db, attempts, strategy, ctx, registered } = harness({ current, pending, master });
    db.passwords.set('root', 'Master-pw-9');
    await strategy.applyCredential(ctx);
    expect(attempts).toEqual(['AWSCURRENT root (master)']);
    expect(db.log).toEqual([
      'root: BEGIN',
      'root: upsert app_clone like app',
      'root: sync app -> app_clone',
      'root: COMMIT',
      'root: close',
    ]);
    expect(db.passwords.get('app_clone')).toBe('New-pw-2');
    expect(registered).toContain('Master-pw-9');
  });

  it('refuses a pending version for the current user (a single-user pending left behind)', async () => {
    const pending = { ...current, password: 'New-pw-2' };
    const { attempts, strategy, ctx } = harness({ current, pending, master });
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(/AWSPENDING is for user app, the AWSCURRENT user/);
    expect(attempts).toEqual([]);
  });

  it('names the master secret when the master cannot log in, without any password', async () => {
    const pending = { ...current, username: 'app_clone', password: 'New-pw-2' };
    const { strategy, ctx } = harness({ current, pending, master });
    const error = (await strategy.applyCredential(ctx).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect(error.message).toContain(`as the master user root (secret ${MASTER_ARN})`);
    expect(error.message).not.toMatch(/Master-pw-9|New-pw-2|Cur-pw-1/);
  });

  it('names the step that failed as the master', async () => {
    const pending = { ...current, username: 'app_clone', password: 'New-pw-2' };
    const { db, strategy, ctx } = harness({ current, pending, master });
    db.passwords.set('root', 'Master-pw-9');
    db.failNext = 'syncPrivileges';
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(
      /copying the privileges of app to app_clone as root failed: syncPrivileges failed: permission denied/,
    );
  });

  it('needs a masterarn when the strategy tag asks for alternating users', async () => {
    const { strategy, ctx } = harness({
      current: { ...BASE, username: 'app', password: 'p' },
      tags: { 'rotation:strategy': 'alternating-users' },
    });
    await expect(strategy.createCredential(ctx)).rejects.toThrow(SecretFormatError);
  });

  it('rotates single-user when the tag says so even with a masterarn', async () => {
    const { strategy, ctx } = harness({ current, tags: { 'rotation:strategy': 'single-user' } });
    expect(JSON.parse(await strategy.createCredential(ctx)).username).toBe('app');
  });
});
