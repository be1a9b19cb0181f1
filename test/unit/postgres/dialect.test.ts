import type { SqlRow, SqlSession, SqlValue } from '../../../lambdas/database/types';
import { POSTGRES_DIALECT, postgresCloneUsername } from '../../../lambdas/postgres/dialect';
import { alterPasswordSql, cutToBytes, literal } from '../../../lambdas/postgres/sql';
import { parseAclItem } from '../../support/pg-privileges';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** A session that records statements and answers role lookups from `roles` (by the first parameter). */
function fakeSession(roles: Record<string, SqlRow>, me: SqlRow) {
  const statements: { sql: string; params: readonly SqlValue[] }[] = [];
  const session: SqlSession = {
    username: 'admin',
    async query(sql: string, params: readonly SqlValue[] = []) {
      statements.push({ sql, params });
      if (sql.includes('rolname = current_user')) return [me];
      if (sql.includes('FROM pg_roles WHERE rolname = $1')) {
        const row = roles[String(params[0])];
        return row === undefined ? [] : [row];
      }
      return [];
    },
    transaction: (work) => work(session),
    close: async () => undefined,
  };
  return { session, statements };
}

const ROLE = {
  rolinherit: true,
  rolcreatedb: false,
  rolcreaterole: false,
  rolreplication: false,
  rolbypassrls: false,
  rolconnlimit: -1,
  rolsuper: false,
  version: 180000,
};

describe('POSTGRES_DIALECT', () => {
  describe('cloneUsername', () => {
    it('adds _clone to a name and strips it from a clone', () => {
      expect(POSTGRES_DIALECT.cloneUsername('app', 'postgres')).toBe('app_clone');
      expect(POSTGRES_DIALECT.cloneUsername('app_clone', 'aurora-postgresql')).toBe('app');
    });

    it('adds _clone to a name that is only the suffix, so that the pair still maps both ways', () => {
      expect(postgresCloneUsername('_clone')).toBe('_clone_clone');
      expect(postgresCloneUsername('_clone_clone')).toBe('_clone');
    });

    it('cuts a long ASCII name so that the clone is 63 bytes', () => {
      const name = 'a'.repeat(63);
      const clone = postgresCloneUsername(name);
      expect(clone).toBe(`${'a'.repeat(57)}_clone`);
      expect(bytes(clone)).toBe(63);
      // A cut name does not map back (the strategy uses AWSPREVIOUS for that).
      expect(postgresCloneUsername(clone)).toBe('a'.repeat(57));
    });

    it('cuts a multibyte name on a character boundary, within 63 bytes of UTF-8', () => {
      const name = `x${'名'.repeat(20)}`; // 1 + 60 bytes
      const clone = postgresCloneUsername(name);
      expect(bytes(clone)).toBeLessThanOrEqual(63);
      expect(clone).toBe(`x${'名'.repeat(18)}_clone`); // 1 + 54 + 6 = 61 bytes: a 19th 名 would make 64
      expect(clone).not.toContain('\uFFFD');
      const emoji = postgresCloneUsername('😀'.repeat(15)); // 4 bytes each, a surrogate pair in JavaScript
      expect(emoji).toBe(`${'😀'.repeat(14)}_clone`);
      expect(bytes(emoji)).toBe(62);
    });

    it('keeps a short name whole', () => {
      expect(postgresCloneUsername(`a'b"c \\ ü`)).toBe(`a'b"c \\ ü_clone`);
    });
  });

  describe('setOwnPassword', () => {
    it("runs ALTER ROLE on the session's own user with quoted name and password", async () => {
      const { session, statements } = fakeSession({}, ROLE);
      const own = { ...session, username: 'a"b' };
      await POSTGRES_DIALECT.setOwnPassword(own, `it's`);
      expect(statements.map((s) => s.sql)).toEqual([`ALTER ROLE "a""b" PASSWORD 'it''s'`]);
    });

    it("writes a password with a backslash as an E'' literal with doubled backslashes", () => {
      expect(alterPasswordSql('app', `a\\b'"$`)).toBe(`ALTER ROLE "app" PASSWORD E'a\\\\b''"$'`);
      expect(literal('$$')).toBe(`'$$'`);
    });
  });

  describe('userExists', () => {
    it('binds the name as a parameter', async () => {
      const { session, statements } = fakeSession({ "x'y": ROLE }, ROLE);
      expect(await POSTGRES_DIALECT.userExists(session, "x'y")).toBe(true);
      expect(await POSTGRES_DIALECT.userExists(session, 'nobody')).toBe(false);
      expect(statements[0]).toEqual({ sql: 'SELECT 1 FROM pg_roles WHERE rolname = $1', params: ["x'y"] });
    });
  });

  describe('upsertUser', () => {
    const like = { ...ROLE, rolinherit: false, rolcreatedb: true, rolreplication: true, rolconnlimit: 5 };

    it("creates a missing user with the other user's attributes the admin may set, and no membership", async () => {
      const { session, statements } = fakeSession({ app: like }, { ...ROLE, rolcreatedb: true });
      expect(await POSTGRES_DIALECT.upsertUser(session, 'app_clone', 'p', 'app')).toBe('created');
      const sql = statements.map((s) => s.sql);
      expect(sql).toContain(`CREATE ROLE "app_clone" LOGIN PASSWORD 'p' NOINHERIT CREATEDB CONNECTION LIMIT 5`);
      expect(sql.join('\n')).not.toMatch(/GRANT|REPLICATION|SUPERUSER/);
    });

    it('copies REPLICATION and BYPASSRLS for a superuser admin, never SUPERUSER', async () => {
      const { session, statements } = fakeSession(
        { app: { ...like, rolsuper: true, rolbypassrls: true } },
        { ...ROLE, rolsuper: true },
      );
      await POSTGRES_DIALECT.upsertUser(session, 'app_clone', 'p', 'app');
      expect(statements.at(-1)?.sql).toBe(
        `CREATE ROLE "app_clone" LOGIN PASSWORD 'p' NOINHERIT CREATEDB REPLICATION BYPASSRLS CONNECTION LIMIT 5`,
      );
    });

    it('sets the password of an existing user and only the attributes that differ', async () => {
      const { session, statements } = fakeSession(
        { app: like, app_clone: { ...like, rolcreatedb: false, rolconnlimit: 9 } },
        { ...ROLE, rolsuper: true },
      );
      expect(await POSTGRES_DIALECT.upsertUser(session, 'app_clone', `a\\'`, 'app')).toBe('updated');
      expect(statements.at(-1)?.sql).toBe(
        `ALTER ROLE "app_clone" LOGIN PASSWORD E'a\\\\''' CREATEDB CONNECTION LIMIT 5`,
      );
    });

    it('fails, naming the role, when the other user does not exist', async () => {
      const { session } = fakeSession({}, ROLE);
      await expect(POSTGRES_DIALECT.upsertUser(session, 'app_clone', 'p', 'app')).rejects.toThrow(
        'role app (whose attributes the new user copies) does not exist',
      );
    });
  });
});

describe('cutToBytes', () => {
  it('never splits a code point', () => {
    expect(cutToBytes('ü', 1)).toBe('');
    expect(cutToBytes('aü', 2)).toBe('a');
    expect(cutToBytes('aü', 3)).toBe('aü');
  });
});

describe('parseAclItem (the test fingerprint)', () => {
  it('reads quoted names, PUBLIC and grant options', () => {
    expect(parseAclItem('"a ""b"" ü"=r*w/"own er"')).toEqual({
      grantee: 'a "b" ü',
      privileges: [
        ['SELECT', true],
        ['UPDATE', false],
      ],
      grantor: 'own er',
    });
    expect(parseAclItem('=X/postgres')).toEqual({ grantee: '', privileges: [['EXECUTE', false]], grantor: 'postgres' });
  });
});
