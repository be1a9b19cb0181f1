import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplyFailedError, ConfigurationError, SecretFormatError } from '../../../lambdas/core/errors';
import { Logger } from '../../../lambdas/core/logger';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import { type DatabaseSecret, parseDatabaseSecret } from '../../../lambdas/database/db-secret';
import { DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import { tlsTrust } from '../../../lambdas/database/tls';
import type { LoginResult, TlsTrust } from '../../../lambdas/database/types';
import { POSTGRES_DRIVER } from '../../../lambdas/postgres/driver';
import { POSTGRES_ENGINE } from '../../../lambdas/postgres/engine';
import { POSTGRES_SPEC } from '../../../lambdas/postgres/spec';
import { type PostgresServer, type ServerTls, selfSignedCert, sharedPostgres, startPostgres } from '../../support';
import { createRole, tryLogin } from './postgres-fixture';

/** One plaintext server for the whole file: each server start costs about a second of CPU. */
const plain = sharedPostgres();

function secretFor(server: { port: number; user: string; password: string }, ssl?: boolean): DatabaseSecret {
  const value = {
    engine: 'postgres',
    host: '127.0.0.1',
    port: server.port,
    username: server.user,
    password: server.password,
  };
  const text = JSON.stringify(ssl === undefined ? value : { ...value, ssl });
  return parseDatabaseSecret(POSTGRES_SPEC, text, 'it/tls', 'AWSPENDING');
}

/** A login the way the direct connector makes one: TLS unless the secret says `"ssl": false`. */
function login(secret: DatabaseSecret, trust: TlsTrust = tlsTrust(undefined, 'it/tls')): Promise<LoginResult> {
  return POSTGRES_DRIVER.connect({ ...secret }, secret.ssl ? trust : false);
}

/** TLS is verify-full (CA and host name) and never falls back to plaintext. */
describe('PostgreSQL connections over TLS', () => {
  let server: PostgresServer;
  let tls: ServerTls;
  let dir: string;

  beforeAll(async () => {
    tls = await selfSignedCert();
    server = await startPostgres({ tls, requireTls: true, logConnections: true });
    dir = await mkdtemp(join(tmpdir(), 'pg-ca-'));
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in over TLS when the CA file (DB_CA_FILE) holds the server certificate', async () => {
    const caFile = join(dir, 'right.pem');
    await writeFile(caFile, tls.cert);
    const result = await login(secretFor(server), tlsTrust(caFile, 'it/tls'));
    expect(result.session).toBeDefined();
    const rows = await result.session?.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    await result.session?.close();
    expect(rows?.[0].ssl).toBe(true);
  });

  it('refuses a server whose certificate another CA signed, with a clear reason and no plaintext attempt', async () => {
    const other = await selfSignedCert();
    const before = server.log().length;
    const result = await login(secretFor(server), { ca: other.cert });
    expect(result.session).toBeUndefined();
    expect(result.reason).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(result.reason).not.toContain(server.password);
    expect(result.session === undefined && result.authFailure).toBe(false);
    const log = server.log().slice(before);
    expect(log).toMatch(/connection received/);
    expect(log).not.toMatch(/no encryption/);
    expect(log).not.toMatch(/connection authorized/);
  });

  it('refuses a server with no TLS at all instead of falling back to plaintext', async () => {
    const result = await login(secretFor(plain()));
    expect(result.session).toBeUndefined();
    expect(result.reason).toMatch(/does not support SSL/);
    const plaintext = await login(secretFor(plain(), false));
    expect(plaintext.session).toBeDefined();
    await plaintext.session?.close();
  });

  it('reports a wrong password as an authentication failure, without the password', async () => {
    const result = await login({ ...secretFor(plain(), false), password: 'Wrong-pw-42' });
    expect(result.session === undefined && result.authFailure).toBe(true);
    expect(result.reason).toMatch(/28P01/);
    expect(result.reason).not.toContain('Wrong-pw-42');
  });
});

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
describe('DatabaseRotationStrategy (PostgreSQL, single user, direct).applyCredential', () => {
  const strategy = new DatabaseRotationStrategy(POSTGRES_ENGINE);
  const base = () => ({ engine: 'postgres', host: '127.0.0.1', port: plain().port, ssl: false });

  it('sets the password with AWSPREVIOUS when AWSCURRENT no longer logs in (an unfinished earlier rotation)', async () => {
    await createRole(plain(), 'prev_user', 'Prev-pw-1');
    const ctx = context({
      previous: { ...base(), username: 'prev_user', password: 'Prev-pw-1' },
      current: { ...base(), username: 'prev_user', password: 'Stale-pw-2' },
      pending: { ...base(), username: 'prev_user', password: 'Next-pw-3' },
    });
    await strategy.applyCredential(ctx);
    expect(await tryLogin(plain(), 'prev_user', 'Next-pw-3')).toBe('ok');
    expect(await tryLogin(plain(), 'prev_user', 'Prev-pw-1')).toBe('28P01');
  });

  it('does nothing when the pending password already logs in (a retried setSecret)', async () => {
    await createRole(plain(), 'done_user', 'Done-pw-1');
    const ctx = context({
      current: { ...base(), username: 'done_user', password: 'Gone-pw-0' },
      pending: { ...base(), username: 'done_user', password: 'Done-pw-1' },
    });
    await expect(strategy.applyCredential(ctx)).resolves.toBeUndefined();
    expect(await tryLogin(plain(), 'done_user', 'Done-pw-1')).toBe('ok');
  });

  it('refuses a pending version for another user, before touching the database', async () => {
    await createRole(plain(), 'owner_user', 'Owner-pw-1');
    await createRole(plain(), 'victim_user', 'Victim-pw-1');
    const ctx = context({
      current: { ...base(), username: 'owner_user', password: 'Owner-pw-1' },
      pending: { ...base(), username: 'victim_user', password: 'Evil-pw-2' },
    });
    const error = await strategy.applyCredential(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect((error as Error).message).toMatch(/AWSPENDING is for user victim_user .* AWSCURRENT is for user owner_user/);
    expect((error as Error).message).not.toContain('Evil-pw-2');
    expect(await tryLogin(plain(), 'victim_user', 'Victim-pw-1')).toBe('ok');
  });

  it('refuses alternating users without a masterarn, naming the field', async () => {
    const ctx = context({
      tags: { 'rotation:strategy': 'alternating-users' },
      current: { ...base(), username: 'x', password: 'X-pw-1' },
      pending: { ...base(), username: 'x_clone', password: 'X-pw-2' },
    });
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(SecretFormatError);
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(/field "masterarn" must be the ARN of the master/);
  });

  it('refuses an unknown connection mode, naming the tag', async () => {
    const ctx = context({
      tags: { 'rotation:connection': 'telnet' },
      current: { ...base(), username: 'x', password: 'X-pw-1' },
      pending: { ...base(), username: 'x', password: 'X-pw-2' },
    });
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(ConfigurationError);
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(
      /tag "rotation:connection" must be one of direct, data-api/,
    );
  });
});
