import type { RotationStep } from './event';
import { writeLine } from './logger';

/** CloudWatch namespace of the engine's metrics; the CDK alarms and dashboard read the same names. */
export const METRICS_NAMESPACE = 'SecretRotation';

export type StepOutcome = 'succeeded' | 'failed';

export interface StepMetric {
  readonly credentialType: string;
  readonly step: RotationStep;
  readonly outcome: StepOutcome;
  readonly durationMs: number;
}

/**
 * Writes one CloudWatch embedded-metric-format line per finished step: StepSucceeded or StepFailed (Count) and
 * StepDuration (Milliseconds), dimensions CredentialType and Step. CloudWatch Logs turns the line into metrics
 * with no API call, so recording a metric costs the rotation nothing.
 */
export function emitStepMetric(
  metric: StepMetric,
  namespace = process.env.METRICS_NAMESPACE || METRICS_NAMESPACE,
): void {
  const countName = metric.outcome === 'succeeded' ? 'StepSucceeded' : 'StepFailed';
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['CredentialType', 'Step']],
          Metrics: [
            { Name: countName, Unit: 'Count' },
            { Name: 'StepDuration', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    CredentialType: metric.credentialType,
    Step: metric.step,
    [countName]: 1,
    StepDuration: Math.round(metric.durationMs),
  };
  writeLine(JSON.stringify(line));
}
