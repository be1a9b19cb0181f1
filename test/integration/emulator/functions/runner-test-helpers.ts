import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FunctionDefinition, FunctionRunner, type FunctionRunnerOptions } from '../../../../local/functions';

export const REPO_ROOT = resolve(__dirname, '../../../..');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures/functions');
export const BEHAVIOURS = join(FIXTURES, 'behaviours.js');
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** A runner for tests whose function logs are collected instead of printed. */
export function testRunner(overrides: Partial<FunctionRunnerOptions> = {}): {
  runner: FunctionRunner;
  logs: Array<{ functionName: string; line: string }>;
} {
  const logs: Array<{ functionName: string; line: string }> = [];
  const runner = new FunctionRunner({
    account: ACCOUNT,
    region: REGION,
    environment: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599' },
    cold: false,
    onLog: (functionName, line) => logs.push({ functionName, line }),
    ...overrides,
  });
  return { runner, logs };
}

/** A definition of one export of behaviours.js. */
export function behaviour(exportName: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return { name: exportName, modulePath: BEHAVIOURS, exportName, ...extra };
}

/** Alive and not a zombie (a reaped-late child must count as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

/** Polls until none of the processes is alive; returns those still alive after `withinMs`. */
export async function survivorsAfter(pids: number[], withinMs = 5000): Promise<number[]> {
  const until = Date.now() + withinMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    alive = alive.filter(isAlive);
  }
  return alive;
}
