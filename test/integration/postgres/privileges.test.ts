import { Client, escapeLiteral, escapeIdentifier as q } from 'pg';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import type { SqlRow, SqlSession, SqlValue } from '../../../lambdas/database/types';
import { POSTGRES_DIALECT } from '../../../lambdas/postgres/dialect';
import { cutToBytes } from '../../../lambdas/postgres/sql';
import { type PostgresServer, sharedPostgres } from '../../support';
import { pgPrivilegePair, pgPrivileges } from '../../support/pg-privileges';

/**
 * syncPrivileges against a real PostgreSQL: a rich scenario (memberships with options, database CONNECT revoked from
 * PUBLIC, schemas, tables, views, sequences, column grants, routines, types, domains, a language, a foreign data
 * wrapper and server, a large object, default privileges of both kinds), with adversarial names for the users and
 * the objects. The check is the independent catalog fingerprint in test/support/pg-privileges.ts.
 */
const pg = sharedPostgres();
const dialect = POSTGRES_DIALECT;
const lit = (value: string) => escapeLiteral(value).trimStart();

/** A pg Client as a SqlSession (what the direct driver does in production). */
function asSession(client: Client, username: string): SqlSession {
  const session: SqlSession = {
    username,
    async query(sql: string, params: readonly SqlValue[] = []): Promise<readonly SqlRow[]> {
      return (await client.query(sql, params as SqlValue[])).rows as SqlRow[];
    },
    async transaction<T>(work: (s: SqlSession) => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const result = await work(session);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    async close(): Promise<void> {
      await client.end().catch(() => undefined);
    },
  };
  return session;
}

async function connect(server: PostgresServer, user: string, password: string, database = 'postgres'): Promise<Client> {
  const client = new Client({ host: server.host, port: server.port, user, password, database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function run(client: Client, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await client.query(sql);
}

const warnings: string[] = [];
let restoreSink: ((line: string) => void) | undefined;
beforeAll(() => {
  restoreSink = setLogSink((line) => {
    if (JSON.parse(line).level === 'WARN') warnings.push(line);
  });
});
afterAll(() => {
  if (restoreSink !== undefined) setLogSink(restoreSink);
});
beforeEach(() => {
  warnings.length = 0;
});
const logger = new Logger('privileges-test', {}, 'DEBUG');

let counter = 0;
/** Names for one scenario: unique per test (roles are cluster-wide), adversarial, at most 63 bytes. */
function names(style: 'plain' | 'adversarial') {
  counter += 1;
  const n = counter;
  const name = (base: string) => cutToBytes(`${n}${base}`, 63);
  const source = style === 'plain' ? `app${n}` : cutToBytes(`${n} a'p"p \\ ü名 ${'é'.repeat(40)}`, 63);
  return {
    source,
    target: dialect.cloneUsername(source, 'postgres'),
    owner: name(` own"er \\ ü`),
    groupA: name(` grp 'a' 名`),
    groupB: name(` grp\\b`),
    groupC: name(` grp "c"`),
    database: name(` db "x" ü`),
    schema: name(` s "1" ü`),
    table: `t'1 "ü"`,
    func: `f"x" ü`,
    fdw: name(` w "1"`),
    server: name(` srv 'x'`),
  };
}
type Names = ReturnType<typeof names>;

/** Cluster roles and a database owned by `owner`; `source` with attributes; `admin` may be a CREATEROLE master. */
async function createScenario(server: PostgresServer, x: Names, master?: string): Promise<{ lo: number }> {
  const su = await connect(server, server.user, server.password);
  try {
    await run(su, [
      `CREATE ROLE ${q(x.owner)} NOLOGIN`,
      `CREATE ROLE ${q(x.groupA)} NOLOGIN`,
      `CREATE ROLE ${q(x.groupB)} NOLOGIN`,
      `CREATE ROLE ${q(x.groupC)} NOLOGIN`,
      `CREATE ROLE ${q(x.source)} LOGIN PASSWORD 'source-pw' CREATEDB CONNECTION LIMIT 7`,
      `CREATE DATABASE ${q(x.database)} OWNER ${q(x.owner)}`,
      `REVOKE CONNECT, TEMPORARY ON DATABASE ${q(x.database)} FROM PUBLIC`,
      `GRANT CONNECT ON DATABASE ${q(x.database)} TO ${q(x.source)}`,
      `GRANT TEMPORARY ON DATABASE ${q(x.database)} TO ${q(x.source)} WITH GRANT OPTION`,
      `GRANT ${q(x.groupA)} TO ${q(x.source)} WITH ADMIN TRUE`,
      `GRANT ${q(x.groupB)} TO ${q(x.source)} WITH INHERIT FALSE`,
      `GRANT ${q(x.groupC)} TO ${q(x.owner)} WITH ADMIN TRUE`,
      `ALTER ROLE ${q(x.source)} SET search_path = ${q(x.schema)}, public`,
      `ALTER ROLE ${q(x.source)} IN DATABASE ${q(x.database)} SET statement_timeout = '5s'`,
      `ALTER ROLE ${q(x.source)} SET application_name = ${lit(`it's \\ "x"`)}`,
      `ALTER ROLE ${q(x.source)} IN DATABASE postgres SET role = ${lit(x.groupA)}`,
    ]);
    if (master !== undefined) {
      // What an RDS master looks like: CREATEROLE (PostgreSQL 16+ rules: ADMIN on the roles it manages), a member of
      // the role that owns the objects, USAGE WITH GRANT OPTION on what a superuser owns.
      await run(su, [
        `GRANT ${q(x.owner)} TO ${q(master)} WITH INHERIT TRUE, SET TRUE`,
        ...[x.groupA, x.groupB, x.groupC, x.source].map(
          (role) =>
            `GRANT ${q(role)} TO ${q(master)} WITH ADMIN TRUE, INHERIT ${role === x.source ? 'TRUE' : 'FALSE'}, SET TRUE`,
        ),
      ]);
    }
  } finally {
    await su.end();
  }
  const db = await connect(server, server.user, server.password, x.database);
  try {
    const s = q(x.schema);
    const t = `${s}.${q(x.table)}`;
    const f = `${s}.${q(x.func)}(integer, text)`;
    const src = q(x.source);
    await run(db, [
      `CREATE SCHEMA ${s} AUTHORIZATION ${q(x.owner)}`,
      `CREATE FOREIGN DATA WRAPPER ${q(x.fdw)}`,
      `CREATE SERVER ${q(x.server)} FOREIGN DATA WRAPPER ${q(x.fdw)}`,
      `SET ROLE ${q(x.owner)}`,
      `CREATE TABLE ${t} ("c 1" int, "c\\2" text, id serial)`,
      `CREATE VIEW ${s}."v'1" AS SELECT "c 1" FROM ${t}`,
      `CREATE MATERIALIZED VIEW ${s}.m AS SELECT 1 AS one`,
      `CREATE SEQUENCE ${s}."q ü"`,
      `CREATE FUNCTION ${f} RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      `CREATE PROCEDURE ${s}."p\\1"() LANGUAGE sql AS ''`,
      `CREATE TYPE ${s}."ty'pe" AS ENUM ('a')`,
      `CREATE DOMAIN ${s}."dom ü" AS int`,
      `REVOKE EXECUTE ON FUNCTION ${f} FROM PUBLIC`,
      `REVOKE USAGE ON TYPE ${s}."ty'pe" FROM PUBLIC`,
      `GRANT USAGE ON SCHEMA ${s} TO ${src}`,
      `GRANT CREATE ON SCHEMA ${s} TO ${src} WITH GRANT OPTION`,
      `GRANT SELECT, INSERT ON ${t} TO ${src}`,
      `GRANT UPDATE ON ${t} TO ${src} WITH GRANT OPTION`,
      `GRANT SELECT ("c 1"), UPDATE ("c\\2") ON ${t} TO ${src}`,
      `GRANT REFERENCES ("c 1") ON ${t} TO ${src} WITH GRANT OPTION`,
      `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
      `CREATE POLICY "pol 'a' ü" ON ${t} TO ${src} USING (true)`,
      `GRANT SELECT ON ${s}."v'1", ${s}.m TO ${src}`,
      `GRANT USAGE, SELECT ON SEQUENCE ${s}."q ü" TO ${src}`,
      `GRANT EXECUTE ON FUNCTION ${f} TO ${src}`,
      `GRANT EXECUTE ON PROCEDURE ${s}."p\\1"() TO ${src} WITH GRANT OPTION`,
      `GRANT USAGE ON TYPE ${s}."ty'pe" TO ${src}`,
      `GRANT USAGE ON DOMAIN ${s}."dom ü" TO ${src}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${src}`,
      `ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO ${src} WITH GRANT OPTION`,
      'RESET ROLE',
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} GRANT SELECT ON TABLES TO ${q(x.groupA)}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} REVOKE TRUNCATE ON TABLES FROM ${src}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} IN SCHEMA ${s} GRANT USAGE ON SEQUENCES TO ${q(x.groupB)}`,
      `GRANT USAGE ON LANGUAGE plpgsql TO ${src}`,
      `GRANT USAGE ON FOREIGN DATA WRAPPER ${q(x.fdw)} TO ${src}`,
      `GRANT USAGE ON FOREIGN SERVER ${q(x.server)} TO ${src}`,
      // An object the source owns: its owner rights are no ACL entry, and the clone gets nothing from it.
      `SET ROLE ${src}`,
      `CREATE TABLE ${s}."own t" (x int)`,
      `GRANT SELECT ON ${s}."own t" TO ${q(x.groupC)}`,
      'RESET ROLE',
    ]);
    if (master !== undefined) {
      await run(db, [
        `GRANT USAGE ON LANGUAGE plpgsql TO ${q(master)} WITH GRANT OPTION`,
        `GRANT USAGE ON FOREIGN DATA WRAPPER ${q(x.fdw)} TO ${q(master)} WITH GRANT OPTION`,
        `GRANT USAGE ON FOREIGN SERVER ${q(x.server)} TO ${q(master)} WITH GRANT OPTION`,
      ]);
    }
    await db.query(`SET ROLE ${q(x.owner)}`);
    const lo = Number((await db.query('SELECT lo_create(0)::int8 AS oid')).rows[0].oid);
    await run(db, [`GRANT SELECT ON LARGE OBJECT ${lo} TO ${src}`, 'RESET ROLE']);
    return { lo };
  } finally {
    await db.end();
  }
}

/** Privileges the target holds and the source does not, granted by `admin` (superuser or master). */
function targetExtras(x: Names): string[] {
  const s = q(x.schema);
  const t = `${s}.${q(x.table)}`;
  const tgt = q(x.target);
  return [
    `GRANT ${q(x.groupC)} TO ${tgt}`,
    // AWS's function makes the clone a member of the current user; the sync undoes that.
    `GRANT ${q(x.source)} TO ${tgt}`,
    `GRANT ${q(x.groupB)} TO ${tgt} WITH INHERIT TRUE, ADMIN TRUE`,
    `GRANT CREATE ON DATABASE ${q(x.database)} TO ${tgt}`,
    `GRANT DELETE ON ${t} TO ${tgt}`,
    `GRANT SELECT, INSERT ON ${t} TO ${tgt} WITH GRANT OPTION`,
    `GRANT INSERT ("c 1") ON ${t} TO ${tgt}`,
    `GRANT CREATE ON SCHEMA ${s} TO ${tgt} WITH GRANT OPTION`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${q(x.owner)} GRANT SELECT ON SEQUENCES TO ${tgt}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${tgt} GRANT INSERT ON TABLES TO ${q(x.groupC)}`,
    // Granted by other roles: REVOKE removes only its grantor's entry, so the sync must act as each grantor.
    `SET ROLE ${q(x.owner)}`,
    `GRANT ${q(x.groupC)} TO ${tgt}`,
    `CREATE POLICY "pol b" ON ${t} TO ${tgt}, ${q(x.groupC)} USING (false)`,
    'RESET ROLE',
    `ALTER ROLE ${tgt} SET work_mem = '8MB'`,
    `ALTER ROLE ${tgt} IN DATABASE ${q(x.database)} SET statement_timeout = '1s'`,
    `SET ROLE ${q(x.owner)}`,
    `GRANT USAGE ON SCHEMA ${s} TO ${q(x.groupA)}`,
    `GRANT TRIGGER ON ${t} TO ${q(x.groupA)} WITH GRANT OPTION`,
    `SET ROLE ${q(x.groupA)}`,
    `GRANT TRIGGER ON ${t} TO ${tgt}`,
    'RESET ROLE',
  ];
}

async function fingerprints(server: PostgresServer, x: Names): Promise<[string[], string[]]> {
  const db = await connect(server, server.user, server.password, x.database);
  try {
    return await pgPrivilegePair(db, x.source, x.target);
  } finally {
    await db.end();
  }
}

type Admin = { user: string; password: string };

async function sync(server: PostgresServer, admin: Admin, x: Names) {
  const client = await connect(server, admin.user, admin.password, x.database);
  const session = asSession(client, admin.user);
  try {
    return await session.transaction((tx) => dialect.syncPrivileges(tx, x.source, x.target, logger));
  } finally {
    await session.close();
  }
}

async function asAdmin(server: PostgresServer, admin: Admin, x: Names, statements: readonly string[]): Promise<void> {
  const client = await connect(server, admin.user, admin.password, x.database);
  try {
    await run(client, statements);
  } finally {
    await client.end();
  }
}

async function upsert(server: PostgresServer, admin: Admin, x: Names, password: string) {
  const client = await connect(server, admin.user, admin.password, x.database);
  const session = asSession(client, admin.user);
  try {
    return await dialect.upsertUser(session, x.target, password, x.source);
  } finally {
    await session.close();
  }
}

async function createMaster(server: PostgresServer): Promise<Admin> {
  const user = `master ${++counter} "m" ü`;
  const password = `m'\\"${counter}`;
  const su = await connect(server, server.user, server.password);
  try {
    await run(su, [
      `CREATE ROLE ${q(user)} LOGIN CREATEROLE CREATEDB PASSWORD ${lit(password)}`,
      // So that the master may run ALTER DEFAULT PRIVILEGES FOR ROLE <the clone it creates> (needs its privileges).
      `ALTER ROLE ${q(user)} SET createrole_self_grant = 'set, inherit'`,
    ]);
  } finally {
    await su.end();
  }
  return { user, password };
}

/** Changes to the source's privileges between two rotations. */
function sourceChanges(x: Names, lo: number): string[] {
  const s = q(x.schema);
  const t = `${s}.${q(x.table)}`;
  const src = q(x.source);
  return [
    `REVOKE UPDATE ON ${t} FROM ${src}`,
    `GRANT DELETE, TRUNCATE ON ${t} TO ${src}`,
    `REVOKE GRANT OPTION FOR CREATE ON SCHEMA ${s} FROM ${src}`,
    `REVOKE SELECT ON LARGE OBJECT ${lo} FROM ${src}`,
    `GRANT UPDATE ON LARGE OBJECT ${lo} TO ${src}`,
    `REVOKE ${q(x.groupB)} FROM ${src}`,
    `GRANT ${q(x.groupC)} TO ${src} WITH ADMIN TRUE, INHERIT FALSE`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${q(x.owner)} IN SCHEMA ${s} REVOKE SELECT ON TABLES FROM ${src}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} GRANT EXECUTE ON FUNCTIONS TO PUBLIC`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} GRANT USAGE ON TYPES TO ${q(x.groupA)} WITH GRANT OPTION`,
    `GRANT TEMPORARY ON DATABASE ${q(x.database)} TO ${src}`,
    `ALTER POLICY "pol 'a' ü" ON ${t} TO ${q(x.groupA)}`,
    `ALTER ROLE ${src} RESET application_name`,
    `ALTER ROLE ${src} SET search_path = "$user", ${q(x.schema)}`,
    `CREATE POLICY "pol c" ON ${t} TO PUBLIC, ${src} USING (true)`,
    // The source's future tables readable by the target -> the target's readable by the source.
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${src} GRANT SELECT ON TABLES TO ${q(x.target)}`,
  ];
}

describe('POSTGRES_DIALECT.syncPrivileges', () => {
  for (const style of ['plain', 'adversarial'] as const) {
    for (const adminKind of ['superuser', 'CREATEROLE master'] as const) {
      it(`makes the clone's privileges identical, revokes its extras and re-syncs changes (${style} names, ${adminKind})`, async () => {
        const server = pg();
        const master = adminKind === 'superuser' ? undefined : await createMaster(server);
        const admin: Admin = master ?? { user: server.user, password: server.password };
        const x = names(style);
        const { lo } = await createScenario(server, x, master?.user);
        const password = `p'"\\$ ${x.target}`;
        expect(await upsert(server, admin, x, password)).toBe('created');
        await asAdmin(server, admin, x, targetExtras(x));

        const first = await sync(server, admin, x);
        const [source, target] = await fingerprints(server, x);
        expect(target).toEqual(source);
        expect(first.granted).toBeGreaterThan(15);
        expect(first.revoked).toBeGreaterThanOrEqual(8);
        expect(source).toEqual(
          expect.arrayContaining([
            `member of role:${x.groupA} admin=true inherit=true set=true`,
            `member of role:${x.groupB} admin=false inherit=false set=true`,
            `database ${x.database} | CONNECT`,
            `database ${x.database} | TEMPORARY WITH GRANT OPTION`,
            `large object ${lo} | SELECT`,
            `setting in ${x.database}: statement_timeout=5s`,
            `own default in * on r to role:${x.groupA} | SELECT`,
          ]),
        );
        expect(source.join('\n')).not.toMatch(/own t/);
        expect(warnings).toEqual([]);

        expect(await sync(server, admin, x)).toEqual({ granted: 0, revoked: 0 });

        const su = await connect(server, server.user, server.password, x.database);
        await run(su, sourceChanges(x, lo)).finally(() => su.end());
        const second = await sync(server, admin, x);
        expect(second.granted).toBeGreaterThan(0);
        expect(second.revoked).toBeGreaterThan(0);
        const [source2, target2] = await fingerprints(server, x);
        expect(target2).toEqual(source2);
        expect(source2).not.toEqual(source);
        expect(await sync(server, admin, x)).toEqual({ granted: 0, revoked: 0 });
        expect(warnings).toEqual([]);

        // The clone really works: it logs into the database (CONNECT was revoked from PUBLIC) and reads the table.
        const clone = await connect(server, x.target, password, x.database);
        try {
          // Unqualified: the source's search_path setting was copied.
          const rows = await clone.query(`SELECT count(*)::int4 AS n FROM ${q(x.table)}`);
          expect(rows.rows[0].n).toBe(0);
        } finally {
          await clone.end();
        }
      });
    }
  }

  it('skips a membership the admin cannot grant and logs a warning naming the role', async () => {
    const server = pg();
    const master = await createMaster(server);
    const x = names('adversarial');
    const foreign = cutToBytes(`${counter} grp "no admin" ü`, 63);
    const su = await connect(server, server.user, server.password);
    try {
      await run(su, [
        `CREATE ROLE ${q(foreign)} NOLOGIN`,
        `CREATE ROLE ${q(x.source)} LOGIN`,
        `GRANT ${q(x.source)} TO ${q(master.user)} WITH ADMIN TRUE, SET TRUE`,
        `GRANT ${q(foreign)} TO ${q(x.source)}`,
      ]);
    } finally {
      await su.end();
    }
    const session = asSession(await connect(server, master.user, master.password), master.user);
    try {
      await dialect.upsertUser(session, x.target, 'pw', x.source);
      const result = await session.transaction((tx) => dialect.syncPrivileges(tx, x.source, x.target, logger));
      expect(result).toEqual({ granted: 0, revoked: 0 });
    } finally {
      await session.close();
    }
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({ role: foreign, to: x.target });
    const client = await connect(server, server.user, server.password);
    try {
      const [source, target] = await pgPrivilegePair(client, x.source, x.target);
      expect(source.filter((line) => !target.includes(line))).toEqual([
        `member of role:${foreign} admin=false inherit=true set=true`,
      ]);
    } finally {
      await client.end();
    }
  });

  it('rolls back everything when a statement fails inside the transaction', async () => {
    const server = pg();
    const x = names('plain');
    await createScenario(server, x);
    const admin = { user: server.user, password: server.password };
    await upsert(server, admin, x, 'pw');
    const [, before] = await fingerprints(server, x);
    const client = await connect(server, admin.user, admin.password, x.database);
    const session = asSession(client, admin.user);
    try {
      await expect(
        session.transaction(async (tx) => {
          await dialect.syncPrivileges(tx, x.source, x.target, logger);
          await tx.query('SELECT 1/0');
        }),
      ).rejects.toThrow(/division by zero/);
    } finally {
      await session.close();
    }
    const [, after] = await fingerprints(server, x);
    expect(after).toEqual(before);
  });

  it('refuses a source role that does not exist', async () => {
    const server = pg();
    const session = asSession(await connect(server, server.user, server.password), server.user);
    try {
      await expect(dialect.syncPrivileges(session, 'no such role "x"', server.user, logger)).rejects.toThrow(
        /role no such role "x" \(the privileges to copy\) does not exist/,
      );
    } finally {
      await session.close();
    }
  });
});

describe('POSTGRES_DIALECT users and passwords', () => {
  const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

  it('sets its own password with every punctuation character, and that password logs in', async () => {
    const server = pg();
    const user = cutToBytes(`${++counter} u'"\\ ü ${'名'.repeat(30)}`, 63);
    const su = await connect(server, server.user, server.password);
    await su.query(`CREATE ROLE ${q(user)} LOGIN PASSWORD 'first'`).finally(() => su.end());
    const session = asSession(await connect(server, user, 'first'), user);
    const password = `${PUNCTUATION} E'\\x41' $$ $a$ ü`;
    try {
      await dialect.setOwnPassword(session, password);
    } finally {
      await session.close();
    }
    const again = await connect(server, user, password);
    expect((await again.query('SELECT current_user AS me')).rows[0].me).toBe(user);
    await again.end();
    await expect(connect(server, user, 'first')).rejects.toMatchObject({ code: '28P01' });
  });

  it('creates the clone with the attributes of the other user, never as its member, and updates it when it exists', async () => {
    const server = pg();
    const x = names('adversarial');
    const su = await connect(server, server.user, server.password);
    const session = asSession(su, server.user);
    try {
      await su.query(
        `CREATE ROLE ${q(x.source)} LOGIN NOINHERIT CREATEDB CREATEROLE REPLICATION BYPASSRLS CONNECTION LIMIT 3`,
      );
      expect(await dialect.userExists(session, x.target)).toBe(false);
      expect(await dialect.upsertUser(session, x.target, `${PUNCTUATION}1`, x.source)).toBe('created');
      expect(await dialect.userExists(session, x.target)).toBe(true);
      expect(await dialect.upsertUser(session, x.target, `${PUNCTUATION}2`, x.source)).toBe('updated');
      const [source, target] = await pgPrivilegePair(su, x.source, x.target);
      expect(target).toEqual(source);
      expect(source).toContain('attribute rolreplication=true');
      const members = await su.query('SELECT count(*)::int4 AS n FROM pg_auth_members WHERE member = $1::regrole', [
        q(x.target),
      ]);
      expect(members.rows[0].n).toBe(0);
      // A changed attribute of the other user reaches the clone on the next upsert.
      await su.query(`ALTER ROLE ${q(x.source)} INHERIT NOCREATEDB CONNECTION LIMIT -1`);
      expect(await dialect.upsertUser(session, x.target, `${PUNCTUATION}3`, x.source)).toBe('updated');
      expect(await pgPrivileges(su, x.target, x.source)).toEqual(await pgPrivileges(su, x.source, x.target));
    } finally {
      await session.close();
    }
    const clone = await connect(server, x.target, `${PUNCTUATION}3`);
    await clone.end();
  });

  it('lets a CREATEROLE master copy only the attributes it holds itself', async () => {
    const server = pg();
    const master = await createMaster(server);
    const x = names('plain');
    const su = await connect(server, server.user, server.password);
    await su.query(`CREATE ROLE ${q(x.source)} LOGIN CREATEDB REPLICATION BYPASSRLS`).finally(() => su.end());
    const session = asSession(await connect(server, master.user, master.password), master.user);
    try {
      expect(await dialect.upsertUser(session, x.target, 'pw', x.source)).toBe('created');
      const rows = await session.query(
        'SELECT rolcreatedb, rolreplication, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = $1',
        [x.target],
      );
      expect(rows[0]).toEqual({ rolcreatedb: true, rolreplication: false, rolbypassrls: false, rolsuper: false });
      expect(await dialect.upsertUser(session, x.target, 'pw2', x.source)).toBe('updated');
    } finally {
      await session.close();
    }
  });
});
