import type { Connection } from 'mysql2/promise';
import type { Client } from 'pg';
import { parseAclItem } from './pg-privileges';

/*
 * "Everything else" in a database server, as sorted lines, for property tests of a rotation: take one before and
 * one after, and the two must be equal ("rotation succeeds and nothing else in the database changes").
 *
 * Written against the catalogs directly, apart from the rotation code, so that it can catch what that code touches by
 * mistake. Each line is a JSON array, so that odd names (quotes, spaces, unicode) can neither run into each other nor
 * look like another line.
 */

/** Which users a snapshot leaves out, wholly or only their password. */
export interface SnapshotOptions {
  /**
   * Users or roles left out entirely: their own row, the memberships and grants they hold (as grantee / member), their
   * settings and their own default privileges. For the user an alternating-users rotation creates. Grants they *gave*
   * (as grantor) stay in: the rotation must not make a new user grant anything.
   */
  readonly ignoreUsers?: readonly string[];
  /** Users whose password (hash, and when it was last changed) is left out: the rotated ones. */
  readonly passwordChanges?: readonly string[];
}

/** What changed between two snapshots: lines only in `after`, lines only in `before`. */
export function snapshotDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const now = new Set(after);
  return { added: after.filter((line) => !was.has(line)), removed: before.filter((line) => !now.has(line)) };
}

const line = (...parts: unknown[]): string => JSON.stringify(parts);

interface PgAclSource {
  readonly kind: string;
  readonly from: string;
  readonly name: string;
  readonly acl: string;
  /** Owner column, or undefined when the object has none (parameters). */
  readonly owner?: string;
  /** acldefault() code: the entries a NULL ACL stands for. Undefined: NULL means none (columns, parameters). */
  readonly defaults?: string;
  /** Only objects outside the system schemas get an existence line (the catalogs' own are thousands). */
  readonly listed?: string;
}

const PG_ACL_SOURCES: readonly PgAclSource[] = [
  { kind: 'database', from: 'pg_database', name: 'datname', acl: 'datacl', owner: 'datdba', defaults: `'d'` },
  { kind: 'tablespace', from: 'pg_tablespace', name: 'spcname', acl: 'spcacl', owner: 'spcowner', defaults: `'t'` },
  { kind: 'schema', from: 'pg_namespace', name: 'nspname', acl: 'nspacl', owner: 'nspowner', defaults: `'n'` },
  {
    kind: 'relation',
    from: 'pg_class',
    name: 'oid::regclass::text',
    acl: 'relacl',
    owner: 'relowner',
    defaults: `CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END`,
  },
  {
    kind: 'column',
    from: 'pg_attribute a JOIN pg_class c ON c.oid = a.attrelid',
    name: `c.oid::regclass::text || '.' || quote_ident(a.attname)`,
    acl: 'a.attacl',
    owner: 'c.relowner',
  },
  {
    kind: 'routine',
    from: 'pg_proc',
    name: 'oid::regprocedure::text',
    acl: 'proacl',
    owner: 'proowner',
    defaults: `'f'`,
  },
  { kind: 'type', from: 'pg_type', name: 'oid::regtype::text', acl: 'typacl', owner: 'typowner', defaults: `'T'` },
  { kind: 'language', from: 'pg_language', name: 'lanname', acl: 'lanacl', owner: 'lanowner', defaults: `'l'` },
  {
    kind: 'fdw',
    from: 'pg_foreign_data_wrapper',
    name: 'fdwname',
    acl: 'fdwacl',
    owner: 'fdwowner',
    defaults: `'F'`,
  },
  { kind: 'server', from: 'pg_foreign_server', name: 'srvname', acl: 'srvacl', owner: 'srvowner', defaults: `'S'` },
  {
    kind: 'large object',
    from: 'pg_largeobject_metadata',
    name: 'oid::text',
    acl: 'lomacl',
    owner: 'lomowner',
    defaults: `'L'`,
  },
  { kind: 'parameter', from: 'pg_parameter_acl', name: 'parname', acl: 'paracl' },
];

/**
 * A PostgreSQL server as seen from `client`'s database (a superuser: pg_authid needs it): every role with all its
 * attributes and password hash (pg_authid), memberships with grantor and options, per-role settings, every object
 * with an ACL (owner, and each ACL entry; a NULL ACL as the entries it stands for, so that materialising the default
 * is not a change), default privileges, row-level security policies and their roles, and the schemas, tables and
 * columns outside the system schemas.
 */
export async function pgSnapshot(client: Client, options: SnapshotOptions = {}): Promise<string[]> {
  const ignore = new Set(options.ignoreUsers ?? []);
  const noPassword = new Set(options.passwordChanges ?? []);
  const lines: string[] = [];

  const { rows: roles } = await client.query(
    `SELECT rolname, to_jsonb(a) - 'oid' - 'rolname' AS attrs FROM pg_authid a`,
  );
  for (const role of roles) {
    if (ignore.has(role.rolname)) continue;
    const attrs = { ...role.attrs };
    if (noPassword.has(role.rolname)) delete attrs.rolpassword;
    lines.push(line('role', role.rolname, attrs));
  }

  const { rows: members } = await client.query(
    `SELECT pg_get_userbyid(roleid) AS role, pg_get_userbyid(member) AS member, pg_get_userbyid(grantor) AS grantor,
            to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor' AS options
       FROM pg_auth_members m`,
  );
  for (const m of members) {
    if (ignore.has(m.member)) continue;
    lines.push(line('membership', m.role, m.member, m.grantor, m.options));
  }

  const { rows: settings } = await client.query(
    `SELECT pg_get_userbyid(s.setrole) AS role, d.datname, s.setconfig
       FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase`,
  );
  for (const s of settings) {
    if (ignore.has(s.role)) continue;
    lines.push(line('setting', s.role, s.datname, s.setconfig));
  }

  const systemSchemas = `('pg_catalog', 'information_schema', 'pg_toast')`;
  for (const source of PG_ACL_SOURCES) {
    if (!(await relationExists(client, source.from.split(' ')[0] as string))) continue;
    const owner = source.owner === undefined ? 'NULL::text' : `pg_get_userbyid(${source.owner})`;
    const acl =
      source.defaults === undefined || source.owner === undefined
        ? source.acl
        : `COALESCE(${source.acl}, acldefault(${source.defaults}::"char", ${source.owner}))`;
    const { rows } = await client.query(
      `SELECT ${source.name} AS name, ${owner} AS owner, ${acl}::text[] AS acl FROM ${source.from}
        WHERE ${source.acl} IS NOT NULL${source.defaults === undefined ? '' : ` OR ${source.acl} IS NULL`}`,
    );
    for (const row of rows) {
      lines.push(line(source.kind, row.name, 'owner', row.owner));
      for (const item of (row.acl ?? []) as string[]) {
        if (ignore.has(parseAclItem(item).grantee)) continue;
        lines.push(line(source.kind, row.name, 'acl', item));
      }
    }
  }
  // Which objects exist outside the system schemas (relations above include the catalogs' own; columns only with ACLs).
  const { rows: columns } = await client.query(
    `SELECT c.oid::regclass::text AS rel, a.attname, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attnum > 0 AND NOT a.attisdropped AND n.nspname NOT IN ${systemSchemas}
        AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'`,
  );
  for (const c of columns) lines.push(line('column exists', c.rel, c.attname, c.type));

  const { rows: defaults } = await client.query(
    `SELECT pg_get_userbyid(d.defaclrole) AS for_role, n.nspname AS schema, d.defaclobjtype::text AS objtype,
            d.defaclacl::text[] AS acl
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace`,
  );
  for (const d of defaults) {
    if (ignore.has(d.for_role)) continue;
    for (const item of d.acl as string[]) {
      if (ignore.has(parseAclItem(item).grantee)) continue;
      lines.push(line('default privilege', d.for_role, d.schema, d.objtype, item));
    }
  }

  const { rows: policies } = await client.query(
    `SELECT p.polrelid::regclass::text AS rel, p.polname, p.polcmd::text AS cmd, p.polpermissive,
            pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check,
            ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END FROM unnest(p.polroles) r)::text[] AS roles
       FROM pg_policy p`,
  );
  for (const p of policies) {
    const named = (p.roles as string[]).filter((role) => !ignore.has(role)).sort();
    lines.push(line('policy', p.rel, p.polname, p.cmd, p.polpermissive, p.qual, p.check, named));
  }
  return lines.sort();
}

async function relationExists(client: Client, name: string): Promise<boolean> {
  const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [`pg_catalog.${name}`]);
  return rows[0].found === true;
}

/** Grant tables compared row by row (every column but the user's), with the column that names the user. */
const MYSQL_GRANT_TABLES: ReadonlyArray<readonly [table: string, userColumn: string]> = [
  ['db', 'User'],
  ['tables_priv', 'User'],
  ['columns_priv', 'User'],
  ['procs_priv', 'User'],
  ['proxies_priv', 'User'],
  ['roles_mapping', 'User'],
];

/** A name bound as `?`, as MariaDB 10.11 writes it into mysql.procs_priv.User (char(128)): see mysqlSnapshot. */
export const DOUBLE_ENCODED = 'LEFT(CONVERT(CAST(? AS BINARY) USING latin1), 128)';

/** mysql.user columns that hold a password or when it changed. */
const MYSQL_PASSWORD_COLUMNS = new Set(['password', 'authentication_string', 'password_last_changed']);
/** Keys of mysql.global_priv's JSON that hold a password or when it changed (auth_or: each plugin's hash). */
const MYSQL_PASSWORD_KEYS = new Set(['authentication_string', 'password_last_changed', 'auth_or']);

/**
 * Values mysql.global_priv's JSON means when a key is absent: ALTER USER ... REQUIRE NONE WITH MAX_... 0 writes them
 * out, which changes the text but not the account (mysql.user, the view over it, reads the same).
 */
const GLOBAL_PRIV_DEFAULTS: Readonly<Record<string, unknown>> = {
  ssl_type: 0,
  ssl_cipher: '',
  x509_issuer: '',
  x509_subject: '',
  max_questions: 0,
  max_updates: 0,
  max_connections: 0,
  max_user_connections: 0,
  max_statement_time: 0,
};

/**
 * A MariaDB or MySQL server: every account in mysql.user with all its columns, password hash included
 * (authentication_string), and on MariaDB 10.4+ the mysql.global_priv JSON behind it; every row of mysql.db,
 * tables_priv, columns_priv, procs_priv, proxies_priv and roles_mapping; and the schemas, tables, columns and routines.
 * Users are matched by the server's own comparison (`User = ?`), so that a name reads as the server reads it.
 * Needs a mysql2 connection with SELECT on the mysql schema (root), in the default sql_mode (mysql2 escapes bound
 * values with backslashes).
 */
export async function mysqlSnapshot(connection: Connection, options: SnapshotOptions = {}): Promise<string[]> {
  const lines: string[] = [];
  /**
   * Whether a row's user is one of `names`, by the server's comparison. mysql.procs_priv also by the name's UTF-8 bytes
   * read as latin1 and cut to the column's 128 characters: MariaDB 10.11 stores procs_priv.User double-encoded (a
   * GRANT EXECUTE to 'é' writes 'Ã©', and a long name loses its end), while SHOW GRANTS shows 'é'; DROP USER leaves
   * such rows behind.
   */
  const flags = (table: string, column: string): { sql: string; params: string[] } => {
    const params: string[] = [];
    const list = (names: readonly string[] | undefined): string => {
      if (names === undefined || names.length === 0) return 'FALSE';
      params.push(...names);
      const plainMatch = `\`${column}\` IN (${names.map(() => '?').join(', ')})`;
      if (table !== 'procs_priv') return plainMatch;
      params.push(...names);
      return `${plainMatch} OR \`${column}\` IN (${names.map(() => DOUBLE_ENCODED).join(', ')})`;
    };
    const sql = `(${list(options.ignoreUsers)}) AS snapshot_ignored, (${list(options.passwordChanges)}) AS snapshot_password`;
    return { sql, params };
  };
  const rowsOf = async (table: string, userColumn: string) => {
    const { sql, params } = flags(table, userColumn);
    const [rows] = await connection.query(`SELECT t.*, ${sql} FROM mysql.\`${table}\` t`, params);
    return (rows as Array<Record<string, unknown>>).filter((row) => Number(row.snapshot_ignored) !== 1);
  };
  const plain = (row: Record<string, unknown>, drop: (column: string) => boolean): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [column, raw] of Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) {
      if (column.startsWith('snapshot_') || drop(column)) continue;
      if (Buffer.isBuffer(raw)) out[column] = `0x${raw.toString('hex')}`;
      else if (raw instanceof Date) out[column] = Number.isNaN(raw.getTime()) ? 'invalid date' : raw.toISOString();
      else out[column] = raw === null ? 'NULL' : String(raw);
    }
    return out;
  };

  const [tableRows] = await connection.query(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES
      WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema')`,
  );
  const tables = tableRows as Array<Record<string, unknown>>;
  const mysqlTables = new Set(tables.filter((t) => t.db === 'mysql').map((t) => String(t.name)));

  for (const row of await rowsOf('user', 'User')) {
    const rotated = Number(row.snapshot_password) === 1;
    lines.push(
      line(
        'user',
        plain(row, (column) => rotated && MYSQL_PASSWORD_COLUMNS.has(column.toLowerCase())),
      ),
    );
  }
  if (mysqlTables.has('global_priv')) {
    for (const row of await rowsOf('global_priv', 'User')) {
      // mysql2 parses a JSON column; a server that reports it as text gives a string.
      const priv = { ...(typeof row.Priv === 'string' ? JSON.parse(row.Priv) : row.Priv) } as Record<string, unknown>;
      if (Number(row.snapshot_password) === 1) for (const key of MYSQL_PASSWORD_KEYS) delete priv[key];
      for (const [key, value] of Object.entries(GLOBAL_PRIV_DEFAULTS)) if (priv[key] === value) delete priv[key];
      lines.push(line('global_priv', String(row.Host), String(row.User), priv));
    }
  }
  for (const [table, userColumn] of MYSQL_GRANT_TABLES) {
    if (!mysqlTables.has(table)) continue;
    for (const row of await rowsOf(table, userColumn))
      lines.push(
        line(
          table,
          plain(row, () => false),
        ),
      );
  }

  const [schemas] = await connection.query(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA',
  );
  for (const s of schemas as Array<Record<string, unknown>>) lines.push(line('schema', s.name, s.charset));
  for (const t of tables) lines.push(line('table', t.db, t.name, t.type));
  const [columns] = await connection.query(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS name, COLUMN_TYPE AS type
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema', 'mysql', 'sys')`,
  );
  for (const c of columns as Array<Record<string, unknown>>) lines.push(line('column', c.db, c.tbl, c.name, c.type));
  // mysql.proc (MariaDB) rather than information_schema.ROUTINES: fewer server-side temporary tables.
  const [routines] = mysqlTables.has('proc')
    ? await connection.query('SELECT db, name, CAST(type AS CHAR) AS type, definer FROM mysql.proc')
    : await connection.query(
        `SELECT ROUTINE_SCHEMA AS db, ROUTINE_NAME AS name, ROUTINE_TYPE AS type, DEFINER AS definer
           FROM information_schema.ROUTINES`,
      );
  for (const r of routines as Array<Record<string, unknown>>) {
    lines.push(line('routine', String(r.db), String(r.name), r.type, String(r.definer)));
  }
  return lines.sort();
}
