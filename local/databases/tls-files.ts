import { chmod, chown, writeFile } from 'node:fs/promises';
import type { OsUser } from './os-user';

/** A PEM key and certificate for a database server's TLS listener. */
export interface ServerTls {
  /** PEM private key (unencrypted). */
  readonly key: string;
  /** PEM certificate (chain). */
  readonly cert: string;
}

/**
 * Writes a server key and certificate where the server can read them. Both servers refuse a key file that
 * others can read, so the key gets mode 0600 and, when we run as root, the server's account as owner.
 */
export async function writeTlsFiles(tls: ServerTls, keyPath: string, certPath: string, owner?: OsUser): Promise<void> {
  await writeFile(keyPath, tls.key, { mode: 0o600 });
  await writeFile(certPath, tls.cert, { mode: 0o644 });
  await chmod(keyPath, 0o600);
  if (owner !== undefined) {
    await chown(keyPath, owner.uid, owner.gid);
    await chown(certPath, owner.uid, owner.gid);
  }
}
