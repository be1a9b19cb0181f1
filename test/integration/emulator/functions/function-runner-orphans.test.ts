import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FIXTURES, survivorsAfter } from './runner-test-helpers';

/** Starts runner-host.ts under tsx and resolves with the function process ids it prints. */
async function startHost(): Promise<{ host: ChildProcess; pids: number[] }> {
  const host = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'runner-host.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: host.stdout as NodeJS.ReadableStream });
  const pids = await new Promise<number[]>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as number[]));
    host.once('exit', (code) => reject(new Error(`runner host exited early with ${code}`)));
  });
  return { host, pids };
}

describe('FunctionRunner when its host process dies without close()', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'leaves no function process behind after %s',
    async (signal) => {
      const { host, pids } = await startHost();
      const hostGone = new Promise((resolve) => host.once('exit', resolve));

      host.kill(signal);
      await hostGone;

      const survivors = await survivorsAfter(pids);
      // Do not leave this test's own orphans to the rest of the suite if it fails.
      for (const pid of survivors) process.kill(pid, 'SIGKILL');

      expect(pids).toHaveLength(2);
      expect(survivors).toEqual([]);
    },
    20_000,
  );
});
