import type { DatabaseDialect, SqlRow, SqlSession } from '../database/types';
import { syncPrivileges } from './privileges';
import { alterPasswordSql, cutToBytes, ident, literal, MAX_NAME_BYTES } from './sql';

const CLONE_SUFFIX = '_clone';

/**
 * The other user of an alternating pair: `app` <-> `app_clone`. A name that ends in `_clone` (and is more than the
 * suffix) loses it; any other name gets it, after being cut on a character boundary so that the result is at most
 * 63 bytes of UTF-8 (NAMEDATALEN - 1 counts bytes, so a multibyte name is cut shorter in characters).
 *
 * A cut name does not map back: for a 60-byte `name`, `cloneUsername(name)` is the first 57 bytes plus `_clone`, and
 * `cloneUsername` of that is the 57-byte prefix, not `name`. The strategy therefore maps a clone back to the user in
 * AWSPREVIOUS when `cloneUsername(previous) === current`.
 */
export function postgresCloneUsername(username: string): string {
  if (username.endsWith(CLONE_SUFFIX) && username.length > CLONE_SUFFIX.length) {
    return username.slice(0, -CLONE_SUFFIX.length);
  }
  return `${cutToBytes(username, MAX_NAME_BYTES - CLONE_SUFFIX.length)}${CLONE_SUFFIX}`;
}

interface RoleAttributes {
  readonly inherit: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  readonly connlimit: number;
}

/** What CREATE ROLE gives when no clause says otherwise. */
const CREATE_ROLE_DEFAULTS: RoleAttributes = {
  inherit: true,
  createdb: false,
  createrole: false,
  replication: false,
  bypassrls: false,
  connlimit: -1,
};

function attributes(row: SqlRow): RoleAttributes {
  return {
    inherit: row.rolinherit === true,
    createdb: row.rolcreatedb === true,
    createrole: row.rolcreaterole === true,
    replication: row.rolreplication === true,
    bypassrls: row.rolbypassrls === true,
    connlimit: Number(row.rolconnlimit),
  };
}

const ROLE_COLUMNS = `rolinherit, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolconnlimit::int4,
  rolsuper, current_setting('server_version_num')::int4 AS version`;

/**
 * The attribute clauses that make `user` look like `like`, limited to what the admin may set: INHERIT and CONNECTION
 * LIMIT always; CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS only when the admin is a superuser or (PostgreSQL 16+;
 * CREATEDB and CREATEROLE also before) holds that attribute itself. SUPERUSER and VALID UNTIL are never copied:
 * a rotation function does not create superusers, and the new password of the clone should not inherit the
 * expiry of the other user's password. Only the clauses that change something (from `current`, or from CREATE ROLE's defaults).
 */
function attributeClauses(
  like: RoleAttributes,
  admin: RoleAttributes & { superuser: boolean; version: number },
  current?: RoleAttributes,
): string[] {
  const clauses: string[] = [];
  const before = current ?? CREATE_ROLE_DEFAULTS;
  const flag = (key: keyof Omit<RoleAttributes, 'connlimit'>, word: string, adminMaySet: boolean) => {
    if (before[key] === like[key]) return;
    if (key !== 'inherit' && !adminMaySet) return;
    clauses.push(like[key] ? word : `NO${word}`);
  };
  const modern = admin.version >= 160000;
  flag('inherit', 'INHERIT', true);
  flag('createdb', 'CREATEDB', admin.superuser || admin.createdb);
  flag('createrole', 'CREATEROLE', admin.superuser || admin.createrole);
  flag('replication', 'REPLICATION', admin.superuser || (modern && admin.replication));
  flag('bypassrls', 'BYPASSRLS', admin.superuser || (modern && admin.bypassrls));
  if (before.connlimit !== like.connlimit) {
    clauses.push(`CONNECTION LIMIT ${Math.trunc(like.connlimit)}`);
  }
  return clauses;
}

async function role(session: SqlSession, name: string): Promise<SqlRow | undefined> {
  return (await session.query(`SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE rolname = $1`, [name]))[0];
}

/**
 * PostgreSQL and Aurora PostgreSQL, for the `pg` driver and the Data API: `$1` parameters; utility statements (ALTER
 * ROLE, CREATE ROLE, GRANT) take no parameters, so names are quoted with pg's `escapeIdentifier` and passwords with
 * `escapeLiteral`.
 */
/** How long the master's transaction waits for a lock held by another (an orphaned earlier attempt, say). */
export const LOCK_TIMEOUT = '5s';

export const POSTGRES_DIALECT: DatabaseDialect = {
  cloneUsername(username: string): string {
    return postgresCloneUsername(username);
  },

  async setOwnPassword(session: SqlSession, password: string): Promise<void> {
    await session.query(alterPasswordSql(session.username, password));
  },

  async userExists(admin: SqlSession, user: string): Promise<boolean> {
    return (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user])).length > 0;
  },

  /**
   * CREATE ROLE ... LOGIN PASSWORD with `like`'s attributes (see attributeClauses), or, when the role exists, ALTER
   * ROLE ... LOGIN PASSWORD plus the attributes that differ. Never makes `user` a member of `like`: that is what
   * AWS's function does, and it makes the two users' privileges differ (a member inherits, the other does not) and
   * breaks re-granting (0LP01). Privileges are copied by syncPrivileges.
   */
  async upsertUser(admin: SqlSession, user: string, password: string, like: string): Promise<'created' | 'updated'> {
    // Inside the strategy's transaction: a transaction orphaned by a killed invocation keeps its role locks (over the
    // Data API for up to 3 minutes); a retry then fails in seconds with "lock timeout" instead of waiting until the
    // function times out. Outside a transaction SET LOCAL does nothing.
    await admin.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const template = await role(admin, like);
    if (template === undefined) throw new Error(`role ${like} (whose attributes the new user copies) does not exist`);
    const me = (await admin.query(`SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE rolname = current_user`))[0] as SqlRow;
    const adminAttrs = { ...attributes(me), superuser: me.rolsuper === true, version: Number(me.version) };
    const existing = await role(admin, user);
    const clauses = attributeClauses(
      attributes(template),
      adminAttrs,
      existing === undefined ? undefined : attributes(existing),
    );
    const rest = clauses.length === 0 ? '' : ` ${clauses.join(' ')}`;
    if (existing === undefined) {
      await admin.query(`CREATE ROLE ${ident(user)} LOGIN PASSWORD ${literal(password)}${rest}`);
      return 'created';
    }
    await admin.query(`ALTER ROLE ${ident(user)} LOGIN PASSWORD ${literal(password)}${rest}`);
    return 'updated';
  },

  syncPrivileges,
};
