import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ConfigurationError } from '../../../lambdas/core/errors';
import { RDS_CA_BUNDLE } from '../../../lambdas/database/rds-ca-bundle';
import { secureContextFor, tlsTrust } from '../../../lambdas/database/tls';
import { splitPem } from '../../../scripts/refresh-rds-ca';
import { selfSignedCert } from '../../support';

describe('the shipped Amazon RDS CA bundle', () => {
  const certs = splitPem(RDS_CA_BUNDLE, new Date(0));

  it('holds only parseable CA certificates, at least one per RDS root family', () => {
    expect(certs.length).toBeGreaterThanOrEqual(50);
    const subjects = certs.map((pem) => new X509Certificate(pem).subject);
    expect(subjects.every((s) => /Amazon RDS/.test(s))).toBe(true);
    for (const family of ['RSA2048 G1', 'RSA4096 G1', 'ECC384 G1']) {
      expect(subjects.some((s) => s.includes(family))).toBe(true);
    }
  });

  it('has roots valid for years after it was generated (refresh with scripts/refresh-rds-ca.ts)', () => {
    const latest = Math.max(...certs.map((pem) => new Date(new X509Certificate(pem).validTo).getTime()));
    expect(latest).toBeGreaterThan(Date.parse('2040-01-01'));
  });
});

describe('splitPem (scripts/refresh-rds-ca.ts)', () => {
  it('drops duplicates and certificates expired at the given date, and refuses an empty bundle', async () => {
    const one = (await selfSignedCert()).cert;
    const validTo = new Date(new X509Certificate(one).validTo);
    expect(splitPem(`${one}\n${one}`, new Date(validTo.getTime() - 1000))).toHaveLength(1);
    expect(splitPem(one, new Date(validTo.getTime() + 1000))).toHaveLength(0);
    expect(() => splitPem('nothing here')).toThrow(/no certificate found/);
  });
});

describe('tlsTrust', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tls-trust-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('trusts the RDS bundle and Node roots by default, and adds the extra CA file', async () => {
    const extra = (await selfSignedCert()).cert;
    const file = join(dir, 'extra.pem');
    await writeFile(file, extra);
    const base = tlsTrust(undefined, 'app/db').ca;
    expect(base).toContain(RDS_CA_BUNDLE.trim());
    expect(base).toContain(rootCertificates[0]);
    expect(base).not.toContain(extra.trim());
    expect(tlsTrust(file, 'app/db').ca).toContain(extra.trim());
  });

  it('names the secret, the setting and the problem for a missing or non-PEM file', async () => {
    const missing = join(dir, 'missing.pem');
    expect(() => tlsTrust(missing, 'app/db')).toThrow(ConfigurationError);
    expect(() => tlsTrust(missing, 'app/db')).toThrow(
      /secret app\/db: the CA file ".*missing\.pem" \(tag rotation:ca-file or env DB_CA_FILE\) cannot be read: ENOENT/,
    );
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    expect(() => tlsTrust(junk, 'app/db')).toThrow(/must hold PEM certificates/);
  });
});

describe('secureContextFor', () => {
  it('builds the TLS context of a trust once, not per connection', () => {
    const trust = tlsTrust(undefined, 'app/db');
    expect(secureContextFor(trust)).toBe(secureContextFor(trust));
    expect(secureContextFor({ ca: trust.ca })).not.toBe(secureContextFor(trust));
  });
});
