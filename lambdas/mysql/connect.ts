import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { type Connection, type ConnectionOptions, createConnection } from 'mysql2/promise';
import { redactText } from '../core/redaction';
import { CONNECT_TIMEOUT_MS } from '../database/direct';
import type {
  DirectDriver,
  DirectTarget,
  LoginResult,
  SqlRow,
  SqlSession,
  SqlValue,
  TlsTrust,
} from '../database/types';

/**
 * Server error numbers of a refused login: ER_ACCESS_DENIED_ERROR (1045), ER_ACCESS_DENIED_NO_PASSWORD_ERROR (1698),
 * ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL 3118), ER_USER_ACCESS_DENIED_FOR_USER_ACCOUNT_BLOCKED_BY_PASSWORD_LOCK (MySQL
 * 3955), ER_ACCOUNT_LOCKED (MariaDB 4151).
 */
const AUTH_FAILURES = new Set([1045, 1698, 3118, 3955, 4151]);

/**
 * sql_mode flags that change how string literals and quoted names are read. mysql2 escapes `?` values with
 * backslashes and our dialect quotes names with backticks and strings with single quotes, which is only right when
 * NO_BACKSLASH_ESCAPES and ANSI_QUOTES are off. The combination modes are listed because @@sql_mode shows them next
 * to their parts, and setting one back would turn ANSI_QUOTES on again.
 */
const UNSAFE_SQL_MODES = new Set([
  'NO_BACKSLASH_ESCAPES',
  'ANSI_QUOTES',
  'ANSI',
  'ORACLE',
  'MSSQL',
  'DB2',
  'POSTGRESQL',
  'MAXDB',
]);

/**
 * The TCP socket mysql2 talks over (and upgrades to TLS). Ours, so that a failed login can destroy it. For a host
 * given as an IP address mysql2 sets no TLS servername, and Node
 * then checks the certificate against the socket's `_host`, which it records only after a DNS lookup, so against
 * 'localhost': a certificate for localhost would pass for any IP. Recording the address makes Node check the IP
 * address against the certificate's IP SANs (test/integration/mysql/driver.test.ts proves both cases).
 */
function tcpSocket(host: string, port: number): Socket {
  const socket = connectTcp(port, host);
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  if (isIP(host) !== 0) Object.assign(socket, { _host: host });
  return socket;
}

type SslOptions = NonNullable<Exclude<ConnectionOptions['ssl'], string>>;
const sslOptions = new WeakMap<TlsTrust, SslOptions>();

/**
 * One ssl object per trust: mysql2 caches the TLS context per ssl object, and parsing the CA bundle costs about 45 ms
 * of CPU per connection otherwise.
 */
function sslOptionsFor(tls: TlsTrust): SslOptions {
  let options = sslOptions.get(tls);
  if (options === undefined) {
    options = { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: true };
    sslOptions.set(tls, options);
  }
  return options;
}

/**
 * mysql2 settings. With TLS: the certificate is verified against `tls.ca` and the host name or IP address against
 * the certificate (`verifyIdentity`: mysql2 skips that check by default). Without: plaintext. There is never a
 * fallback from one to the other: a server without TLS fails a TLS login (HANDSHAKE_NO_SSL_SUPPORT).
 */
export function connectionOptions(target: DirectTarget, tls: TlsTrust | false): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    database: target.dbname,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ssl: tls === false ? undefined : sslOptionsFor(tls),
    stream: () => tcpSocket(target.host, target.port),
    multipleStatements: false,
    charset: 'UTF8MB4_UNICODE_CI',
    // Plain scalars, the same as the Data API returns: no Date objects, big numbers as strings.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  };
}

/** A mysql2 or TLS error as one line, with its code, redacted; a TLS login to a server without TLS says so. */
export function describeMysqlError(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  const code = (error as { code?: string }).code;
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return (
      'the server does not offer TLS, and the secret asks for it (field "ssl" absent or true); no plaintext ' +
      'attempt was made (HANDSHAKE_NO_SSL_SUPPORT)'
    );
  }
  return redactText(code === undefined ? error.message : `${error.message} (${code})`);
}

/**
 * Makes the session's string and name quoting the MySQL default, whatever the server's global sql_mode: removes
 * NO_BACKSLASH_ESCAPES and ANSI_QUOTES (and the modes that imply them), keeps every other flag. Chosen over
 * server-side prepared statements because CREATE USER, ALTER USER, GRANT and SET PASSWORD cannot all be prepared on
 * every MySQL and MariaDB version. Also quotes every name in SHOW GRANTS output (sql_quote_show_create).
 */
async function normaliseSession(connection: Connection): Promise<void> {
  const [rows] = await connection.query('SELECT @@SESSION.sql_mode AS mode');
  const mode = String((rows as Array<{ mode: unknown }>)[0]?.mode ?? '');
  const kept = mode.split(',').filter((flag) => flag !== '' && !UNSAFE_SQL_MODES.has(flag));
  // Flags are server-defined words; anything else is refused rather than spliced.
  if (kept.some((flag) => !/^[A-Z0-9_]+$/.test(flag))) throw new Error(`unexpected sql_mode flag in "${mode}"`);
  await connection.query(`SET SESSION sql_mode = '${kept.join(',')}', SESSION sql_quote_show_create = 1`);
}

class MysqlSession implements SqlSession {
  constructor(
    private readonly connection: Connection,
    readonly username: string,
  ) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<readonly SqlRow[]> {
    // mysql2 replaces `?` outside quotes and names only; with no parameters nothing is replaced.
    const [rows] = await this.connection.query(sql, params.length === 0 ? undefined : [...params]);
    return Array.isArray(rows) ? (rows as SqlRow[]) : [];
  }

  async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.connection.beginTransaction();
    try {
      const result = await work(this);
      await this.connection.commit();
      return result;
    } catch (error) {
      await this.connection.rollback().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

/** Direct connections with the `mysql2` driver. */
export const MYSQL_DRIVER: DirectDriver = {
  async connect(target: DirectTarget, tls: TlsTrust | false): Promise<LoginResult> {
    let connection: Connection;
    let socket: Socket | undefined;
    const options = connectionOptions(target, tls);
    try {
      connection = await createConnection({
        ...options,
        stream: () => {
          socket = tcpSocket(target.host, target.port);
          return socket;
        },
      });
    } catch (error) {
      // mysql2 may leave the socket of a refused TLS handshake open: it would keep the function (or a test) alive.
      socket?.destroy();
      const errno = (error as { errno?: number }).errno;
      return { reason: describeMysqlError(error), authFailure: errno !== undefined && AUTH_FAILURES.has(errno) };
    }
    connection.on('error', () => undefined); // a dropped idle connection must not crash the function
    try {
      await normaliseSession(connection);
    } catch (error) {
      connection.destroy();
      return { reason: `setting the session's sql_mode failed: ${describeMysqlError(error)}`, authFailure: false };
    }
    return { session: new MysqlSession(connection, target.username) };
  },
};
