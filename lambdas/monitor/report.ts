import { METRICS_NAMESPACE } from '../core/metrics';
import type { SecretHealth } from './assess';

/** Namespace shared with the rotation engine's step metrics. */
export const MONITOR_NAMESPACE = METRICS_NAMESPACE;

/** Names of the monitor's metrics; the CDK alarms and dashboard use the same names. */
export const MONITOR_METRICS = {
  overdue: 'OverdueSecrets',
  stuck: 'StuckSecrets',
  disabled: 'RotationDisabledSecrets',
  watched: 'MonitoredSecrets',
  perSecretOverdue: 'RotationOverdue',
  perSecretStuck: 'RotationStuck',
  perSecretDisabled: 'RotationDisabled',
  age: 'HoursSinceLastRotation',
} as const;

/**
 * CloudWatch embedded-metric-format lines: one per secret (dimension SecretName: overdue, stuck, disabled as
 * 0/1 and the age of its last rotation, for the dashboard) and one summary without dimensions (the counts the
 * alarms watch, so 1,000 secrets need 3 alarms, not 3,000).
 */
export function buildReport(health: readonly SecretHealth[], namespace: string, timestamp: number): string[] {
  const lines = health.map((h) =>
    JSON.stringify({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [['SecretName']],
            Metrics: [
              { Name: MONITOR_METRICS.perSecretOverdue, Unit: 'Count' },
              { Name: MONITOR_METRICS.perSecretStuck, Unit: 'Count' },
              { Name: MONITOR_METRICS.perSecretDisabled, Unit: 'Count' },
              ...(h.hoursSinceRotation !== undefined ? [{ Name: MONITOR_METRICS.age, Unit: 'None' }] : []),
            ],
          },
        ],
      },
      SecretName: h.name,
      [MONITOR_METRICS.perSecretOverdue]: h.overdue ? 1 : 0,
      [MONITOR_METRICS.perSecretStuck]: h.stuck ? 1 : 0,
      [MONITOR_METRICS.perSecretDisabled]: h.disabled ? 1 : 0,
      ...(h.hoursSinceRotation !== undefined
        ? { [MONITOR_METRICS.age]: Math.round(h.hoursSinceRotation * 10) / 10 }
        : {}),
      ...(h.scheduleProblem !== undefined ? { scheduleProblem: h.scheduleProblem } : {}),
    }),
  );
  const count = (pick: (h: SecretHealth) => boolean) => health.filter(pick).length;
  const names = (pick: (h: SecretHealth) => boolean) => health.filter(pick).map((h) => h.name);
  lines.push(
    JSON.stringify({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [[]],
            Metrics: [
              { Name: MONITOR_METRICS.overdue, Unit: 'Count' },
              { Name: MONITOR_METRICS.stuck, Unit: 'Count' },
              { Name: MONITOR_METRICS.disabled, Unit: 'Count' },
              { Name: MONITOR_METRICS.watched, Unit: 'Count' },
            ],
          },
        ],
      },
      [MONITOR_METRICS.overdue]: count((h) => h.overdue),
      [MONITOR_METRICS.stuck]: count((h) => h.stuck),
      [MONITOR_METRICS.disabled]: count((h) => h.disabled),
      [MONITOR_METRICS.watched]: health.length,
      overdueSecrets: names((h) => h.overdue),
      stuckSecrets: names((h) => h.stuck),
      disabledSecrets: names((h) => h.disabled),
    }),
  );
  return lines;
}
