import { execFile } from 'node:child_process';

/** What one `aws` CLI run produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (the CLI runs with `--output json`); undefined when empty. */
  readonly json: Record<string, unknown> | undefined;
}

/**
 * Runs the `aws` CLI against `endpoint` with the emulator's root credentials, no retries and no user config,
 * and resolves (never rejects) with its exit code and output.
 */
export function awsCli(endpoint: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolveRun) => {
    execFile(
      'aws',
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_MAX_ATTEMPTS: '1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? Number(typeof error.code === 'number' ? error.code : 1) : 0;
        resolveRun({ code, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : undefined });
      },
    );
  });
}
