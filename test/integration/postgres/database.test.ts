import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplyFailedError, ConfigurationError } from '../../../lambdas/core/errors';
import { Logger } from '../../../lambdas/core/logger';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import { loadCa, login } from '../../../lambdas/postgres/connect';
import { type PostgresSecret, parsePostgresSecret } from '../../../lambdas/postgres/db-secret';
import { PostgresSingleUserStrategy } from '../../../lambdas/postgres/strategy';
import { type PostgresServer, type ServerTls, selfSignedCert, sharedPostgres, startPostgres } from '../../support';
import { createRole, tryLogin } from './postgres-fixture';

/** One plaintext server for the whole file: each server start costs about a second of CPU. */
const plain = sharedPostgres();

function secretFor(server: { port: number; user: string; password: string }, ssl?: boolean): PostgresSecret {
  const value = {
    engine: 'postgres',
    host: '127.0.0.1',
    port: server.port,
    username: server.user,
    password: server.password,
  };
  return parsePostgresSecret(JSON.stringify(ssl === undefined ? value : { ...value, ssl }), 'it/tls', 'AWSPENDING');
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
    const result = await login(secretFor(server), { ca: loadCa(caFile, 'it/tls') });
    expect(result.client).toBeDefined();
    const row = await result.client?.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    await result.client?.end();
    expect(row?.rows[0].ssl).toBe(true);
  });

  it('refuses a server whose certificate another CA signed, with a clear reason and no plaintext attempt', async () => {
    const other = await selfSignedCert();
    const before = server.log().length;
    const result = await login(secretFor(server), { ca: other.cert });
    expect(result.client).toBeUndefined();
    expect(result.client === undefined && result.reason).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(result.client === undefined && result.reason).not.toContain(server.password);
    const log = server.log().slice(before);
    expect(log).toMatch(/connection received/);
    expect(log).not.toMatch(/no encryption/);
    expect(log).not.toMatch(/connection authorized/);
  });

  it('refuses a server with no TLS at all instead of falling back to plaintext', async () => {
    const result = await login(secretFor(plain()));
    expect(result.client).toBeUndefined();
    expect(result.client === undefined && result.reason).toMatch(/does not support SSL/);
    const plaintext = await login(secretFor(plain(), false));
    expect(plaintext.client).toBeDefined();
    await plaintext.client?.end();
  });

  it('names the CA file and the setting when the file cannot be read', () => {
    expect(() => loadCa(join(dir, 'missing.pem'), 'it/tls')).toThrow(
      /secret it\/tls: the CA file ".*missing\.pem" \(tag rotation:ca-file or env DB_CA_FILE\) cannot be read: ENOENT/,
    );
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
describe('PostgresSingleUserStrategy.applyCredential', () => {
  const strategy = new PostgresSingleUserStrategy();
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

  it('refuses the alternating-users strategy, which this function does not implement', async () => {
    const ctx = context({
      tags: { 'rotation:strategy': 'alternating-users' },
      current: { ...base(), username: 'x', password: 'X-pw-1' },
      pending: { ...base(), username: 'x', password: 'X-pw-2' },
    });
    await expect(strategy.applyCredential(ctx)).rejects.toThrow(ConfigurationError);
  });
});
