import { execFileSync } from 'node:child_process';

/** Numeric ids of an OS account, for spawning a database server as that account. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** True when this process runs as root (database servers refuse to run as root, so we switch user). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The uid/gid of `name`, or undefined when the account does not exist. */
export function lookupOsUser(name: string): OsUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account to run a database server as when we are root: the first of `names` that exists, else `nobody`
 * (present on every Debian image), so a CI container without the database's own account still works.
 */
export function serverAccount(...names: string[]): OsUser | undefined {
  if (!isRoot()) return undefined;
  for (const name of [...names, 'nobody']) {
    const user = lookupOsUser(name);
    if (user !== undefined) return user;
  }
  return undefined;
}
