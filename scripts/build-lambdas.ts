/**
 * Builds one bundle per credential type into dist/lambdas/<type>/index.js: the AWS SDK bundled in (not left to
 * the runtime's copy), ESM entry points preferred (mainFields module,main) so the SDK tree-shakes, minified, no
 * inline source map. One bundle per function, so that a PostgreSQL function never loads mysql2.
 *
 * Usage: tsx scripts/build-lambdas.ts [type ...]   (default: every registered type)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { bundlePath, CREDENTIAL_TYPES } from '../lambdas/registry';

const root = resolve(__dirname, '..');

/** esbuild options shared with the CDK constructs and the cold-start benchmark's baseline. */
export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const types = CREDENTIAL_TYPES.filter((t) => wanted.length === 0 || wanted.includes(t.name));
  const unknown = wanted.filter((name) => !CREDENTIAL_TYPES.some((t) => t.name === name));
  if (unknown.length > 0) throw new Error(`unknown credential type(s): ${unknown.join(', ')}`);
  const manifest: Record<string, { bundle: string; bytes: number }> = {};
  for (const type of types) {
    const outfile = join(root, bundlePath(type.name));
    mkdirSync(join(outfile, '..'), { recursive: true });
    const result = await build({
      ...LAMBDA_BUILD_OPTIONS,
      entryPoints: [join(root, type.entry)],
      outfile,
      metafile: true,
    });
    const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, out) => sum + out.bytes, 0);
    manifest[type.name] = { bundle: bundlePath(type.name), bytes };
    console.log(`built ${bundlePath(type.name)} (${(bytes / 1024).toFixed(0)} KiB)`);
  }
  writeFileSync(join(root, 'dist/lambdas/manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
