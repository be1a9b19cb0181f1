import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureBundle } from './emulator/rotation/emulator-fixture';

const ROOT = resolve(__dirname, '../..');

describe('npm run demo', () => {
  it('rotates both demo secrets through RotateSecret and prints masked values, API calls and the time taken', async () => {
    ensureBundle();

    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(resolve(ROOT, 'node_modules/.bin/tsx'), ['local/demo.ts'], { cwd: ROOT }, (error, out, err) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      );
    });

    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/demo\/payments-api-key/);
    expect(stdout).toMatch(/demo\/webhook/);
    expect(stdout.match(/rotation: succeeded/g)).toHaveLength(2);
    expect(stdout).toMatch(/\[AWSPREVIOUS\]/);
    expect(stdout.match(/value changed: yes/g)).toHaveLength(2);
    expect(stdout).toMatch(/signingSecret: whse…/);
    expect(stdout).toMatch(/secretsmanager RotateSecret: 2/);
    expect(stdout).toMatch(/Done in \d+\.\d s/);
    expect(stdout).not.toMatch(/whsec_[0-9a-f]{4}/);
    expect(stdout).not.toMatch(/pk_[0-9a-f]{4}/);
  }, 60_000);
});
