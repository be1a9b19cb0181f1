import { execFileSync } from 'node:child_process';

/** Numeric ids of an OS account, for spawning a database server as that account. */
export interface OsUser {
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
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
