import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { assessSecret, type SecretHealth } from './assess';
import { listWatchedSecrets } from './inventory';
import { buildReport, MONITOR_NAMESPACE } from './report';

/** Dependencies of one monitor run; tests pass their own. */
export interface MonitorDeps {
  readonly client: SecretsManagerClient;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly write: (line: string) => void;
}

/**
 * One monitor run: judges every secret rotated by this deployment's functions and writes the EMF report.
 * Returns the judgements (for tests and for the invocation result).
 */
export async function runMonitor(deps: MonitorDeps): Promise<SecretHealth[]> {
  const functionNamePrefix = deps.env.ROTATION_FUNCTION_PREFIX || 'rotation-';
  const namespace = deps.env.METRICS_NAMESPACE || MONITOR_NAMESPACE;
  const watched = await listWatchedSecrets(deps.client, { functionNamePrefix });
  const now = deps.now();
  const health = watched.map((w) => assessSecret(w.view, w.pendingCreatedAt, now));
  for (const line of buildReport(health, namespace, now.getTime())) deps.write(line);
  return health;
}

const client = new SecretsManagerClient({});

/** Lambda entry point, run on the stack's EventBridge schedule. */
export async function handler(): Promise<{ overdue: number; stuck: number; disabled: number; watched: number }> {
  const health = await runMonitor({
    client,
    env: process.env,
    now: () => new Date(),
    write: (line) => process.stdout.write(`${line}\n`),
  });
  return {
    overdue: health.filter((h) => h.overdue).length,
    stuck: health.filter((h) => h.stuck).length,
    disabled: health.filter((h) => h.disabled).length,
    watched: health.length,
  };
}
