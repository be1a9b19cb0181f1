/*
 * Makes one role's privileges identical to another's (alternating-users rotation; docs/postgres-alternating-users.md).
 *
 * Read from the catalogs with aclexplode(): explicit ACL entries whose grantee is `source` or `target` on databases,
 * tablespaces, schemas, tables / views / materialized views / foreign tables, sequences, columns, routines, types and
 * domains, languages, foreign data wrappers and servers, large objects; role memberships (pg_auth_members); default
 * privileges (pg_default_acl); the roles named by row-level security policies (pg_policy); per-role settings
 * (pg_db_role_setting, as a non-superuser only those any user may set). Objects owned by `source`
 * or `target` are left out of the ACL comparison: an owner's rights are not ACL entries, and ownership is not copied
 * (one owner per object).
 *
 * Six catalog reads, then one statement per object and kind of change. Run it in `admin.transaction(...)` (the
 * strategy does), so that a failure leaves nothing half-synced. It pins `search_path` to `pg_catalog, pg_temp` for
 * that transaction (set_config with is_local), so that the names it reads and the names it runs resolve the same way,
 * also after a `SET ROLE`.
 */
import type { Logger } from '../core/logger';
import type { SqlRow, SqlSession } from '../database/types';
import { ident, literal, qualified } from './sql';

/** How many GRANT-like and REVOKE-like statements a sync ran. */
export interface SyncResult {
  readonly granted: number;
  readonly revoked: number;
}

/** Privilege names aclexplode() returns; anything else is refused rather than spliced into SQL. */
const PRIVILEGES = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
  'MAINTAIN',
  'EXECUTE',
  'USAGE',
  'CREATE',
  'CONNECT',
  'TEMPORARY',
]);

function privilege(value: unknown): string {
  const text = String(value);
  if (!PRIVILEGES.has(text)) throw new Error(`unexpected privilege type "${text}" from aclexplode()`);
  return text;
}

/** What we need to know about the admin session and the pair. */
interface Context {
  readonly version: number;
  readonly superuser: boolean;
  readonly me: string;
  /** The admin may run ALTER DEFAULT PRIVILEGES FOR ROLE target. */
  readonly canActForTarget: boolean;
}

/** pg_has_role() mode for SET ROLE: the SET option from PostgreSQL 16, membership before. */
const MEMBER_OF = (version: number) => (version >= 160000 ? 'SET' : 'MEMBER');
/** pg_has_role() mode for ALTER DEFAULT PRIVILEGES FOR ROLE: having the role's privileges (16+: INHERIT). */
const PRIVS_OF = (version: number) => (version >= 160000 ? 'USAGE' : 'MEMBER');

async function readContext(admin: SqlSession, source: string, target: string): Promise<Context> {
  const rows = await admin.query(
    `WITH me AS (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
          t AS (SELECT oid FROM pg_roles WHERE rolname = $2)
     SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true) IS NOT NULL AS pinned,
            current_setting('server_version_num')::int4 AS version,
            (SELECT rolsuper FROM me) AS superuser,
            current_user::text AS me,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS source_exists,
            EXISTS (SELECT 1 FROM t) AS target_exists,
            (SELECT rolsuper FROM me) OR COALESCE(pg_has_role(current_user, (SELECT oid FROM t), 'USAGE'), false)
              AS has_target_privileges,
            (SELECT rolsuper FROM me) OR COALESCE(pg_has_role(current_user, (SELECT oid FROM t), 'MEMBER'), false)
              AS is_target_member`,
    [source, target],
  );
  const row = rows[0] as SqlRow;
  if (row.source_exists !== true) throw new Error(`role ${source} (the privileges to copy) does not exist`);
  if (row.target_exists !== true) throw new Error(`role ${target} (the role to sync) does not exist`);
  const version = Number(row.version);
  return {
    version,
    superuser: row.superuser === true,
    me: String(row.me),
    canActForTarget: (version >= 160000 ? row.has_target_privileges : row.is_target_member) === true,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Object privileges

/** One catalog with an ACL column: how to read it and how to name its objects in GRANT. */
interface AclCatalog {
  readonly kind: string;
  /** FROM ... producing columns the SELECT below uses: aliased `o` with `owner`, `acl`, `oid`. */
  readonly from: string;
  readonly schema: string;
  readonly name: string;
  readonly signature?: string;
  readonly column?: string;
  /** Whether the admin (current_user) holds `a.privilege_type` WITH GRANT OPTION. */
  readonly canGrant: string;
  readonly where?: string;
}

const GRANT_OPTION = `a.privilege_type || ' WITH GRANT OPTION'`;
const NOT_TEMP = `n.nspname !~ '^pg_(toast_)?temp_'`;

const CATALOGS: readonly AclCatalog[] = [
  {
    kind: 'DATABASE',
    from: 'pg_database o',
    schema: 'NULL',
    name: 'o.datname',
    canGrant: `has_database_privilege(o.oid, ${GRANT_OPTION})`,
  },
  {
    kind: 'TABLESPACE',
    from: 'pg_tablespace o',
    schema: 'NULL',
    name: 'o.spcname',
    canGrant: `has_tablespace_privilege(o.oid, ${GRANT_OPTION})`,
  },
  {
    kind: 'SCHEMA',
    from: 'pg_namespace o',
    schema: 'NULL',
    name: 'o.nspname',
    canGrant: `has_schema_privilege(o.oid, ${GRANT_OPTION})`,
    where: `o.nspname !~ '^pg_(toast_)?temp_'`,
  },
  {
    kind: 'RELATION',
    from: 'pg_class o JOIN pg_namespace n ON n.oid = o.relnamespace',
    schema: 'n.nspname',
    name: 'o.relname',
    signature: `CASE WHEN o.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END`,
    canGrant: `CASE WHEN o.relkind = 'S' THEN has_sequence_privilege(o.oid, ${GRANT_OPTION})
                    ELSE has_table_privilege(o.oid, ${GRANT_OPTION}) END`,
    where: `o.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${NOT_TEMP}`,
  },
  {
    kind: 'COLUMN',
    from: `pg_attribute c JOIN pg_class o ON o.oid = c.attrelid JOIN pg_namespace n ON n.oid = o.relnamespace`,
    schema: 'n.nspname',
    name: 'o.relname',
    column: 'c.attname',
    canGrant: `has_column_privilege(o.oid, c.attnum, ${GRANT_OPTION})`,
    where: `c.attnum > 0 AND NOT c.attisdropped AND ${NOT_TEMP}`,
  },
  {
    kind: 'ROUTINE',
    from: 'pg_proc o JOIN pg_namespace n ON n.oid = o.pronamespace',
    schema: 'n.nspname',
    name: 'o.proname',
    signature: 'o.oid::regprocedure::text',
    canGrant: `has_function_privilege(o.oid, ${GRANT_OPTION})`,
    where: NOT_TEMP,
  },
  {
    kind: 'TYPE',
    from: 'pg_type o JOIN pg_namespace n ON n.oid = o.typnamespace',
    schema: 'n.nspname',
    name: 'o.typname',
    canGrant: `has_type_privilege(o.oid, ${GRANT_OPTION})`,
    where: NOT_TEMP,
  },
  {
    kind: 'LANGUAGE',
    from: 'pg_language o',
    schema: 'NULL',
    name: 'o.lanname',
    canGrant: `has_language_privilege(o.oid, ${GRANT_OPTION})`,
  },
  {
    kind: 'FOREIGN DATA WRAPPER',
    from: 'pg_foreign_data_wrapper o',
    schema: 'NULL',
    name: 'o.fdwname',
    canGrant: `has_foreign_data_wrapper_privilege(o.oid, ${GRANT_OPTION})`,
  },
  {
    kind: 'FOREIGN SERVER',
    from: 'pg_foreign_server o',
    schema: 'NULL',
    name: 'o.srvname',
    canGrant: `has_server_privilege(o.oid, ${GRANT_OPTION})`,
  },
  {
    kind: 'LARGE OBJECT',
    from: 'pg_largeobject_metadata o',
    schema: 'NULL',
    name: 'o.oid::text',
    // has_largeobject_privilege() exists from PostgreSQL 17 only: the owner or a superuser can grant.
    canGrant: `(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, o.lomowner, 'USAGE')`,
  },
];

const OWNER: Record<string, string> = {
  DATABASE: 'o.datdba',
  TABLESPACE: 'o.spcowner',
  SCHEMA: 'o.nspowner',
  RELATION: 'o.relowner',
  COLUMN: 'o.relowner',
  ROUTINE: 'o.proowner',
  TYPE: 'o.typowner',
  LANGUAGE: 'o.lanowner',
  'FOREIGN DATA WRAPPER': 'o.fdwowner',
  'FOREIGN SERVER': 'o.srvowner',
  'LARGE OBJECT': 'o.lomowner',
};

const ACL: Record<string, string> = {
  DATABASE: 'o.datacl',
  TABLESPACE: 'o.spcacl',
  SCHEMA: 'o.nspacl',
  RELATION: 'o.relacl',
  COLUMN: 'c.attacl',
  ROUTINE: 'o.proacl',
  TYPE: 'o.typacl',
  LANGUAGE: 'o.lanacl',
  'FOREIGN DATA WRAPPER': 'o.fdwacl',
  'FOREIGN SERVER': 'o.srvacl',
  'LARGE OBJECT': 'o.lomacl',
};

function objectAclSql(version: number): string {
  const branches = CATALOGS.map(
    (c) => `SELECT '${c.kind}'::text AS kind, ${c.schema}::text AS schema, ${c.name}::text AS name,
       ${c.signature ?? 'NULL'}::text AS signature, ${c.column ?? 'NULL'}::text AS col,
       a.privilege_type::text AS privilege, a.is_grantable AS grantable, (a.grantee = pair.s) AS is_source,
       pg_get_userbyid(a.grantor)::text AS grantor,
       (a.grantor = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         OR (a.grantor = ${OWNER[c.kind]} AND pg_has_role(current_user, ${OWNER[c.kind]}, 'USAGE'))) AS revocable,
       ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR pg_has_role(current_user, a.grantor, '${MEMBER_OF(version)}')) AS can_set_grantor,
       (${c.canGrant}) AS can_grant
  FROM ${c.from} CROSS JOIN pair CROSS JOIN LATERAL aclexplode(${ACL[c.kind]}) a
 WHERE a.grantee IN (pair.s, pair.t) AND ${OWNER[c.kind]} NOT IN (pair.s, pair.t)${c.where ? ` AND ${c.where}` : ''}`,
  );
  return `WITH pair AS (SELECT (SELECT oid FROM pg_roles WHERE rolname = $1) AS s,
                            (SELECT oid FROM pg_roles WHERE rolname = $2) AS t)
${branches.join('\nUNION ALL\n')}`;
}

/** `ON TABLE "s"."t"`, `ON ROUTINE s.f(integer)`, ... for GRANT / REVOKE. */
function objectSql(row: SqlRow): string {
  const kind = String(row.kind);
  const name = String(row.name);
  switch (kind) {
    case 'RELATION':
    case 'COLUMN':
      return `${row.signature === 'SEQUENCE' ? 'SEQUENCE' : 'TABLE'} ${qualified(String(row.schema), name)}`;
    case 'ROUTINE':
      // regprocedure output is quoted by PostgreSQL and fully qualified under the pinned search_path.
      return `ROUTINE ${String(row.signature)}`;
    case 'TYPE':
      return `TYPE ${qualified(String(row.schema), name)}`;
    case 'LARGE OBJECT':
      if (!/^\d+$/.test(name)) throw new Error(`unexpected large object oid "${name}"`);
      return `LARGE OBJECT ${name}`;
    default:
      return `${kind} ${ident(name)}`;
  }
}

/** A human name of the object, for warnings. */
function describeObject(row: SqlRow): string {
  const what = row.kind === 'ROUTINE' ? String(row.signature) : objectSql(row);
  return row.col == null ? what : `${what} column ${ident(String(row.col))}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Diff and statements

/** 0 = not held, 1 = held, 2 = held WITH GRANT OPTION. */
type Level = 0 | 1 | 2;

function level(rows: readonly SqlRow[]): Level {
  if (rows.length === 0) return 0;
  return rows.some((row) => row.grantable === true) ? 2 : 1;
}

/** A statement to run, and (for warnings) what it is about. */
interface Change {
  readonly sql: string;
  readonly kind: 'grant' | 'revoke';
  /** Runs as this role (SET ROLE) when set. */
  readonly asRole?: string;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

function objectChanges(rows: readonly SqlRow[], target: string, ctx: Context, logger: Logger): Change[] {
  const changes: Change[] = [];
  const byObject = groupBy(rows, (r) => JSON.stringify([r.kind, r.schema, r.name, r.signature, r.col]));
  for (const objectRows of byObject.values()) {
    const first = objectRows[0] as SqlRow;
    const on = objectSql(first);
    const column = first.col == null ? '' : ` (${ident(String(first.col))})`;
    const grantPlain: string[] = [];
    const grantOption: string[] = [];
    const revokeAll = new Map<string, string[]>(); // grantor -> privileges
    const revokeOption = new Map<string, string[]>();
    const notRevocable: string[] = [];
    for (const [priv, privRows] of groupBy(objectRows, (r) => privilege(r.privilege))) {
      const want = level(privRows.filter((r) => r.is_source === true));
      const have = level(privRows.filter((r) => r.is_source !== true));
      if (want > have) {
        if (privRows.find((r) => r.is_source === true)?.can_grant !== true && !ctx.superuser) {
          logger.warn('cannot copy a privilege: the admin does not hold it WITH GRANT OPTION', {
            object: describeObject(first),
            privilege: priv,
            to: target,
          });
        } else (want === 2 ? grantOption : grantPlain).push(priv);
      } else if (want < have) {
        // Each grantor's entry is revoked separately: REVOKE only removes the entries its grantor made.
        const targetRows = privRows.filter((r) => r.is_source !== true && (want === 0 || r.grantable === true));
        for (const row of targetRows) {
          const grantor = row.revocable === true ? '' : String(row.grantor);
          if (grantor !== '' && row.can_set_grantor !== true) {
            notRevocable.push(`${priv} (granted by ${String(row.grantor)})`);
            continue;
          }
          const into = want === 0 ? revokeAll : revokeOption;
          into.set(grantor, [...(into.get(grantor) ?? []), priv]);
        }
      }
    }
    const list = (privs: string[]) => privs.map((p) => `${p}${column}`).join(', ');
    if (grantPlain.length > 0)
      changes.push({ kind: 'grant', sql: `GRANT ${list(grantPlain)} ON ${on} TO ${ident(target)}` });
    if (grantOption.length > 0) {
      changes.push({ kind: 'grant', sql: `GRANT ${list(grantOption)} ON ${on} TO ${ident(target)} WITH GRANT OPTION` });
    }
    for (const [grantor, privs] of revokeOption) {
      const sql = `REVOKE GRANT OPTION FOR ${list([...new Set(privs)])} ON ${on} FROM ${ident(target)}`;
      changes.push({ kind: 'revoke', sql, ...(grantor === '' ? {} : { asRole: grantor }) });
    }
    for (const [grantor, privs] of revokeAll) {
      const sql = `REVOKE ${list([...new Set(privs)])} ON ${on} FROM ${ident(target)}`;
      changes.push({ kind: 'revoke', sql, ...(grantor === '' ? {} : { asRole: grantor }) });
    }
    if (notRevocable.length > 0) {
      logger.warn('cannot revoke a privilege: it was granted by a role the admin cannot act as', {
        object: describeObject(first),
        privileges: notRevocable,
        from: target,
      });
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------------
// Role memberships

function membershipSql(version: number): string {
  const options = version >= 160000 ? 'm.inherit_option, m.set_option' : 'true AS inherit_option, true AS set_option';
  const canAdmin =
    version >= 160000
      ? `pg_has_role(current_user, m.roleid, 'USAGE WITH ADMIN OPTION')`
      : `pg_has_role(current_user, m.roleid, 'USAGE WITH ADMIN OPTION')
         OR ((SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user) AND NOT r.rolsuper)`;
  return `WITH pair AS (SELECT (SELECT oid FROM pg_roles WHERE rolname = $1) AS s,
                            (SELECT oid FROM pg_roles WHERE rolname = $2) AS t)
SELECT r.rolname::text AS role, (m.member = pair.s) AS is_source, m.admin_option, ${options},
       pg_get_userbyid(m.grantor)::text AS grantor,
       (m.roleid IN (pair.s, pair.t)) AS in_pair,
       pg_has_role(current_user, m.grantor, '${MEMBER_OF(version)}') AS can_set_grantor,
       ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR ${canAdmin}) AS can_admin
  FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid CROSS JOIN pair
 WHERE m.member IN (pair.s, pair.t)`;
}

type MemberOption = 'admin_option' | 'inherit_option' | 'set_option';
const OPTION_WORD: Record<MemberOption, string> = {
  admin_option: 'ADMIN',
  inherit_option: 'INHERIT',
  set_option: 'SET',
};

function membershipChanges(rows: readonly SqlRow[], target: string, ctx: Context, logger: Logger): Change[] {
  const changes: Change[] = [];
  const modern = ctx.version >= 160000;
  const options: MemberOption[] = modern ? ['admin_option', 'inherit_option', 'set_option'] : ['admin_option'];
  for (const [role, roleRows] of groupBy(rows, (r) => String(r.role))) {
    const first = roleRows[0] as SqlRow;
    if (first.in_pair === true) {
      // Target a member of source (how AWS's function sets up its clone) is revoked; source a member of target cannot
      // be copied (target cannot be a member of itself).
      const targetRows = roleRows.filter((r) => r.is_source !== true);
      if (targetRows.length > 0) changes.push(...revokeMembership(role, targetRows, target, ctx, logger));
      if (roleRows.some((r) => r.is_source === true)) {
        logger.warn('not copying a membership in the other role of the pair', { role, to: target });
      }
      continue;
    }
    const source = roleRows.filter((r) => r.is_source === true);
    const held = roleRows.filter((r) => r.is_source !== true);
    if (source.length === 0) {
      changes.push(...revokeMembership(role, held, target, ctx, logger));
      continue;
    }
    const want = (option: MemberOption) => source.some((r) => r[option] === true);
    const have = (option: MemberOption) => held.some((r) => r[option] === true);
    const raise = options.filter((o) => want(o) && (held.length === 0 || !have(o)));
    const lower = options.filter((o) => !want(o) && have(o));
    if (held.length === 0 || raise.length > 0) {
      if (first.can_admin !== true) {
        logger.warn('cannot copy a role membership: the admin does not hold ADMIN OPTION on the role', {
          role,
          to: target,
        });
        continue;
      }
      let sql = `GRANT ${ident(role)} TO ${ident(target)}`;
      if (modern) sql += ` WITH ${options.map((o) => `${OPTION_WORD[o]} ${want(o) ? 'TRUE' : 'FALSE'}`).join(', ')}`;
      else if (want('admin_option')) sql += ' WITH ADMIN OPTION';
      changes.push({ kind: 'grant', sql });
    }
    for (const option of lower) {
      const holding = held.filter((r) => r[option] === true);
      changes.push(...revokeMembership(role, holding, target, ctx, logger, OPTION_WORD[option]));
    }
  }
  return changes;
}

/**
 * Revokes `target`'s membership rows (or one option of them). REVOKE only removes the grant its grantor made (it
 * says "has not been granted ... by role X" and does nothing otherwise), so each grantor's row is revoked as that
 * grantor: directly, with GRANTED BY (superuser), or after SET ROLE (a role the admin may become).
 */
function revokeMembership(
  role: string,
  rows: readonly SqlRow[],
  target: string,
  ctx: Context,
  logger: Logger,
  option?: string,
): Change[] {
  const base = `REVOKE ${option === undefined ? '' : `${option} OPTION FOR `}${ident(role)} FROM ${ident(target)}`;
  const changes: Change[] = [];
  for (const [grantor, grantorRows] of groupBy(rows, (r) => String(r.grantor))) {
    const row = grantorRows[0] as SqlRow;
    if (ctx.version < 160000 || grantor === ctx.me) changes.push({ kind: 'revoke', sql: base });
    else if (ctx.superuser) changes.push({ kind: 'revoke', sql: `${base} GRANTED BY ${ident(grantor)}` });
    else if (row.can_set_grantor === true) changes.push({ kind: 'revoke', sql: base, asRole: grantor });
    else {
      logger.warn('cannot revoke a role membership: it was granted by a role the admin cannot act as', {
        role,
        from: target,
        granted_by: grantor,
      });
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------------
// Default privileges

/** pg_default_acl.defaclobjtype -> the word in ALTER DEFAULT PRIVILEGES, and acldefault()'s code for it. */
const DEFAULT_TYPES: Record<string, { readonly word: string; readonly code: string }> = {
  r: { word: 'TABLES', code: 'r' },
  S: { word: 'SEQUENCES', code: 's' },
  f: { word: 'ROUTINES', code: 'f' },
  T: { word: 'TYPES', code: 'T' },
  n: { word: 'SCHEMAS', code: 'n' },
};

function defaultAclSql(version: number): string {
  const canAct = `((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                   OR pg_has_role(current_user, d.role, '${PRIVS_OF(version)}'))`;
  const types = Object.keys(DEFAULT_TYPES)
    .map((t) => `('${t}', '${DEFAULT_TYPES[t]?.code}')`)
    .join(', ');
  return `WITH pair AS (SELECT (SELECT oid FROM pg_roles WHERE rolname = $1) AS s,
                            (SELECT oid FROM pg_roles WHERE rolname = $2) AS t),
d AS (
  SELECT defaclrole AS role, defaclnamespace AS ns, defaclobjtype::text AS objtype, defaclacl AS acl FROM pg_default_acl
  UNION ALL
  -- A role without a global row has the built-in defaults; compare against those.
  SELECT r.role, 0, o.objtype, acldefault(o.code::"char", r.role)
    FROM pair, unnest(ARRAY[pair.s, pair.t]) AS r(role), (VALUES ${types}) AS o(objtype, code)
   WHERE NOT EXISTS (SELECT 1 FROM pg_default_acl x
                      WHERE x.defaclrole = r.role AND x.defaclnamespace = 0 AND x.defaclobjtype::text = o.objtype))
SELECT pg_get_userbyid(d.role)::text AS for_role,
       CASE d.role WHEN pair.s THEN 's' WHEN pair.t THEN 't' END AS for_pair,
       n.nspname::text AS schema, d.objtype,
       CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee)::text END AS grantee,
       CASE a.grantee WHEN pair.s THEN 's' WHEN pair.t THEN 't' END AS grantee_pair,
       a.privilege_type::text AS privilege, a.is_grantable AS grantable, ${canAct} AS can_act
  FROM d CROSS JOIN pair LEFT JOIN pg_namespace n ON n.oid = d.ns CROSS JOIN LATERAL aclexplode(d.acl) a
 WHERE d.role IN (pair.s, pair.t) OR a.grantee IN (pair.s, pair.t)`;
}

function defaultChanges(
  rows: readonly SqlRow[],
  target: string,
  source: string,
  ctx: Context,
  logger: Logger,
): Change[] {
  const changes: Change[] = [];
  const known = rows.filter((r) => {
    if (DEFAULT_TYPES[String(r.objtype)] !== undefined) return true;
    logger.warn('not copying default privileges of an unsupported object type', { objtype: r.objtype, to: target });
    return false;
  });
  // Entries FOR ROLE source map to FOR ROLE target: grantee source -> target (its own objects), target -> source.
  // Entries FOR ROLE <other> whose grantee is source -> the same entry for target.
  const keyed = known.flatMap((r) => {
    let side: 's' | 't';
    let forRole: string;
    let grantee: string | null;
    if (r.for_pair != null) {
      side = r.for_pair === 's' ? 's' : 't';
      forRole = target;
      grantee =
        r.grantee_pair == null
          ? ((r.grantee ?? null) as string | null)
          : r.grantee_pair === r.for_pair
            ? target
            : source;
    } else {
      if (r.grantee_pair == null) return [];
      side = r.grantee_pair === 's' ? 's' : 't';
      forRole = String(r.for_role);
      grantee = target;
    }
    return [{ side, forRole, grantee, row: r }];
  });
  const groups = groupBy(keyed, (k) => JSON.stringify([k.forRole, k.row.schema, k.row.objtype, k.grantee]));
  for (const entries of groups.values()) {
    const first = entries[0] as (typeof entries)[number];
    const forTarget = first.forRole === target;
    const canAct = forTarget ? ctx.canActForTarget : first.row.can_act === true;
    const schema = first.row.schema == null ? '' : ` IN SCHEMA ${ident(String(first.row.schema))}`;
    const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(first.forRole)}${schema}`;
    const on = `ON ${DEFAULT_TYPES[String(first.row.objtype)]?.word}`;
    const to = first.grantee == null ? 'PUBLIC' : ident(first.grantee);
    const grant: Record<'1' | '2', string[]> = { '1': [], '2': [] };
    const revokeAll: string[] = [];
    const revokeOption: string[] = [];
    for (const [priv, privEntries] of groupBy(entries, (e) => privilege(e.row.privilege))) {
      const want = level(privEntries.filter((e) => e.side === 's').map((e) => e.row));
      const have = level(privEntries.filter((e) => e.side === 't').map((e) => e.row));
      if (want > have) grant[want === 2 ? '2' : '1'].push(priv);
      else if (want < have) (want === 0 ? revokeAll : revokeOption).push(priv);
    }
    const pending = [...grant['1'], ...grant['2'], ...revokeAll, ...revokeOption];
    if (pending.length === 0) continue;
    if (!canAct) {
      logger.warn('cannot copy default privileges: the admin cannot act as the role that creates the objects', {
        for_role: first.forRole,
        privileges: pending,
        to: first.grantee ?? 'PUBLIC',
      });
      continue;
    }
    if (grant['1'].length > 0)
      changes.push({ kind: 'grant', sql: `${prefix} GRANT ${grant['1'].join(', ')} ${on} TO ${to}` });
    if (grant['2'].length > 0) {
      changes.push({ kind: 'grant', sql: `${prefix} GRANT ${grant['2'].join(', ')} ${on} TO ${to} WITH GRANT OPTION` });
    }
    if (revokeOption.length > 0) {
      changes.push({
        kind: 'revoke',
        sql: `${prefix} REVOKE GRANT OPTION FOR ${revokeOption.join(', ')} ${on} FROM ${to}`,
      });
    }
    if (revokeAll.length > 0)
      changes.push({ kind: 'revoke', sql: `${prefix} REVOKE ${revokeAll.join(', ')} ${on} FROM ${to}` });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------------
// Row-level security policies: a policy applies to the roles it names, so the clone must be named where the source is.

function policySql(): string {
  return `WITH pair AS (SELECT (SELECT oid FROM pg_roles WHERE rolname = $1) AS s,
                            (SELECT oid FROM pg_roles WHERE rolname = $2) AS t)
SELECT p.polname::text AS policy, n.nspname::text AS schema, c.relname::text AS name,
       (pair.s = ANY (p.polroles)) AS has_source,
       (SELECT json_agg(CASE WHEN r = 0 THEN NULL ELSE pg_get_userbyid(r) END)::text FROM unnest(p.polroles) r) AS roles,
       ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR pg_has_role(current_user, c.relowner, 'USAGE')) AS can_alter
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN pair
 WHERE (pair.s = ANY (p.polroles)) <> (pair.t = ANY (p.polroles))`;
}

function policyChanges(rows: readonly SqlRow[], target: string, logger: Logger): Change[] {
  const changes: Change[] = [];
  for (const row of rows) {
    const roles = JSON.parse(String(row.roles)) as (string | null)[];
    const adding = row.has_source === true;
    const next = adding ? [...roles, target] : roles.filter((r) => r !== target);
    const where = { policy: String(row.policy), table: qualified(String(row.schema), String(row.name)), role: target };
    if (row.can_alter !== true) {
      logger.warn('cannot change a row-level security policy: the admin does not act as the table owner', where);
      continue;
    }
    if (next.length === 0) {
      logger.warn(
        'not removing the only role of a row-level security policy (that would make it apply to PUBLIC)',
        where,
      );
      continue;
    }
    const list = next.map((r) => (r == null ? 'PUBLIC' : ident(r))).join(', ');
    changes.push({
      kind: adding ? 'grant' : 'revoke',
      sql: `ALTER POLICY ${ident(String(row.policy))} ON ${where.table} TO ${list}`,
    });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------------
// Per-role settings (ALTER ROLE ... SET): an application that relies on the user's search_path breaks on the clone
// without them.

/** Settings whose value is a list: written back element by element (one quoted string would be one element). */
const LIST_SETTINGS = new Set([
  'search_path',
  'temp_tablespaces',
  'session_preload_libraries',
  'local_preload_libraries',
]);

function settingSql(): string {
  return `WITH pair AS (SELECT (SELECT oid FROM pg_roles WHERE rolname = $1) AS s,
                            (SELECT oid FROM pg_roles WHERE rolname = $2) AS t)
SELECT (s.setrole = pair.s) AS is_source, d.datname::text AS database,
       split_part(c, '=', 1) AS name, substr(c, strpos(c, '=') + 1) AS value,
       ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR lower(split_part(c, '=', 1)) = 'role' -- user-settable, but hidden from pg_settings
         OR lower(split_part(c, '=', 1)) = 'role' -- user-settable, but hidden from pg_settings
         OR COALESCE((SELECT g.context = 'user' FROM pg_settings g WHERE g.name = lower(split_part(c, '=', 1))), false))
         AS can_set
  FROM pg_db_role_setting s CROSS JOIN pair LEFT JOIN pg_database d ON d.oid = s.setdatabase
 CROSS JOIN LATERAL unnest(s.setconfig) c
 WHERE s.setrole IN (pair.s, pair.t)`;
}

/** A stored list value (`"$user", public`, elements double-quoted when needed) as SQL literals. */
function listLiterals(value: string): string {
  const items: string[] = [];
  let item = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (quoted) {
      if (ch === '"' && value[i + 1] === '"') {
        item += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else item += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      items.push(item.trim());
      item = '';
    } else item += ch;
  }
  items.push(value.trim() === '' ? '' : item.trim());
  return items.map((one) => literal(one)).join(', ');
}

function settingChanges(rows: readonly SqlRow[], target: string, logger: Logger): Change[] {
  const changes: Change[] = [];
  for (const settingRows of groupBy(rows, (r) => JSON.stringify([r.database, String(r.name).toLowerCase()])).values()) {
    const first = settingRows[0] as SqlRow;
    const want = settingRows.find((r) => r.is_source === true);
    const have = settingRows.find((r) => r.is_source !== true);
    if (want?.value === have?.value) continue;
    const name = String(first.name);
    const where = first.database == null ? '' : ` IN DATABASE ${ident(String(first.database))}`;
    if (settingRows.some((r) => r.can_set !== true)) {
      logger.warn('cannot copy a role setting: only a superuser may set it', { setting: name, role: target });
      continue;
    }
    const quotedName = name.split('.').map(ident).join('.');
    const prefix = `ALTER ROLE ${ident(target)}${where}`;
    if (want === undefined) {
      changes.push({ kind: 'revoke', sql: `${prefix} RESET ${quotedName}` });
    } else {
      const value = String(want.value);
      const sqlValue = LIST_SETTINGS.has(name.toLowerCase()) ? listLiterals(value) : literal(value);
      changes.push({ kind: 'grant', sql: `${prefix} SET ${quotedName} = ${sqlValue}` });
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------------

/** The statements that would make `target`'s privileges identical to `source`'s (reads only). */
export async function planPrivilegeSync(
  admin: SqlSession,
  source: string,
  target: string,
  logger: Logger,
): Promise<readonly Change[]> {
  if (source === target) throw new Error(`cannot sync the privileges of role ${source} onto itself`);
  const ctx = await readContext(admin, source, target);
  const params = [source, target];
  const memberships = await admin.query(membershipSql(ctx.version), params);
  const objects = await admin.query(objectAclSql(ctx.version), params);
  const defaults = await admin.query(defaultAclSql(ctx.version), params);
  const policies = await admin.query(policySql(), params);
  const settings = await admin.query(settingSql(), params);
  return [
    ...settingChanges(settings, target, logger),
    ...policyChanges(policies, target, logger),
    ...membershipChanges(memberships, target, ctx, logger),
    ...objectChanges(objects, target, ctx, logger),
    ...defaultChanges(defaults, target, source, ctx, logger),
  ];
}

/** Makes `target`'s privileges identical to `source`'s. See the module comment. */
export async function syncPrivileges(
  admin: SqlSession,
  source: string,
  target: string,
  logger: Logger,
): Promise<SyncResult> {
  const changes = await planPrivilegeSync(admin, source, target, logger);
  let granted = 0;
  let revoked = 0;
  for (const change of changes) {
    // No finally: after a failed statement the transaction is aborted and its rollback also undoes SET ROLE.
    if (change.asRole !== undefined) await admin.query(`SET ROLE ${ident(change.asRole)}`);
    await admin.query(change.sql);
    if (change.asRole !== undefined) await admin.query('RESET ROLE');
    if (change.kind === 'grant') granted += 1;
    else revoked += 1;
  }
  return { granted, revoked };
}
