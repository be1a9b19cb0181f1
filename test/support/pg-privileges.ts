import type { Client } from 'pg';

/**
 * A role's privileges as sorted, role-name-neutral lines, for comparing the two users of an alternating pair
 * ("after rotation both users hold identical privileges, checked by querying the catalogs").
 *
 * Written apart from lambdas/postgres/privileges.ts, and differently (it parses the `aclitem[]` text instead of calling
 * aclexplode(), and names objects by regclass / regprocedure), so that it can catch that code's mistakes.
 *
 * What it covers: role attributes (not SUPERUSER, not VALID UNTIL), memberships with their options, explicit ACL
 * entries whose grantee is the role on every catalog with an ACL (databases, tablespaces, schemas, relations, columns,
 * routines, types, languages, foreign data wrappers and servers, large objects), and default privileges (those granted
 * to the role by others, and the effective defaults FOR ROLE the role itself), and the row-level security policies
 * that name the role, and its settings (ALTER ROLE ... SET). Entries are collapsed over grantors
 * (held / held with grant option). Objects owned by the role, or by `partner`, are left out: an owner's rights are not
 * entries, and ownership is not copied.
 *
 * The role's own name appears as `SELF`, `partner`'s as `OTHER`.
 *
 * @example
 * const [left, right] = await Promise.all([pgPrivileges(client, 'app', 'app_clone'), pgPrivileges(client, 'app_clone', 'app')]);
 * expect(right).toEqual(left);
 */
export async function pgPrivileges(client: Client, role: string, partner?: string): Promise<string[]> {
  const pair = partner === undefined ? [role] : [role, partner];
  const neutral = (name: string | null): string => {
    if (name === null || name === '') return 'PUBLIC';
    if (name === role) return 'SELF';
    if (name === partner) return 'OTHER';
    return `role:${name}`;
  };
  const lines: string[] = [];
  const { rows: attrs } = await client.query(
    `SELECT rolinherit, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin, rolconnlimit
       FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  if (attrs.length !== 1) throw new Error(`pgPrivileges: no role named ${JSON.stringify(role)}`);
  for (const [key, value] of Object.entries(attrs[0] as Record<string, unknown>))
    lines.push(`attribute ${key}=${value}`);

  const { rows: members } = await client.query(
    `SELECT r.rolname AS role, m.admin_option, m.inherit_option, m.set_option
       FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
      WHERE u.rolname = $1`,
    [role],
  );
  const memberships = new Map<string, { admin: boolean; inherit: boolean; set: boolean }>();
  for (const m of members) {
    const seen = memberships.get(m.role) ?? { admin: false, inherit: false, set: false };
    memberships.set(m.role, {
      admin: seen.admin || m.admin_option,
      inherit: seen.inherit || m.inherit_option,
      set: seen.set || m.set_option,
    });
  }
  for (const [name, o] of memberships) {
    lines.push(`member of ${neutral(name)} admin=${o.admin} inherit=${o.inherit} set=${o.set}`);
  }

  const { rows: policies } = await client.query(
    `SELECT p.polrelid::regclass::text || ' ' || quote_ident(p.polname) AS name
       FROM pg_policy p JOIN pg_roles r ON r.oid = ANY (p.polroles) WHERE r.rolname = $1`,
    [role],
  );
  for (const p of policies) lines.push(`policy ${p.name}`);

  const { rows: settings } = await client.query(
    `SELECT d.datname, c FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
       LEFT JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c WHERE r.rolname = $1`,
    [role],
  );
  for (const setting of settings) lines.push(`setting in ${setting.datname ?? '*'}: ${setting.c}`);

  const held = new Map<string, boolean>(); // "object | privilege" -> grant option
  const hold = (key: string, grantOption: boolean) => held.set(key, (held.get(key) ?? false) || grantOption);
  for (const source of ACL_SOURCES) {
    const { rows } = await client.query(
      `SELECT ${source.name} AS name, ${source.acl}::text[] AS acl FROM ${source.from}
        WHERE ${source.acl} IS NOT NULL AND pg_get_userbyid(${source.owner}) <> ALL ($1::text[])`,
      [pair],
    );
    for (const row of rows) {
      for (const item of row.acl as string[]) {
        const entry = parseAclItem(item);
        if (entry.grantee !== role) continue;
        for (const [privilege, grantOption] of entry.privileges)
          hold(`${source.kind} ${row.name} | ${privilege}`, grantOption);
      }
    }
  }

  // Default privileges granted to the role by others' ALTER DEFAULT PRIVILEGES FOR ROLE <other>.
  const { rows: defaults } = await client.query(
    `SELECT pg_get_userbyid(d.defaclrole) AS for_role, n.nspname AS schema, d.defaclobjtype::text AS objtype,
            d.defaclacl::text[] AS acl
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace`,
  );
  for (const d of defaults) {
    if (pair.includes(d.for_role)) continue;
    for (const item of d.acl as string[]) {
      const entry = parseAclItem(item);
      if (entry.grantee !== role) continue;
      for (const [privilege, grantOption] of entry.privileges) {
        hold(`default for ${neutral(d.for_role)} in ${d.schema ?? '*'} on ${d.objtype} | ${privilege}`, grantOption);
      }
    }
  }
  // The role's own defaults (FOR ROLE role): its global row or the built-in ones, and its per-schema rows.
  const { rows: own } = await client.query(
    `SELECT o.objtype, NULL::text AS schema,
            COALESCE((SELECT defaclacl FROM pg_default_acl d
                       WHERE d.defaclrole = r.oid AND d.defaclnamespace = 0 AND d.defaclobjtype::text = o.objtype),
                     acldefault(o.code::"char", r.oid))::text[] AS acl
       FROM pg_roles r, (VALUES ('r', 'r'), ('S', 's'), ('f', 'f'), ('T', 'T'), ('n', 'n')) AS o(objtype, code)
      WHERE r.rolname = $1
     UNION ALL
     SELECT d.defaclobjtype::text, n.nspname, d.defaclacl::text[]
       FROM pg_default_acl d JOIN pg_roles r ON r.oid = d.defaclrole JOIN pg_namespace n ON n.oid = d.defaclnamespace
      WHERE r.rolname = $1`,
    [role],
  );
  for (const d of own) {
    for (const item of d.acl as string[]) {
      const entry = parseAclItem(item);
      for (const [privilege, grantOption] of entry.privileges) {
        hold(
          `own default in ${d.schema ?? '*'} on ${d.objtype} to ${neutral(entry.grantee)} | ${privilege}`,
          grantOption,
        );
      }
    }
  }
  for (const [key, grantOption] of held) lines.push(`${key}${grantOption ? ' WITH GRANT OPTION' : ''}`);
  return lines.sort();
}

/** Both roles' fingerprints, each with the other as partner. */
export async function pgPrivilegePair(client: Client, a: string, b: string): Promise<[string[], string[]]> {
  return [await pgPrivileges(client, a, b), await pgPrivileges(client, b, a)];
}

interface AclSource {
  readonly kind: string;
  readonly from: string;
  readonly name: string;
  readonly acl: string;
  readonly owner: string;
}

const ACL_SOURCES: readonly AclSource[] = [
  { kind: 'database', from: 'pg_database', name: 'datname', acl: 'datacl', owner: 'datdba' },
  { kind: 'tablespace', from: 'pg_tablespace', name: 'spcname', acl: 'spcacl', owner: 'spcowner' },
  { kind: 'schema', from: 'pg_namespace', name: 'nspname', acl: 'nspacl', owner: 'nspowner' },
  { kind: 'relation', from: 'pg_class', name: 'oid::regclass::text', acl: 'relacl', owner: 'relowner' },
  {
    kind: 'column',
    from: 'pg_attribute a JOIN pg_class c ON c.oid = a.attrelid',
    name: `c.oid::regclass::text || '.' || quote_ident(a.attname)`,
    acl: 'a.attacl',
    owner: 'c.relowner',
  },
  { kind: 'routine', from: 'pg_proc', name: 'oid::regprocedure::text', acl: 'proacl', owner: 'proowner' },
  { kind: 'type', from: 'pg_type', name: 'oid::regtype::text', acl: 'typacl', owner: 'typowner' },
  { kind: 'language', from: 'pg_language', name: 'lanname', acl: 'lanacl', owner: 'lanowner' },
  { kind: 'fdw', from: 'pg_foreign_data_wrapper', name: 'fdwname', acl: 'fdwacl', owner: 'fdwowner' },
  { kind: 'server', from: 'pg_foreign_server', name: 'srvname', acl: 'srvacl', owner: 'srvowner' },
  { kind: 'large object', from: 'pg_largeobject_metadata', name: 'oid::text', acl: 'lomacl', owner: 'lomowner' },
];

/** aclitem letters (src/include/utils/acl.h, ACL_ALL_RIGHTS_STR "arwdDxtXUCTcsAm"). */
const LETTERS: Record<string, string> = {
  a: 'INSERT',
  r: 'SELECT',
  w: 'UPDATE',
  d: 'DELETE',
  D: 'TRUNCATE',
  x: 'REFERENCES',
  t: 'TRIGGER',
  X: 'EXECUTE',
  U: 'USAGE',
  C: 'CREATE',
  T: 'TEMPORARY',
  c: 'CONNECT',
  s: 'SET',
  A: 'ALTER SYSTEM',
  m: 'MAINTAIN',
};

/** Parses `grantee=privs/grantor` (names double-quoted when needed, `""` inside; empty grantee = PUBLIC). */
export function parseAclItem(text: string): { grantee: string; privileges: [string, boolean][]; grantor: string } {
  let at = 0;
  const readName = (stop: string): string => {
    let name = '';
    let quoted = false;
    while (at < text.length) {
      const ch = text[at] as string;
      if (quoted) {
        if (ch === '"' && text[at + 1] === '"') {
          name += '"';
          at += 2;
          continue;
        }
        if (ch === '"') quoted = false;
        else name += ch;
        at += 1;
        continue;
      }
      if (ch === stop) break;
      if (ch === '"') quoted = true;
      else name += ch;
      at += 1;
    }
    return name;
  };
  const grantee = readName('=');
  if (text[at] !== '=') throw new Error(`parseAclItem: no "=" in ${JSON.stringify(text)}`);
  at += 1;
  const privileges: [string, boolean][] = [];
  while (at < text.length && text[at] !== '/') {
    const letter = text[at] as string;
    const name = LETTERS[letter];
    if (name === undefined)
      throw new Error(`parseAclItem: unknown privilege letter ${letter} in ${JSON.stringify(text)}`);
    const grantOption = text[at + 1] === '*';
    privileges.push([name, grantOption]);
    at += grantOption ? 2 : 1;
  }
  at += 1;
  const grantor = readName('\u0000');
  return { grantee, privileges, grantor };
}
