import { alterRolePasswordSql } from '../../../lambdas/postgres/alter-role';

describe('alterRolePasswordSql', () => {
  it('quotes a plain name and password', () => {
    expect(alterRolePasswordSql('app', 'abc')).toBe(`ALTER ROLE "app" PASSWORD 'abc'`);
  });

  it('doubles quotes in the identifier so a name cannot end it', () => {
    expect(alterRolePasswordSql('a"b; DROP TABLE x; --', 'p')).toBe(`ALTER ROLE "a""b; DROP TABLE x; --" PASSWORD 'p'`);
  });

  it('keeps upper case and spaces inside the quoted identifier', () => {
    expect(alterRolePasswordSql('App User', 'p')).toBe(`ALTER ROLE "App User" PASSWORD 'p'`);
  });

  it("doubles single quotes in the password and uses E'' with doubled backslashes when there is one", () => {
    expect(alterRolePasswordSql('app', "it's")).toBe(`ALTER ROLE "app" PASSWORD 'it''s'`);
    expect(alterRolePasswordSql('app', "a\\b'")).toBe(`ALTER ROLE "app" PASSWORD E'a\\\\b'''`);
  });
});
