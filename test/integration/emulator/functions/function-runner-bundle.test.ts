import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePath } from '../../../../lambdas/registry';
import { REPO_ROOT, testRunner } from './runner-test-helpers';

describe('FunctionRunner with the built random-secret bundle', () => {
  const { runner } = testRunner();

  beforeAll(() => {
    // The same artifact CDK deploys; built here only when `npm run bundle` has not run yet.
    if (!existsSync(join(REPO_ROOT, bundlePath('random-secret')))) {
      execFileSync('npx', ['tsx', 'scripts/build-lambdas.ts', 'random-secret'], { cwd: REPO_ROOT, stdio: 'ignore' });
    }
    runner.registerBuiltIns(REPO_ROOT);
  }, 120_000);

  afterAll(() => runner.close());

  it('loads the bundle and runs its handler, which rejects an event that is not a rotation event', async () => {
    const outcome = await runner.invoke(runner.functionArn('rotation-random-secret'), { Step: 'dance' });

    expect(outcome).toMatchObject({ ok: false, coldStart: true, errorType: 'InvalidEventError' });
    expect(outcome.errorMessage).toContain('"Step"');
  });
});
