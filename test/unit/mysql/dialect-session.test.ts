import { Logger } from '../../../lambdas/core/logger';
import type { SqlRow, SqlSession, SqlValue } from '../../../lambdas/database/types';
import { MYSQL_DIALECT } from '../../../lambdas/mysql/dialect';

/** A scripted session: answers by the first rule whose pattern matches, records every statement. */
class FakeSession implements SqlSession {
  readonly username = 'admin';
  readonly statements: string[] = [];

  constructor(private readonly rules: Array<[RegExp, SqlRow[] | Error]>) {}

  async query(sql: string, _params?: readonly SqlValue[]): Promise<readonly SqlRow[]> {
    this.statements.push(sql);
    const rule = this.rules.find(([pattern]) => pattern.test(sql));
    if (rule === undefined) return [];
    if (rule[1] instanceof Error) throw rule[1];
    return rule[1];
  }

  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return work(this);
  }

  async close(): Promise<void> {}
}

const MYSQL8 = [/@@SESSION\.sql_mode/, [{ mode: 'STRICT_TRANS_TABLES', version: '8.0.36' }]] as [RegExp, SqlRow[]];
const logger = new Logger('test', {}, 'SILENT');
const grants = (...lines: string[]): SqlRow[] => lines.map((line) => ({ 'Grants for x': line }));

describe('MYSQL_DIALECT on MySQL 8 (scripted session)', () => {
  it('sets its own password with a plaintext literal, not PASSWORD()', async () => {
    const session = new FakeSession([MYSQL8]);
    await MYSQL_DIALECT.setOwnPassword(session, "pa'ss\\word");
    expect(session.statements[1]).toBe("SET PASSWORD = 'pa\\'ss\\\\word'");
  });

  it('does not put the server text of a syntax error in the message, since it quotes the password', async () => {
    const error = Object.assign(new Error("You have an error in your SQL syntax near 'Secret-Pw-123'"), {
      code: 'ER_PARSE_ERROR',
      errno: 1064,
    });
    const session = new FakeSession([MYSQL8, [/SET PASSWORD/, error]]);
    const thrown = await MYSQL_DIALECT.setOwnPassword(session, 'Secret-Pw-123').catch((e: Error) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('SET PASSWORD for admin failed: syntax error (ER_PARSE_ERROR 1064)');
  });

  it('looks users up without the MariaDB-only is_role column', async () => {
    const session = new FakeSession([MYSQL8, [/FROM mysql\.user/, [{ host: '%' }]]]);
    expect(await MYSQL_DIALECT.userExists(session, 'app')).toBe(true);
    expect(session.statements[1]).toBe(
      "SELECT CAST(Host AS CHAR) AS host FROM mysql.user WHERE User = 'app' ORDER BY Host",
    );
  });

  it('copies MySQL 8 role grants and revokes an extra role, per host, revokes first', async () => {
    const session = new FakeSession([
      MYSQL8,
      [/FROM mysql\.user WHERE User = 'app'/, [{ host: '10.0.%' }]],
      [/FROM mysql\.user WHERE User = 'app_clone'/, [{ host: '10.0.%' }]],
      [
        /SHOW GRANTS FOR 'app'@/,
        grants(
          'GRANT USAGE ON *.* TO `app`@`10.0.%`',
          'GRANT BACKUP_ADMIN ON *.* TO `app`@`10.0.%`',
          'GRANT `reader`@`%`,`writer`@`%` TO `app`@`10.0.%`',
        ),
      ],
      [
        /SHOW GRANTS FOR 'app_clone'@/,
        grants('GRANT USAGE ON *.* TO `app_clone`@`10.0.%`', 'GRANT `admin`@`%`,`reader`@`%` TO `app_clone`@`10.0.%`'),
      ],
    ]);

    const result = await MYSQL_DIALECT.syncPrivileges(session, 'app', 'app_clone', logger);

    expect(result).toEqual({ granted: 2, revoked: 1 });
    const changes = session.statements.filter((sql) => /^(GRANT|REVOKE)/.test(sql));
    expect(changes).toEqual([
      "REVOKE `admin`@`%` FROM 'app_clone'@'10.0.%'",
      "GRANT BACKUP_ADMIN ON *.* TO 'app_clone'@'10.0.%'",
      "GRANT `reader`@`%`, `writer`@`%` TO 'app_clone'@'10.0.%'",
    ]);
  });

  it('refuses to copy to a user missing on a host of the current one, naming the host', async () => {
    const session = new FakeSession([
      MYSQL8,
      [/WHERE User = 'app'/, [{ host: '10.0.%' }, { host: 'localhost' }]],
      [/WHERE User = 'app_clone'/, [{ host: '10.0.%' }]],
    ]);
    await expect(MYSQL_DIALECT.syncPrivileges(session, 'app', 'app_clone', logger)).rejects.toThrow(
      'user app_clone does not exist on host(s) localhost of app',
    );
  });

  it('creates the user on each host with REQUIRE and limits, and no MAX_STATEMENT_TIME on MySQL', async () => {
    const account = {
      ssl_type: 'SPECIFIED',
      ssl_cipher: '',
      x509_issuer: "/CN=O'Issuer",
      x509_subject: '',
      max_questions: '0',
      max_updates: '3',
      max_connections: '0',
      max_user_connections: '2',
    };
    const session = new FakeSession([
      MYSQL8,
      [/SELECT CAST\(ssl_type/, [account]],
      [/WHERE User = 'app' ORDER/, [{ host: '10.0.%' }]],
      [/WHERE User = 'app_clone' ORDER/, []],
    ]);

    expect(await MYSQL_DIALECT.upsertUser(session, 'app_clone', 'pw', 'app')).toBe('created');

    expect(session.statements.at(-1)).toBe(
      "CREATE USER 'app_clone'@'10.0.%' IDENTIFIED BY 'pw' REQUIRE ISSUER '/CN=O\\'Issuer' WITH " +
        'MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 3 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 2',
    );
  });
});
