import { parseDataApiSpec } from '../../../../local/rds-data';
import { redact } from '../../../../local/rds-data/errors';
import { bindMySql } from '../../../../local/rds-data/mysql-engine';
import { findPlaceholders } from '../../../../local/rds-data/named-parameters';
import { bindPostgres } from '../../../../local/rds-data/postgres-engine';
import type { ParameterValue } from '../../../../local/rds-data/wire-types';

const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:app';

describe('parseDataApiSpec', () => {
  it('splits <clusterArn>=<url> at the first "="', () => {
    expect(parseDataApiSpec(`${ARN}=postgres://127.0.0.1:5432/app?x=1`)).toEqual([
      ARN,
      'postgres://127.0.0.1:5432/app?x=1',
    ]);
  });

  it.each([
    ['no "="', ARN, /no "="/],
    ['an instance ARN', 'arn:aws:rds:us-east-1:123456789012:db:app=mysql://h/db', /cluster:<name>/],
    [
      'an unknown scheme',
      `${ARN}=mongodb://127.0.0.1/app`,
      /scheme must be postgres:\/\/ or mysql:\/\/, got "mongodb:\/\/"/,
    ],
    ['no URL', `${ARN}=`, /must be postgres:\/\/host:port\/db/],
  ])('rejects %s', (_what, spec, message) => {
    expect(() => parseDataApiSpec(spec)).toThrow(message);
  });

  it('rejects credentials in the URL without echoing them', () => {
    let message = '';
    try {
      parseDataApiSpec(`${ARN}=postgres://admin:hunter2-secret@127.0.0.1/app`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must not contain credentials/);
    expect(message).not.toContain('hunter2-secret');
  });
});

describe('findPlaceholders', () => {
  const names = (sql: string, engine: 'postgres' | 'mysql') => findPlaceholders(sql, engine).map((p) => p.name);

  it('skips literals, quoted identifiers, comments, dollar quotes and casts on PostgreSQL', () => {
    const sql = `SELECT ':a', ":b", $$ :c $$, $t$ :d $t$, x::int, E'\\' :e' -- :f
      /* :g */ FROM t WHERE id = :id AND n = :n_2`;
    expect(names(sql, 'postgres')).toEqual(['id', 'n_2']);
  });

  it('skips backticks, # comments and backslash escapes on MySQL', () => {
    const sql = 'SELECT `:a`, \'it\\\'s :b\', "q\\" :c" # :d\n FROM t WHERE id = :id';
    expect(names(sql, 'mysql')).toEqual(['id']);
  });
});

describe('binding', () => {
  const params = new Map<string, ParameterValue>([
    ['id', { kind: 'long', value: 7 }],
    ['name', { kind: 'string', value: 'x' }],
    ['ref', { kind: 'string', value: 'u', typeHint: 'UUID' }],
    ['gone', { kind: 'null' }],
  ]);

  it('numbers each PostgreSQL name once, typed as JDBC would send it', () => {
    const out = bindPostgres('SELECT :id, :name, :ref, :gone, :id, :unknown', params);
    expect(out).toEqual({
      text: 'SELECT $1::int8, $2::varchar, $3::uuid, $4, $1::int8, :unknown',
      values: ['7', 'x', 'u', null],
    });
  });

  it('gives MySQL one ? per occurrence', () => {
    expect(bindMySql('SELECT :id, :name, :id', params)).toEqual({ text: 'SELECT ?, ?, ?', values: [7, 'x', 7] });
  });
});

describe('redact', () => {
  it('masks every occurrence and ignores empty secrets', () => {
    expect(redact('pw1 and pw1 but not pw2', ['pw1', ''])).toBe('******** and ******** but not pw2');
  });
});
