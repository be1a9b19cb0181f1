import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ConfigurationError } from '../core/errors';
import { RDS_CA_BUNDLE } from './rds-ca-bundle';
import type { TlsTrust } from './types';

/**
 * The certificates a direct database connection trusts: the shipped Amazon RDS CA bundle (refreshed by
 * scripts/refresh-rds-ca.ts), Node's own root certificates (for databases with publicly trusted certificates), and
 * the extra CA file named by the tag `rotation:ca-file` or the environment variable DB_CA_FILE (a private CA).
 * Certificates and host names are always verified.
 */
export function tlsTrust(extraCaFile: string | undefined, secretName: string): TlsTrust {
  const parts = [RDS_CA_BUNDLE, ...rootCertificates];
  if (extraCaFile !== undefined) parts.push(readCaFile(extraCaFile, secretName));
  return { ca: parts.join('\n') };
}

function readCaFile(path: string, secretName: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigurationError(
      `secret ${secretName}: the CA file "${path}" (tag rotation:ca-file or env DB_CA_FILE) cannot be read: ${code}`,
      { secretId: secretName },
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigurationError(
      `secret ${secretName}: the CA file "${path}" (tag rotation:ca-file or env DB_CA_FILE) must hold PEM ` +
        'certificates (-----BEGIN CERTIFICATE-----), found none',
      { secretId: secretName },
    );
  }
  return text;
}

const contexts = new WeakMap<TlsTrust, SecureContext>();

/**
 * The TLS context of a trust, built once: parsing the ~230 certificates costs about 45 ms of CPU, which Node would
 * otherwise spend again on every connection given `ca`. Keyed by the trust object (one per CA file per container).
 */
export function secureContextFor(trust: TlsTrust): SecureContext {
  let context = contexts.get(trust);
  if (context === undefined) {
    context = createSecureContext({ ca: trust.ca });
    contexts.set(trust, context);
  }
  return context;
}
