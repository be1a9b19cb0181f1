import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerTls } from './tls-files';

const run = promisify(execFile);

/**
 * A fresh self-signed certificate for `localhost` / 127.0.0.1 made with the `openssl` CLI (about 0.1 s for
 * EC P-256). Tests hand it to `startPostgres({ tls })` / `startMariaDb({ tls })` and trust `cert` as the CA.
 */
export async function selfSignedCert(commonName = 'localhost'): Promise<ServerTls> {
  const dir = await mkdtemp(join(tmpdir(), 'cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
