import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBundle } from './emulator/rotation/emulator-fixture';
import { ensurePostgresBundle } from './postgres/postgres-fixture';

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

interface DemoRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(args: readonly string[] = []): Promise<DemoRun> {
  return new Promise((done) => {
    execFile(TSX, ['local/demo.ts', ...args], { cwd: ROOT }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every secret value the demo's secrets held (versions of the emulator state file): whole strings and JSON fields. */
function secretValues(stateFile: string): { all: string[]; passwords: string[] } {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
    secretsmanager: { secrets: { versions: { value?: { text?: string } }[] }[] };
  };
  const all: string[] = [];
  const passwords: string[] = [];
  for (const secret of state.secretsmanager.secrets) {
    for (const version of secret.versions) {
      const text = version.value?.text;
      if (text === undefined) continue;
      if (!text.startsWith('{')) {
        all.push(text);
        continue;
      }
      const fields = JSON.parse(text) as Record<string, unknown>;
      for (const key of ['password', 'signingSecret']) {
        if (typeof fields[key] === 'string') all.push(fields[key]);
      }
      if (typeof fields.password === 'string') passwords.push(fields.password);
    }
  }
  return { all, passwords };
}

const demoDataDirs = () => new Set(readdirSync('/tmp').filter((name) => name.startsWith('pg-demo-')));

/** Processes whose command line mentions a demo data directory (a postgres left running). */
function demoServers(): string[] {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('/tmp/pg-demo-'));
}

describe('npm run demo', () => {
  beforeAll(() => {
    ensureBundle();
    ensurePostgresBundle();
  }, 120_000);

  it('rotates the random secrets and a real PostgreSQL password through RotateSecret, showing no value', async () => {
    const work = mkdtempSync(join(tmpdir(), 'demo-test-'));
    try {
      const stateFile = join(work, 'state.json');

      const { code, stdout, stderr } = await runDemo(['--state-file', stateFile]);

      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/demo\/payments-api-key/);
      expect(stdout).toMatch(/demo\/webhook/);
      expect(stdout).toMatch(/demo\/orders-db \(PostgreSQL login role app_user/);
      expect(stdout.match(/rotation: succeeded/g)).toHaveLength(3);
      expect(stdout).toMatch(/\[AWSPREVIOUS\]/);
      expect(stdout.match(/value changed: yes/g)).toHaveLength(2);
      expect(stdout).toMatch(/signingSecret: whse…/);
      expect(stdout).toMatch(/PLAINTEXT \("ssl": false\) on loopback/);
      expect(stdout).toMatch(/function warning \(\d+x\): .*WITHOUT TLS/);
      expect(stdout).toMatch(/log in as app_user with AWSCURRENT \(the new password\): ok\n/);
      expect(stdout).toMatch(/log in as app_user with AWSPREVIOUS \(the old password\): refused, SQLSTATE 28P01/);
      expect(stdout).toMatch(
        /Secrets Manager calls by the rotation \(RotateSecret itself excluded\): \d+, 2 of them writes/,
      );
      expect(stdout).toMatch(/secretsmanager RotateSecret: 3/);
      expect(stdout).toMatch(/Done in \d+\.\d s/);
      const dataDir = /data directory: (\/tmp\/pg-demo-\S+)/.exec(stdout)?.[1];
      expect(dataDir).toBeDefined();
      expect(existsSync(dataDir as string)).toBe(false);

      const { all, passwords } = secretValues(stateFile);
      expect(passwords).toHaveLength(2); // the PostgreSQL secret's AWSPREVIOUS and AWSCURRENT
      expect(all.length).toBeGreaterThanOrEqual(6);
      const output = stdout + stderr;
      for (const value of all) expect(output).not.toContain(value);
      // Passwords are shown as a fingerprint only, not even a prefix.
      for (const password of passwords) expect(output).not.toContain(password.slice(0, 6));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops PostgreSQL and deletes its data directory when interrupted with SIGINT', async () => {
    const before = demoDataDirs();
    const child: ChildProcess = spawn(TSX, ['local/demo.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // The first line comes once the emulator is up, while PostgreSQL is still starting (about a second).
    child.stdout?.once('data', () => child.kill('SIGINT'));

    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));

    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\): stopping PostgreSQL and the emulator/);
    expect([...demoDataDirs()].filter((name) => !before.has(name))).toEqual([]);
    expect(demoServers()).toEqual([]);
  }, 60_000);
});
