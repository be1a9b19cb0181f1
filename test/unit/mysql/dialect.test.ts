import { SecretFormatError } from '../../../lambdas/core/errors';
import { parseDatabaseSecret } from '../../../lambdas/database/db-secret';
import { connectionOptions, describeMysqlError } from '../../../lambdas/mysql/connect';
import { MYSQL_DIALECT } from '../../../lambdas/mysql/dialect';
import { quoteAccount, quoteName, quoteString } from '../../../lambdas/mysql/quote';
import { MYSQL_SPEC } from '../../../lambdas/mysql/spec';

describe('MYSQL_DIALECT.cloneUsername', () => {
  it('appends _clone and strips it again', () => {
    expect(MYSQL_DIALECT.cloneUsername('app', 'mysql')).toBe('app_clone');
    expect(MYSQL_DIALECT.cloneUsername('app_clone', 'mysql')).toBe('app');
  });

  it('cuts the name to 32 characters on MySQL and Aurora MySQL, 80 on MariaDB', () => {
    const long = 'u'.repeat(80);
    expect(MYSQL_DIALECT.cloneUsername(long, 'mysql')).toBe(`${'u'.repeat(26)}_clone`);
    expect(MYSQL_DIALECT.cloneUsername(long, 'aurora-mysql')).toHaveLength(32);
    expect(MYSQL_DIALECT.cloneUsername(long, 'mariadb')).toBe(`${'u'.repeat(74)}_clone`);
    expect(MYSQL_DIALECT.cloneUsername('u'.repeat(26), 'mysql')).toBe(`${'u'.repeat(26)}_clone`);
  });

  it('counts characters, not UTF-16 units, and never cuts one in half', () => {
    const name = '日本'.repeat(20);
    const clone = MYSQL_DIALECT.cloneUsername(name, 'mysql');
    expect([...clone]).toHaveLength(32);
    expect(clone.startsWith('日本'.repeat(13))).toBe(true);
    const astral = '𝒜'.repeat(40);
    expect([...MYSQL_DIALECT.cloneUsername(astral, 'mysql')]).toHaveLength(32);
  });

  it('appends to a name that is only _clone', () => {
    expect(MYSQL_DIALECT.cloneUsername('_clone', 'mariadb')).toBe('_clone_clone');
  });
});

describe('quoting', () => {
  it('quotes names with backticks, doubling them', () => {
    expect(quoteName('a`b')).toBe('`a``b`');
  });

  it('escapes strings with backslashes by default', () => {
    expect(quoteString(`a'b\\c"d\n\0`, { noBackslashEscapes: false })).toBe(`'a\\'b\\\\c"d\\n\\0'`);
  });

  it('only doubles quotes under NO_BACKSLASH_ESCAPES, where a backslash is literal', () => {
    expect(quoteString(`a'b\\c`, { noBackslashEscapes: true })).toBe(`'a''b\\c'`);
  });

  it('quotes an account as two string literals', () => {
    expect(quoteAccount("o'n", '10.%', { noBackslashEscapes: false })).toBe(`'o\\'n'@'10.%'`);
  });
});

describe('MYSQL_SPEC', () => {
  const parse = (fields: Record<string, unknown>) =>
    parseDatabaseSecret(MYSQL_SPEC, JSON.stringify(fields), 'prod/db', 'AWSCURRENT');
  const base = { engine: 'mariadb', host: 'db.example.com', username: 'app', password: 'pw' };

  it('accepts mysql, aurora-mysql and mariadb, on port 3306 and no database by default', () => {
    for (const engine of ['mysql', 'aurora-mysql', 'mariadb']) {
      const secret = parse({ ...base, engine });
      expect(secret.port).toBe(3306);
      expect(secret.dbname).toBeUndefined();
    }
  });

  it('refuses postgres and a user name over 80 characters, naming the limit', () => {
    expect(() => parse({ ...base, engine: 'postgres' })).toThrow(/mysql, aurora-mysql, mariadb/);
    expect(() => parse({ ...base, username: 'é'.repeat(81) })).toThrow(SecretFormatError);
    expect(() => parse({ ...base, username: 'é'.repeat(81) })).toThrow(/at most 80 characters \(MariaDB/);
    expect(parse({ ...base, username: 'é'.repeat(80) }).username).toHaveLength(80);
  });
});

describe('connectionOptions', () => {
  const target = { host: 'db.example.com', port: 3306, username: 'app', password: 'pw', dbname: undefined };

  it('verifies the certificate and the host name when TLS is on', () => {
    const options = connectionOptions(target, { ca: 'PEM' });
    expect(options.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true, verifyIdentity: true });
    expect(options.connectTimeout).toBe(5000);
    expect(options.multipleStatements).toBe(false);
  });

  it('uses no TLS at all when the secret says ssl false', () => {
    const options = connectionOptions(target, false);
    expect(options.ssl).toBeUndefined();
  });
});

describe('describeMysqlError', () => {
  it('says that a TLS login found no TLS, and that no plaintext attempt was made', () => {
    const error = Object.assign(new Error('Server does not support secure connection'), {
      code: 'HANDSHAKE_NO_SSL_SUPPORT',
    });
    expect(describeMysqlError(error)).toMatch(/does not offer TLS.*"ssl".*no plaintext attempt/);
  });

  it('adds the error code', () => {
    const error = Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR' });
    expect(describeMysqlError(error)).toBe('Access denied (ER_ACCESS_DENIED_ERROR)');
  });
});
