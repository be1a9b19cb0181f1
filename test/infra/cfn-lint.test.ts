import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeExample } from './synth-helpers';

/** cfn-lint's exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational. */
const CFN_LINT_ERRORS = 2;

function cfnLintOnPath(): boolean {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

describe('cfn-lint', () => {
  it('finds no errors in the synthesized example templates', () => {
    if (!cfnLintOnPath()) {
      throw new Error(
        'cfn-lint is not on PATH: install it (pip install cfn-lint) to run this test; it must not be skipped',
      );
    }
    const outdir = mkdtempSync(join(tmpdir(), 'rotation-cfn-lint-'));
    synthesizeExample({ outdir }).app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    expect(templates.length).toBe(2);
    const result = spawnSync('cfn-lint', ['--format', 'parseable', ...templates], { encoding: 'utf8' });
    const errors = result.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    rmSync(outdir, { recursive: true, force: true });
    expect(errors).toEqual([]);
    expect((result.status ?? 255) & CFN_LINT_ERRORS).toBe(0);
  }, 60_000);
});
