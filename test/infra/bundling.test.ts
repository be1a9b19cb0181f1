import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lib/config/load-config';
import { RotationStack } from '../../lib/rotation-stack';
import { EXAMPLE_CONFIG } from './synth-helpers';

describe('real bundles', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'rotation-bundles-'));
  const app = new App({ outdir });
  const stack = new RotationStack(app, 'Bundled', { config: loadConfig(EXAMPLE_CONFIG) });
  const assembly = app.synth();
  const shard = Template.fromStack(stack.shards[0]);
  const main = Template.fromStack(stack);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The bundle of the function called `name` in a template. */
  function bundleOf(template: Template, name: string): string {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }));
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    return join(assembly.directory, `asset.${hash}`, 'index.js');
  }

  it.each([
    ['the rotation function', () => shard, 'rotation-iam-access-key'],
    ['the monitor', () => main, 'secret-rotation-monitor'],
    ['the revocation sweeper', () => main, 'secret-revocation-sweeper'],
  ])('builds %s as one minified bundle with no inline source map', (_, template, name) => {
    const bundle = bundleOf(template(), name);
    expect(existsSync(bundle)).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/sourceMappingURL=data:/);
    // Minified: long lines (template literals keep a few newlines of their own).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    // The SDK is bundled, not left to the runtime's copy.
    expect(code).toContain('secretsmanager');
    expect(code).not.toContain('require("@aws-sdk/client-secrets-manager")');
  });
});
