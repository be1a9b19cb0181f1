import { randomBytes } from 'node:crypto';
import type { SqlSession, TlsTrust } from '../../../lambdas/database/types';
import { MYSQL_DRIVER } from '../../../lambdas/mysql/connect';
import type { MariaDbServer } from '../../support';

/** A name no other test uses, so that tests can share one server. */
export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Logs in with the driver under test; throws with the reason when the login fails. */
export async function login(
  server: MariaDbServer,
  username: string,
  password: string,
  tls: TlsTrust | false = false,
): Promise<SqlSession> {
  const result = await MYSQL_DRIVER.connect(
    { host: server.host, port: server.port, username, password, dbname: undefined },
    tls,
  );
  if (result.session === undefined) throw new Error(`login as ${username} failed: ${result.reason}`);
  return result.session;
}

/** The root session of `server`. */
export function rootSession(server: MariaDbServer): Promise<SqlSession> {
  return login(server, server.rootUser, server.rootPassword);
}

/** 'ok', or the error code of a refused login. */
export async function tryLogin(server: MariaDbServer, username: string, password: string): Promise<string> {
  const result = await MYSQL_DRIVER.connect(
    { host: server.host, port: server.port, username, password, dbname: undefined },
    false,
  );
  if (result.session === undefined) return result.authFailure ? 'auth-failure' : result.reason;
  await result.session.close();
  return 'ok';
}

/** SHOW GRANTS lines of user@host with the grantee and password hash taken out, sorted. */
export async function grantsOf(session: SqlSession, user: string, host: string): Promise<string[]> {
  const rows = await session.query('SHOW GRANTS FOR ?@?', [user, host]);
  const grantee = `${quoteName(user)}@${quoteName(host)}`;
  return rows
    .map((row) => String(Object.values(row)[0]))
    .map((line) =>
      line
        .split(grantee)
        .join('<grantee>')
        .replace(/IDENTIFIED BY PASSWORD '[^']*'/, '<password>'),
    )
    .sort();
}

export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Every ASCII punctuation character (GetRandomPassword's set), backslashes and quotes included. */
export const ALL_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
