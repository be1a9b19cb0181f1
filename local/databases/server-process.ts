import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { OsUser } from './os-user';

/** How to launch a database server and how to tell it is ready. */
export interface ServerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Run as this OS account (only possible when we are root). */
  readonly runAs?: OsUser;
  readonly env?: NodeJS.ProcessEnv;
  /** A line on stderr/stdout that means the server accepts connections. */
  readonly ready: RegExp;
  /** A line that means the port was taken, so the caller can retry on another port. */
  readonly portInUse: RegExp;
  /** Signal for a fast, clean shutdown (postgres: SIGINT, mariadbd: SIGTERM). */
  readonly stopSignal: NodeJS.Signals;
  readonly timeoutMs?: number;
  /** Directory to delete if the test process exits with the server still running. */
  readonly dataRoot?: string;
}

/** A running server process whose output is kept in memory. */
export interface ServerProcess {
  /** Everything the server wrote to stdout and stderr so far. */
  log(): string;
  /** Stops the server and waits for it to exit (idempotent). */
  stop(): Promise<void>;
}

/** Thrown when the server exits before it is ready because its port was taken. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Servers still running when the test process exits are killed so no orphan outlives a crashed jest worker. */
const running = new Map<ChildProcess, string | undefined>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dataRoot] of running) {
      child.kill('SIGKILL');
      if (dataRoot !== undefined) rmSync(dataRoot, { recursive: true, force: true });
    }
  });
}

/**
 * Spawns a server and resolves once it logs its ready line. Rejects with `PortInUseError` when it could not
 * bind, or with the server's own output when it exits or stays silent past the timeout.
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  installExitHook();
  const child = spawn(options.command, [...options.args], {
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.runAs?.uid,
    gid: options.runAs?.gid,
  });
  running.set(child, options.dataRoot);
  let output = '';
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(options.stopSignal);
    await exited;
  };
  const handle: ServerProcess = { log: () => output, stop };

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) resolve(handle);
      else void stop().then(() => reject(error));
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(
      () => settle(new Error(`${options.command} was not ready after ${timeoutMs} ms; its output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (options.ready.test(output)) settle();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => settle(new Error(`could not start ${options.command}: ${error.message}`)));
    void exited.then(() => {
      if (options.portInUse.test(output)) settle(new PortInUseError(`${options.command}: port in use`));
      else settle(new Error(`${options.command} exited before it was ready; its output:\n${output}`));
    });
  });
}

/** Starts a server on a fresh port, retrying a few times when another process grabbed the port first. */
export async function startOnFreePort<T>(
  start: (port: number) => Promise<T>,
  getPort: () => Promise<number>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await getPort());
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= 3) throw error;
    }
  }
}

/**
 * Data directories of throwaway servers not yet deleted. A process that exits without `stop()` (Ctrl-C handled with
 * process.exit, a crash, an exit during install-db) still deletes them; a running server process itself is killed by
 * startServerProcess's own exit hook.
 */
const liveRoots = new Set<string>();
let rootHookInstalled = false;

/** Deletes `root` when this process exits, unless `removeDataRoot` did it first. */
export function trackDataRoot(root: string): void {
  liveRoots.add(root);
  if (rootHookInstalled) return;
  rootHookInstalled = true;
  process.on('exit', () => {
    for (const dir of liveRoots) rmSync(dir, { recursive: true, force: true });
  });
}

/** Deletes a tracked data directory now. */
export async function removeDataRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  liveRoots.delete(root);
}
