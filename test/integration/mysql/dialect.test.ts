import { type Connection, createConnection } from 'mysql2/promise';
import { Logger } from '../../../lambdas/core/logger';
import type { SqlSession } from '../../../lambdas/database/types';
import { MYSQL_DIALECT } from '../../../lambdas/mysql/dialect';
import { sharedMariaDb } from '../../support';
import { mysqlPrivileges } from '../../support/mysql-privileges';
import { ALL_PUNCTUATION, grantsOf, login, quoteName, rootSession, tryLogin, unique } from './mysql-fixture';

const server = sharedMariaDb();
const logger = new Logger('test', {}, 'SILENT');
const HOSTS = ['127.0.0.1', 'localhost'];

let root: SqlSession;
let raw: Connection;

beforeAll(async () => {
  root = await rootSession(server());
  raw = await createConnection({
    host: server().host,
    port: server().port,
    user: server().rootUser,
    password: server().rootPassword,
  });
});

afterAll(async () => {
  await root?.close();
  await raw?.end();
});

/** Both accounts' privileges, per host, read two independent ways: SHOW GRANTS and the grant tables. */
async function expectSamePrivileges(source: string, target: string, hosts = HOSTS): Promise<void> {
  for (const host of hosts) {
    expect(await grantsOf(root, target, host)).toEqual(await grantsOf(root, source, host));
  }
  const [left, right] = await Promise.all([mysqlPrivileges(raw, source), mysqlPrivileges(raw, target)]);
  expect(left.length).toBeGreaterThan(0);
  expect(right).toEqual(left);
}

async function hostsOf(user: string): Promise<string[]> {
  const rows = await root.query('SELECT Host AS host FROM mysql.user WHERE User = ? ORDER BY Host', [user]);
  return rows.map((row) => String(row.host));
}

/** A database with a table, a procedure and two roles, all named for this test. */
async function objects(prefix: string): Promise<{ db: string; roleA: string; roleB: string }> {
  const db = unique(`${prefix}db`);
  const roleA = unique(`${prefix}ra`);
  const roleB = unique(`${prefix}rb`);
  await root.query(`CREATE DATABASE ${quoteName(db)}`);
  await root.query(`CREATE TABLE ${quoteName(db)}.t (a int, \`b\`\`x\` int, c int)`);
  await root.query(`CREATE PROCEDURE ${quoteName(db)}.p() SELECT 1`);
  await root.query(`CREATE ROLE ${quoteName(roleA)}`);
  await root.query(`CREATE ROLE ${quoteName(roleB)}`);
  await root.query(`GRANT SELECT ON ${quoteName(db)}.* TO ${quoteName(roleA)}`);
  return { db, roleA, roleB };
}

describe('MYSQL_DIALECT.setOwnPassword', () => {
  const passwords = [
    ALL_PUNCTUATION,
    `a\\b\\\\c\\'d\\"e\\`,
    "'; DROP USER root; --",
    '?? ? :1 $1 %s',
    `p${ALL_PUNCTUATION}${ALL_PUNCTUATION}q\\`,
  ];

  it.each(passwords.map((password, index) => [index, password]))(
    'sets password %i: the new one logs in, the old one is refused',
    async (_index, password) => {
      const user = unique('own');
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Initial-pw-1']);
      const session = await login(server(), user, 'Initial-pw-1');
      try {
        await MYSQL_DIALECT.setOwnPassword(session, password as string);
      } finally {
        await session.close();
      }
      expect(await tryLogin(server(), user, password as string)).toBe('ok');
      expect(await tryLogin(server(), user, 'Initial-pw-1')).toBe('auth-failure');
    },
  );

  it('quotes for the session sql_mode when NO_BACKSLASH_ESCAPES and ANSI_QUOTES are on (as over the Data API)', async () => {
    const user = unique('ownmode');
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Initial-pw-1']);
    const session = await login(server(), user, 'Initial-pw-1');
    try {
      await session.query("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'");
      await MYSQL_DIALECT.setOwnPassword(session, ALL_PUNCTUATION);
    } finally {
      await session.close();
    }
    expect(await tryLogin(server(), user, ALL_PUNCTUATION)).toBe('ok');
  });
});

describe('MYSQL_DIALECT.upsertUser and syncPrivileges', () => {
  /** app@127.0.0.1 and app@localhost with different privileges, REQUIRE and limits on one host only. */
  async function sourceUser(): Promise<{ user: string; db: string; roleA: string; roleB: string }> {
    const { db, roleA, roleB } = await objects('s');
    const user = unique('app');
    const d = quoteName(db);
    await root.query('CREATE USER ?@? IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS 5', [user, '127.0.0.1', 'Source-pw-1']);
    await root.query('CREATE USER ?@? IDENTIFIED BY ? REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 7 MAX_STATEMENT_TIME 2.5', [
      user,
      'localhost',
      'Source-pw-1',
    ]);
    await root.query(`GRANT ALL PRIVILEGES ON ${d}.* TO ?@?`, [user, '127.0.0.1']);
    await root.query('GRANT PROCESS ON *.* TO ?@?', [user, '127.0.0.1']);
    await root.query(`GRANT SELECT (a, \`b\`\`x\`), INSERT ON ${d}.t TO ?@? WITH GRANT OPTION`, [user, 'localhost']);
    await root.query(`GRANT EXECUTE ON PROCEDURE ${d}.p TO ?@?`, [user, 'localhost']);
    await root.query(`GRANT ${quoteName(roleA)} TO ?@? WITH ADMIN OPTION`, [user, 'localhost']);
    await root.query(`SET DEFAULT ROLE ${quoteName(roleA)} FOR ?@?`, [user, 'localhost']);
    await root.query('GRANT PROXY ON ?@? TO ?@?', ['root', 'localhost', user, 'localhost']);
    return { user, db, roleA, roleB };
  }

  it('creates the other user on every host of the current one, never on an assumed %', async () => {
    const { user } = await sourceUser();
    const clone = MYSQL_DIALECT.cloneUsername(user, 'mariadb');

    expect(await MYSQL_DIALECT.upsertUser(root, clone, 'Clone-pw-1', user)).toBe('created');

    expect(await hostsOf(clone)).toEqual(HOSTS);
    expect(await tryLogin(server(), clone, 'Clone-pw-1')).toBe('ok');
    expect(await MYSQL_DIALECT.userExists(root, clone)).toBe(true);
  });

  it('copies REQUIRE and resource limits per host', async () => {
    const { user } = await sourceUser();
    const clone = `${user}_clone`;
    await MYSQL_DIALECT.upsertUser(root, clone, 'Clone-pw-1', user);
    const columns =
      'Host AS host, ssl_type, max_questions, max_user_connections, CAST(max_statement_time AS CHAR) AS mst';
    const read = (who: string) => root.query(`SELECT ${columns} FROM mysql.user WHERE User = ? ORDER BY Host`, [who]);
    expect(await read(clone)).toEqual(await read(user));
    expect((await read(clone)).map((row) => row.ssl_type)).toEqual(['', 'ANY']);
  });

  it('makes the privileges identical on each host, checked by SHOW GRANTS and by the grant tables', async () => {
    const { user } = await sourceUser();
    const clone = `${user}_clone`;
    await MYSQL_DIALECT.upsertUser(root, clone, 'Clone-pw-1', user);

    const result = await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger);

    expect(result.granted).toBeGreaterThan(0);
    expect(result.revoked).toBe(0);
    await expectSamePrivileges(user, clone);
  });

  it('revokes what the other user has and the current one has not, and a second run changes nothing', async () => {
    const { user, db, roleB } = await sourceUser();
    const clone = `${user}_clone`;
    const d = quoteName(db);
    await MYSQL_DIALECT.upsertUser(root, clone, 'Clone-pw-1', user);
    await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger);
    await root.query(`GRANT DELETE ON ${d}.* TO ?@?`, [clone, 'localhost']);
    await root.query(`GRANT UPDATE (c) ON ${d}.t TO ?@?`, [clone, 'localhost']);
    await root.query(`GRANT ${quoteName(roleB)} TO ?@?`, [clone, 'localhost']);
    await root.query(`SET DEFAULT ROLE ${quoteName(roleB)} FOR ?@?`, [clone, 'localhost']);
    await root.query('GRANT RELOAD ON *.* TO ?@? WITH GRANT OPTION', [clone, '127.0.0.1']);
    await root.query(`REVOKE ALL PRIVILEGES ON ${d}.* FROM ?@?`, [clone, '127.0.0.1']);
    await root.query(`GRANT SELECT ON ${d}.* TO ?@?`, [clone, '127.0.0.1']);

    const first = await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger);
    const second = await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger);

    expect(first.revoked).toBeGreaterThanOrEqual(6);
    expect(first.granted).toBeGreaterThan(0);
    await expectSamePrivileges(user, clone);
    expect(second).toEqual({ granted: 0, revoked: 0 });
  });

  it('sets the password of an existing user on every host and reports it as updated', async () => {
    const { user } = await sourceUser();
    const clone = `${user}_clone`;
    await MYSQL_DIALECT.upsertUser(root, clone, 'Clone-pw-1', user);

    expect(await MYSQL_DIALECT.upsertUser(root, clone, `New${ALL_PUNCTUATION}`, user)).toBe('updated');

    expect(await tryLogin(server(), clone, `New${ALL_PUNCTUATION}`)).toBe('ok');
    expect(await tryLogin(server(), clone, 'Clone-pw-1')).toBe('auth-failure');
    expect(await hostsOf(clone)).toEqual(HOSTS);
  });

  it('does not count a MariaDB role of that name as a user', async () => {
    const role = unique('onlyrole');
    await root.query(`CREATE ROLE ${quoteName(role)}`);
    expect(await MYSQL_DIALECT.userExists(root, role)).toBe(false);
    await expect(MYSQL_DIALECT.upsertUser(root, `${role}_clone`, 'pw-Abc-123', role)).rejects.toThrow(/does not exist/);
  });
});

describe('alternating rotation as a master without SUPER (issue #90)', () => {
  /** The privileges RDS gives its master user on MariaDB, WITH GRANT OPTION, and nothing more. */
  const RDS_MASTER =
    'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, ' +
    'CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, ' +
    'CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER';

  async function master(): Promise<{ session: SqlSession; name: string }> {
    const name = unique('master');
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [name, '127.0.0.1', 'Master-pw-1']);
    await root.query(`GRANT ${RDS_MASTER} ON *.* TO ?@? WITH GRANT OPTION`, [name, '127.0.0.1']);
    return { session: await login(server(), name, 'Master-pw-1'), name };
  }

  it('rotates the pair three times: each time the other user logs in and holds the same privileges', async () => {
    const { db } = await objects('m');
    const d = quoteName(db);
    const { session } = await master();
    const user = unique('pair');
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Pair-pw-0']);
    await root.query(`GRANT SELECT, INSERT ON ${d}.* TO ?@? WITH GRANT OPTION`, [user, '127.0.0.1']);
    await root.query(`GRANT UPDATE (a) ON ${d}.t TO ?@?`, [user, '127.0.0.1']);
    try {
      let current = user;
      const added = ['DELETE', 'INDEX', 'ALTER'];
      for (let rotation = 1; rotation <= 3; rotation += 1) {
        // A privilege given to the current user since the last rotation reaches the other one.
        await root.query(`GRANT ${added[rotation - 1]} ON ${d}.t TO ?@?`, [current, '127.0.0.1']);
        const other = MYSQL_DIALECT.cloneUsername(current, 'mariadb');
        const password = `Pair-pw-${rotation}${ALL_PUNCTUATION}`;
        await MYSQL_DIALECT.upsertUser(session, other, password, current);
        const result = await MYSQL_DIALECT.syncPrivileges(session, current, other, logger);
        expect(result.granted).toBeGreaterThan(0);
        expect(await tryLogin(server(), other, password)).toBe('ok');
        await expectSamePrivileges(current, other, ['127.0.0.1']);
        current = other;
      }
      expect(current).toBe(`${user}_clone`);
      expect(await grantsOf(root, current, '127.0.0.1')).toContain(
        `GRANT UPDATE (\`a\`), DELETE, INDEX, ALTER ON ${d}.\`t\` TO <grantee>`,
      );
    } finally {
      await session.close();
    }
  });

  it('names the privilege and the object of a grant the master cannot give, never the password', async () => {
    const { db } = await objects('n');
    const { session, name } = await master();
    const user = unique('super');
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Pw-Super-1']);
    await root.query(`GRANT FILE ON *.* TO ?@?`, [user, '127.0.0.1']);
    await root.query(`GRANT SELECT ON ${quoteName(db)}.* TO ?@?`, [user, '127.0.0.1']);
    try {
      await MYSQL_DIALECT.upsertUser(session, `${user}_clone`, 'Secret-pw-XYZ', user);
      const error = await MYSQL_DIALECT.syncPrivileges(session, user, `${user}_clone`, logger).catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/GRANT FILE ON \*\.\* TO/);
      expect(error.message).toContain(name);
      expect(error.message).not.toContain('Secret-pw-XYZ');
    } finally {
      await session.close();
    }
  });
});

describe('adversarial names', () => {
  const names = [
    "o'brien",
    'back\\slash',
    'two  spaces',
    'quote"double',
    'tick`name',
    'ünïcødé_日本',
    'x'.repeat(80), // cut to 74 below: the clone has the MariaDB maximum of 80 characters
    'mix\'\\` "?',
  ];

  it.each(names)('rotates %j to its clone with the same privileges on odd database and table names', async (name) => {
    const user = `${name}${unique('')}`.slice(0, 74);
    const db = `d'b\\${unique('`x')}`;
    await root.query(`CREATE DATABASE ${quoteName(db)}`);
    await root.query(`CREATE TABLE ${quoteName(db)}.${quoteName("t'a`b\\le")} (${quoteName('c o"l')} int)`);
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Start-pw-1']);
    await root.query(`GRANT SELECT ON ${quoteName(db)}.* TO ?@?`, [user, '127.0.0.1']);
    await root.query(`GRANT INSERT (${quoteName('c o"l')}) ON ${quoteName(db)}.${quoteName("t'a`b\\le")} TO ?@?`, [
      user,
      '127.0.0.1',
    ]);
    const clone = MYSQL_DIALECT.cloneUsername(user, 'mariadb');
    expect([...clone].length).toBeLessThanOrEqual(80);
    if (name.startsWith('xxx')) expect(clone).toHaveLength(80);

    await MYSQL_DIALECT.upsertUser(root, clone, ALL_PUNCTUATION, user);
    await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger);

    expect(await tryLogin(server(), clone, ALL_PUNCTUATION)).toBe('ok');
    await expectSamePrivileges(user, clone, ['127.0.0.1']);
    expect(await MYSQL_DIALECT.syncPrivileges(root, user, clone, logger)).toEqual({ granted: 0, revoked: 0 });
  });

  it('gives the same result when the session quotes with ANSI_QUOTES and NO_BACKSLASH_ESCAPES', async () => {
    const user = unique("an'\\si");
    const db = unique('d\\"b');
    await root.query(`CREATE DATABASE ${quoteName(db)}`);
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', 'Start-pw-1']);
    await root.query(`GRANT SELECT, CREATE ON ${quoteName(db)}.* TO ?@?`, [user, '127.0.0.1']);
    const session = await rootSession(server());
    try {
      await session.query("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'");
      await MYSQL_DIALECT.upsertUser(session, `${user}_clone`, ALL_PUNCTUATION, user);
      await MYSQL_DIALECT.syncPrivileges(session, user, `${user}_clone`, logger);
      expect(await MYSQL_DIALECT.syncPrivileges(session, user, `${user}_clone`, logger)).toEqual({
        granted: 0,
        revoked: 0,
      });
    } finally {
      await session.close();
    }
    expect(await tryLogin(server(), `${user}_clone`, ALL_PUNCTUATION)).toBe('ok');
    await expectSamePrivileges(user, `${user}_clone`, ['127.0.0.1']);
  });
});
