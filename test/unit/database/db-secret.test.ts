import { SecretFormatError } from '../../../lambdas/core/errors';
import {
  type EngineSpec,
  parseDatabaseSecret,
  parseMasterSecret,
  withCredentials,
} from '../../../lambdas/database/db-secret';
import { MYSQL_SPEC } from '../../../lambdas/mysql/spec';
import { POSTGRES_SPEC } from '../../../lambdas/postgres/spec';

const parsePostgresSecret = (text: string, name: string, stage: string) =>
  parseDatabaseSecret(POSTGRES_SPEC, text, name, stage);

const BASE = { engine: 'postgres', host: 'db.example.com', username: 'app', password: 'Sup3r$ecret-value' };
const parse = (value: unknown) => parsePostgresSecret(JSON.stringify(value), 'prod/db', 'AWSCURRENT');

function failure(value: unknown, raw?: string): SecretFormatError {
  try {
    if (raw !== undefined) parsePostgresSecret(raw, 'prod/db', 'AWSCURRENT');
    else parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretFormatError);
    return error as SecretFormatError;
  }
  throw new Error('expected a SecretFormatError');
}

describe('parseDatabaseSecret (PostgreSQL spec)', () => {
  it('applies the documented defaults: port 5432, dbname postgres, TLS on', () => {
    const secret = parse(BASE);
    expect(secret).toMatchObject({ port: 5432, dbname: 'postgres', ssl: true, engine: 'postgres', username: 'app' });
  });

  it('accepts aurora-postgresql, a port as a number or a string, and ssl as a boolean or a string', () => {
    expect(parse({ ...BASE, engine: 'aurora-postgresql', port: 6543 }).port).toBe(6543);
    expect(parse({ ...BASE, port: '6543' }).port).toBe(6543);
    expect(parse({ ...BASE, ssl: false }).ssl).toBe(false);
    expect(parse({ ...BASE, ssl: 'false' }).ssl).toBe(false);
    expect(parse({ ...BASE, ssl: 'true', dbname: 'orders' })).toMatchObject({ ssl: true, dbname: 'orders' });
  });

  it.each([
    [
      'engine',
      { ...BASE, engine: 'mysql' },
      /field "engine" must be one of postgres, aurora-postgresql for the PostgreSQL function, got "mysql"/,
    ],
    ['engine', { ...BASE, engine: undefined }, /field "engine".*got no such field/],
    ['host', { ...BASE, host: '' }, /field "host" must be a non-empty string, got a string/],
    ['username', { ...BASE, username: 42 }, /field "username" must be a non-empty string, got a number/],
    ['username', { ...BASE, username: 'u'.repeat(64) }, /field "username" must be at most 63 bytes/],
    ['username', { ...BASE, username: 'é'.repeat(32) }, /field "username" must be at most 63 bytes/],
    ['masterarn', { ...BASE, masterarn: 7 }, /field "masterarn" must be a non-empty string when present, got a number/],
    ['password', { ...BASE, password: null }, /field "password" must be a non-empty string, got null/],
    ['port', { ...BASE, port: 'abc' }, /field "port" must be an integer 1-65535/],
    ['port', { ...BASE, port: 70000 }, /field "port" must be an integer 1-65535/],
    ['port', { ...BASE, port: 5432.5 }, /field "port" must be an integer 1-65535/],
    ['dbname', { ...BASE, dbname: [] }, /field "dbname" must be a non-empty string when present, got an array/],
    ['ssl', { ...BASE, ssl: 'require' }, /field "ssl" must be true or false/],
  ])('rejects a bad %s, naming the secret and the field', (_field, value, message) => {
    const error = failure(value);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('secret prod/db (AWSCURRENT)');
    expect(error.message).not.toContain(BASE.password);
  });

  it('rejects JSON that is not an object without echoing it', () => {
    expect(failure(undefined, 'Sup3r$ecret-value').message).toMatch(/must be a JSON object/);
    expect(failure(undefined, 'Sup3r$ecret-value').message).not.toContain('Sup3r');
    expect(failure(['a']).message).toMatch(/must be a JSON object/);
  });

  it('never echoes a password put in the wrong field', () => {
    const error = failure({ ...BASE, port: 'Sup3r$ecret-value' });
    expect(error.message).not.toContain('Sup3r');
  });
});

describe('withCredentials', () => {
  it('keeps every other field, including ones we do not know', () => {
    const current = parse({ ...BASE, port: '5433', ssl: false, dbClusterIdentifier: 'c1', proxy: 'x' });
    expect(JSON.parse(withCredentials(current, 'app', 'new-one'))).toEqual({
      ...BASE,
      port: '5433',
      ssl: false,
      dbClusterIdentifier: 'c1',
      proxy: 'x',
      password: 'new-one',
    });
  });
});

describe('AWS documented formats', () => {
  it('reads the RDS PostgreSQL alternating-users secret AWS documents, unchanged', () => {
    const secret = parse({
      engine: 'postgres',
      host: 'mydb.123456789012.us-east-1.rds.amazonaws.com',
      username: 'app',
      password: 'x',
      dbname: 'orders',
      port: '5432',
      masterarn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf',
    });
    expect(secret).toMatchObject({ port: 5432, dbname: 'orders', masterarn: expect.stringContaining(':master-') });
  });

  it('counts characters, not bytes, when the engine does (MySQL / MariaDB)', () => {
    const spec: EngineSpec = {
      ...POSTGRES_SPEC,
      engines: ['mariadb'],
      maxUsernameLength: 80,
      usernameLimitUnit: 'characters',
    };
    const value = { ...BASE, engine: 'mariadb', username: 'é'.repeat(80) };
    expect(parseDatabaseSecret(spec, JSON.stringify(value), 'n', 'AWSCURRENT').username).toHaveLength(80);
  });

  it('refuses a MySQL user name with a character beyond U+FFFF (utf8mb3 would turn it into ?)', () => {
    const value = JSON.stringify({ ...BASE, engine: 'mariadb', username: 'app😀' });
    expect(() => parseDatabaseSecret(MYSQL_SPEC, value, 'n', 'AWSCURRENT')).toThrow(
      /field "username" must be free of characters beyond U\+FFFF such as emoji \(MySQL stores user names in utf8mb3\)/,
    );
    expect(parse({ ...BASE, username: 'app😀' }).username).toBe('app😀');
  });
});

describe('parseMasterSecret', () => {
  const user = parse({ ...BASE, port: 6543, dbname: 'orders', ssl: false, dbClusterIdentifier: 'c1' });
  const master = (value: unknown) =>
    parseMasterSecret(POSTGRES_SPEC, JSON.stringify(value), 'arn:master', user, 'prod/db');

  it('takes host, port, engine, dbname and ssl from the user secret for an RDS-managed {username, password}', () => {
    expect(master({ username: 'root', password: 'm' })).toMatchObject({
      host: 'db.example.com',
      port: 6543,
      dbname: 'orders',
      ssl: false,
      username: 'root',
      engine: 'postgres',
    });
  });

  it('refuses a master on another host, naming both secrets and the field', () => {
    expect(() => master({ username: 'root', password: 'm', host: 'other.example.com' })).toThrow(
      /master secret arn:master .*secret prod\/db.* field "host" is other.example.com but secret prod\/db is on db.example.com/,
    );
  });

  it('refuses a master without a password, without echoing anything', () => {
    expect(() => master({ username: 'root', password: '' })).toThrow(/field "password" must be a non-empty string/);
  });
});
