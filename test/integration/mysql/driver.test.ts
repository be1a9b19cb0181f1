import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clearRememberedSecrets, registerSecretValue } from '../../../lambdas/core/redaction';
import { tlsTrust } from '../../../lambdas/database/tls';
import type { DirectTarget, LoginResult } from '../../../lambdas/database/types';
import { MYSQL_DRIVER } from '../../../lambdas/mysql/connect';
import { type MariaDbServer, type ServerTls, selfSignedCert, sharedMariaDb, startMariaDb } from '../../support';
import { login, rootSession, unique } from './mysql-fixture';

const run = promisify(execFile);

/** A self-signed certificate whose only subjectAltName is `altName` (e.g. 'DNS:db.example.com'). */
async function certFor(altName: string): Promise<ServerTls> {
  const dir = await mkdtemp(join(tmpdir(), 'mysql-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=test', '-addext', `subjectAltName=${altName}`],
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The failure of a login that must fail. */
function refused(result: LoginResult): { reason: string; authFailure: boolean } {
  if (result.session !== undefined) throw new Error('expected the login to be refused');
  return result;
}

function target(server: MariaDbServer, username: string, password: string, host = server.host): DirectTarget {
  return { host, port: server.port, username, password, dbname: undefined };
}

/** A user that may log in from 127.0.0.1 only over TLS. */
async function tlsUser(server: MariaDbServer, ca: string): Promise<{ user: string; password: string }> {
  const user = unique('tls');
  const password = `Tls-pw-${unique('')}`;
  const root = await login(server, server.rootUser, server.rootPassword, { ca });
  try {
    await root.query('CREATE USER ?@? IDENTIFIED BY ? REQUIRE SSL', [user, '127.0.0.1', password]);
  } finally {
    await root.close();
  }
  return { user, password };
}

describe('MYSQL_DRIVER over TLS', () => {
  let tls: ServerTls;
  let server: MariaDbServer;

  beforeAll(async () => {
    tls = await selfSignedCert();
    server = await startMariaDb({ tls, requireTls: true, logConnections: true });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('logs in when the CA is trusted and the certificate names the host, and the session is encrypted', async () => {
    const { user, password } = await tlsUser(server, tls.cert);
    const result = await MYSQL_DRIVER.connect(target(server, user, password), { ca: tls.cert });
    expect(result.reason).toBeUndefined();
    const rows = await result.session?.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
    await result.session?.close();
    expect(String(rows?.[0]?.Value)).toMatch(/^TLS/);
  });

  it('logs in with the trust the function builds: the RDS bundle, Node roots and the extra CA file', async () => {
    const { user, password } = await tlsUser(server, tls.cert);
    const dir = await mkdtemp(join(tmpdir(), 'mysql-ca-'));
    try {
      await writeFile(join(dir, 'ca.pem'), tls.cert);
      const result = await MYSQL_DRIVER.connect(target(server, user, password), tlsTrust(join(dir, 'ca.pem'), 'it/my'));
      expect(result.reason).toBeUndefined();
      await result.session?.close();
      const without = await MYSQL_DRIVER.connect(target(server, user, password), tlsTrust(undefined, 'it/my'));
      expect(refused(without).reason).toMatch(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a certificate signed by another CA, before any login', async () => {
    const { user, password } = await tlsUser(server, tls.cert);
    const other = await selfSignedCert();
    const result = await MYSQL_DRIVER.connect(target(server, user, password), { ca: other.cert });
    expect(result.session).toBeUndefined();
    expect(result.reason).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(refused(result).authFailure).toBe(false);
    expect(await readFile(server.generalLogPath, 'utf8')).not.toContain(`Connect\t${user}@`);
  });
});

describe('MYSQL_DRIVER host name verification', () => {
  let named: ServerTls;
  let localhostOnly: ServerTls;
  let server: MariaDbServer;
  let otherServer: MariaDbServer;

  beforeAll(async () => {
    named = await certFor('DNS:db.example.com');
    localhostOnly = await certFor('DNS:localhost');
    // One after the other, each kept as soon as it runs, so that a failed start leaves no server behind.
    server = await startMariaDb({ tls: named, requireTls: true });
    otherServer = await startMariaDb({ tls: localhostOnly, requireTls: true });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), otherServer?.stop()]);
  });

  it('refuses a trusted certificate that does not name the host it connected to', async () => {
    const result = await MYSQL_DRIVER.connect(target(server, 'root', server.rootPassword), { ca: named.cert });
    expect(result.session).toBeUndefined();
    expect(result.reason).toMatch(/does not match certificate|altnames/i);
    expect(refused(result).authFailure).toBe(false);
  });

  it('checks an IP address against the IP names of the certificate, not against localhost', async () => {
    const byIp = await MYSQL_DRIVER.connect(target(otherServer, 'root', otherServer.rootPassword), {
      ca: localhostOnly.cert,
    });
    expect(byIp.session).toBeUndefined();
    expect(byIp.reason).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
    const byName = await MYSQL_DRIVER.connect(target(otherServer, 'root', otherServer.rootPassword, 'localhost'), {
      ca: localhostOnly.cert,
    });
    expect(byName.reason).toBeUndefined();
    await byName.session?.close();
  });
});

describe('MYSQL_DRIVER against a server without TLS', () => {
  const server = sharedMariaDb({ logConnections: true });

  afterEach(() => clearRememberedSecrets());

  it('refuses a TLS login with a clear reason and never retries in plaintext', async () => {
    const user = unique('notls');
    const root = await rootSession(server());
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Plain-pw-1']);
    await root.close();

    const result = await MYSQL_DRIVER.connect(target(server(), user, 'Plain-pw-1'), {
      ca: (await selfSignedCert()).cert,
    });

    expect(result.session).toBeUndefined();
    expect(result.reason).toMatch(/does not offer TLS.*no plaintext attempt/);
    expect(refused(result).authFailure).toBe(false);
    expect(await readFile(server().generalLogPath, 'utf8')).not.toContain(`Connect\t${user}@`);
    const plaintext = await MYSQL_DRIVER.connect(target(server(), user, 'Plain-pw-1'), false);
    expect(plaintext.session).toBeDefined();
    await plaintext.session?.close();
    expect(await readFile(server().generalLogPath, 'utf8')).toContain(`Connect\t${user}@127.0.0.1`);
  });

  it('reports a wrong password as an authentication failure, without the password', async () => {
    const password = 'Wrong-pw-that-is-secret';
    registerSecretValue(password);
    const result = await MYSQL_DRIVER.connect(target(server(), 'root', password), false);
    expect(result.session).toBeUndefined();
    expect(refused(result).authFailure).toBe(true);
    expect(result.reason).toMatch(/Access denied.*ER_ACCESS_DENIED_ERROR/);
    expect(result.reason).not.toContain(password);
  });

  it('reports an unreachable server as a failure that is not about the password', async () => {
    const result = await MYSQL_DRIVER.connect({ ...target(server(), 'root', 'x'), port: 1 }, false);
    expect(result.session).toBeUndefined();
    expect(refused(result).authFailure).toBe(false);
    expect(result.reason).toMatch(/ECONNREFUSED/);
  });

  it('binds values correctly even when the server defaults to NO_BACKSLASH_ESCAPES and ANSI_QUOTES', async () => {
    const root = await rootSession(server());
    await root.query("SET GLOBAL sql_mode = 'ANSI,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES'");
    try {
      const session = await rootSession(server());
      const tricky = `a\\'b"c\\\\' OR '1'='1`;
      const [row] = await session.query('SELECT ? AS v, @@SESSION.sql_mode AS mode', [tricky]);
      await session.close();
      expect(row.v).toBe(tricky);
      expect(String(row.mode).split(',')).toContain('STRICT_ALL_TABLES');
      expect(String(row.mode)).not.toMatch(/NO_BACKSLASH_ESCAPES|ANSI_QUOTES|\bANSI\b/);
    } finally {
      await root.query('SET GLOBAL sql_mode = DEFAULT');
      await root.close();
    }
  });

  it('rolls a transaction back when the work throws, and commits it otherwise', async () => {
    const db = unique('tx');
    const session = await rootSession(server());
    try {
      await session.query(`CREATE DATABASE \`${db}\``);
      await session.query(`CREATE TABLE \`${db}\`.t (v int) ENGINE=InnoDB`);
      await expect(
        session.transaction(async (tx) => {
          await tx.query(`INSERT INTO \`${db}\`.t VALUES (1)`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await session.transaction((tx) => tx.query(`INSERT INTO \`${db}\`.t VALUES (2)`));
      const rows = await session.query(`SELECT v FROM \`${db}\`.t`);
      expect(rows).toEqual([{ v: 2 }]);
    } finally {
      await session.close();
    }
  });
});
