import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePath, CREDENTIAL_TYPES } from '../../../lambdas/registry';

const root = join(__dirname, '../../..');

describe('npm run bundle', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-lambdas.ts'], {
      cwd: root,
      stdio: 'pipe',
    });
  }, 60_000);

  it('leaves exactly one bundle per registered credential type', () => {
    const dirs = readdirSync(join(root, 'dist/lambdas'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.map((d) => d.name).sort()).toEqual(CREDENTIAL_TYPES.map((t) => t.name).sort());
    for (const dir of dirs) expect(readdirSync(join(root, 'dist/lambdas', dir.name))).toEqual(['index.js']);
  });

  describe.each(CREDENTIAL_TYPES.map((t) => t.name))('%s', (type) => {
    const code = () => readFileSync(join(root, bundlePath(type)), 'utf8');

    it('is minified, with no inline source map', () => {
      // Certificate bundles (the RDS CAs) stay multi-line strings: esbuild writes them as template literals.
      const source = code().replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, '');
      const bytesPerLine = source.length / source.split('\n').length;
      expect(bytesPerLine).toBeGreaterThan(2000);
      expect(source.includes('sourceMappingURL')).toBe(false);
    });

    it('bundles the AWS SDK instead of loading the runtime copy', () => {
      // The only SDK module left to require is the optional CRT signer, loaded inside a try/catch.
      const required = [...code().matchAll(/require\("(@aws-sdk\/[^"]+|@smithy\/[^"]+)"\)/g)].map((m) => m[1]);
      expect([...new Set(required)]).toEqual(['@aws-sdk/signature-v4-crt']);
      expect(code().includes('secretsmanager')).toBe(true);
    });

    it('exports a handler that rejects a bad event with a typed error', async () => {
      const { handler } = require(join(root, bundlePath(type))) as { handler: (e: unknown) => Promise<void> };
      await expect(handler({ Step: 'nope', SecretId: 's', ClientRequestToken: 't' })).rejects.toMatchObject({
        name: 'InvalidEventError',
      });
    });
  });

  it('keeps database drivers out of bundles that do not need them', () => {
    const source = (type: string) => readFileSync(join(root, bundlePath(type)), 'utf8');
    expect(existsSync(join(root, bundlePath('random-secret')))).toBe(true);
    expect(/mysql2|pg-protocol|pgpass/.test(source('random-secret'))).toBe(false);
    // PostgreSQL users never load mysql2, and MySQL users never load pg.
    expect(/mysql2|iconv-lite/.test(source('postgres'))).toBe(false);
    expect(source('postgres')).toMatch(/pg-protocol|SCRAM-SHA-256/);
    expect(/pg-protocol|pgpass/.test(source('mysql'))).toBe(false);
    expect(source('mysql')).toMatch(/mysql2|ER_ACCESS_DENIED_ERROR/);
  });
});
