/**
 * The demo's PostgreSQL part: a login role in an embedded PostgreSQL, its secret in AWS's RDS format, one
 * rotation by rotation-postgres through RotateSecret, then proof on the server: the new password logs in and the
 * old one is refused.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import type { EmbeddedPostgres } from '../databases/embedded-postgres';
import type { Emulator } from '../emulator';
import { SECRETS_MANAGER_QUOTAS } from '../faults/quotas';
import { describeVersions, fingerprint, lastRun, runSummary } from './versions';

const SECRET_NAME = 'demo/orders-db';
const ROLE = 'app_user';

/** Operations in Secrets Manager's 50-per-second write bucket. */
const WRITES = new Set(SECRETS_MANAGER_QUOTAS.find((group) => group.operations.includes('PutSecretValue'))?.operations);

/** What the demo knows about the server it started. */
export interface DemoPostgres {
  readonly server: EmbeddedPostgres;
  /** Seconds initdb and start-up took (they overlap the random secrets' part). */
  readonly startSeconds: number;
}

function shownDbSecret(secretString: string): string {
  const value = JSON.parse(secretString) as { username?: unknown; password?: unknown };
  return `{ username: ${String(value.username)}, password: ${fingerprint(String(value.password))} }`;
}

/** 'ok' when `password` logs in as the role and `SELECT 1` runs, else the SQLSTATE (28P01: invalid_password). */
async function tryLogin(server: EmbeddedPostgres, password: string): Promise<string> {
  const client = new Client({
    host: server.host,
    port: server.port,
    user: ROLE,
    password,
    database: 'postgres',
    ssl: false,
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return code ?? `error without SQLSTATE (${message ?? 'unknown'})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function loginLine(stage: string, which: string, outcome: string): string {
  const shown =
    outcome === 'ok' ? 'ok' : `refused, SQLSTATE ${outcome}${outcome === '28P01' ? ' (invalid_password)' : ''}`;
  return `  log in as ${ROLE} with ${stage} (${which} password): ${shown}`;
}

async function stagePassword(client: SecretsManagerClient, stage: string): Promise<string | undefined> {
  try {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: SECRET_NAME, VersionStage: stage }),
    );
    return (JSON.parse(SecretString ?? '{}') as { password?: string }).password;
  } catch {
    return undefined;
  }
}

/** Messages of the function's log lines at `level` (its logger writes JSON; the values in them are redacted). */
function functionMessages(logs: readonly string[], level: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of logs) {
    const json = /^\[rotation-postgres\] (\{.*\})$/.exec(line)?.[1];
    if (json === undefined) continue;
    try {
      const entry = JSON.parse(json) as { level?: string; message?: string };
      if (entry.level === level && entry.message !== undefined)
        counts.set(entry.message, (counts.get(entry.message) ?? 0) + 1);
    } catch {
      // not a structured line
    }
  }
  return counts;
}

/**
 * Runs the PostgreSQL part, printing through `say`; resolves the number of failed checks (0 when the rotation
 * succeeded, the new password logs in and the old one is refused with 28P01).
 */
export async function demoPostgres(
  emulator: Emulator,
  client: SecretsManagerClient,
  postgres: DemoPostgres,
  logs: readonly string[],
  say: (...lines: string[]) => void,
): Promise<number> {
  const { server } = postgres;
  const initialPassword = randomBytes(24).toString('base64url');
  const admin = new Client({ host: server.host, port: server.port, user: server.user, password: server.password });
  await admin.connect();
  let version: string;
  try {
    version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    await admin.query(
      `CREATE ROLE ${admin.escapeIdentifier(ROLE)} LOGIN PASSWORD ${admin.escapeLiteral(initialPassword)}`,
    );
  } finally {
    await admin.end();
  }
  const secret = {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    username: ROLE,
    password: initialPassword,
    dbname: 'postgres',
    ssl: false,
  };
  say(
    `${SECRET_NAME} (PostgreSQL login role ${ROLE}, AWS's RDS secret format, rotation-postgres single user)`,
    `  server: embedded PostgreSQL ${version} on ${server.host}:${server.port}, started in ${postgres.startSeconds.toFixed(1)} s ` +
      'beside the first part',
    `  data directory: ${server.root} (deleted when the demo ends, also on Ctrl-C)`,
    '  connection: PLAINTEXT ("ssl": false) on loopback. The server and the function both run on this machine, so',
    '    nothing crosses a network, and a TLS server would need a certificate made with the openssl CLI, which',
    '    `npm ci` does not install (Node cannot issue one). The function logs a warning for every plaintext login;',
    '    with "ssl" true or absent it verifies the certificate and host name and never falls back to plaintext.',
  );
  await client.send(
    new CreateSecretCommand({
      Name: SECRET_NAME,
      Description: 'orders service database login',
      SecretString: JSON.stringify(secret),
    }),
  );
  const before = await describeVersions(client, SECRET_NAME, shownDbSecret);

  const functionArn = `arn:aws:lambda:${emulator.region}:${emulator.account}:function:rotation-postgres`;
  const callsBefore = emulator.calls.snapshot().services.secretsmanager ?? {};
  const started = process.hrtime.bigint();
  await client.send(
    new RotateSecretCommand({
      SecretId: SECRET_NAME,
      RotationLambdaARN: functionArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  await emulator.rotations.idle();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const callsAfter = emulator.calls.snapshot().services.secretsmanager ?? {};
  const perOperation = Object.entries(callsAfter)
    .map(([op, n]) => [op, n - (callsBefore[op] ?? 0) - (op === 'RotateSecret' ? 1 : 0)] as const)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const total = perOperation.reduce((sum, [, n]) => sum + n, 0);
  const writes = perOperation.reduce((sum, [op, n]) => sum + (WRITES.has(op) ? n : 0), 0);

  const run = lastRun(emulator, SECRET_NAME);
  say('  before:', ...before, '  after RotateSecret:', ...(await describeVersions(client, SECRET_NAME, shownDbSecret)));
  say(runSummary(run));
  for (const [message, count] of functionMessages(logs, 'WARN')) say(`  function warning (${count}x): ${message}`);
  if (run?.status !== 'succeeded') {
    for (const [message, count] of functionMessages(logs, 'ERROR')) say(`  function error (${count}x): ${message}`);
  }

  const current = await stagePassword(client, 'AWSCURRENT');
  const previous = await stagePassword(client, 'AWSPREVIOUS');
  const currentLogin = current === undefined ? 'no AWSCURRENT value' : await tryLogin(server, current);
  const previousLogin = previous === undefined ? 'no AWSPREVIOUS version' : await tryLogin(server, previous);
  say(
    loginLine('AWSCURRENT', 'the new', currentLogin),
    loginLine('AWSPREVIOUS', 'the old', previousLogin),
    `  Secrets Manager calls by the rotation (RotateSecret itself excluded): ${total}, ${writes} of them writes: ` +
      perOperation.map(([op, n]) => `${op} ${n}`).join(', '),
    `  time: RotateSecret to rotation complete ${seconds.toFixed(2)} s`,
    '',
  );
  return [run?.status === 'succeeded', currentLogin === 'ok', previousLogin === '28P01'].filter((ok) => !ok).length;
}
