import { SecretFormatError } from '../../../lambdas/core/errors';
import { parsePostgresSecret, withPassword } from '../../../lambdas/postgres/db-secret';

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

describe('parsePostgresSecret', () => {
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
    ['engine', { ...BASE, engine: 'mysql' }, /field "engine" must be one of postgres, aurora-postgresql, got "mysql"/],
    ['engine', { ...BASE, engine: undefined }, /field "engine".*got no such field/],
    ['host', { ...BASE, host: '' }, /field "host" must be a non-empty string, got a string/],
    ['username', { ...BASE, username: 42 }, /field "username" must be a non-empty string, got a number/],
    ['username', { ...BASE, username: 'u'.repeat(64) }, /field "username" must be at most 63 characters/],
    ['password', { ...BASE, password: null }, /field "password" must be a non-empty string, got null/],
    ['port', { ...BASE, port: 'abc' }, /field "port" must be an integer 1-65535/],
    ['port', { ...BASE, port: 70000 }, /field "port" must be an integer 1-65535/],
    ['port', { ...BASE, port: 5432.5 }, /field "port" must be an integer 1-65535/],
    ['dbname', { ...BASE, dbname: [] }, /field "dbname" must be a non-empty string, got an array/],
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

describe('withPassword', () => {
  it('keeps every other field, including ones we do not know', () => {
    const current = parse({ ...BASE, port: '5433', ssl: false, dbClusterIdentifier: 'c1', proxy: 'x' });
    expect(JSON.parse(withPassword(current, 'new-one'))).toEqual({
      ...BASE,
      port: '5433',
      ssl: false,
      dbClusterIdentifier: 'c1',
      proxy: 'x',
      password: 'new-one',
    });
  });
});
