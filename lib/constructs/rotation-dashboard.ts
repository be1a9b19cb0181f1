import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../lambdas/core/metrics';
import { MONITOR_METRICS } from '../../lambdas/monitor/report';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** Props of `RotationDashboard`. */
export interface RotationDashboardProps {
  readonly dashboardName?: string;
  /** Credential types in use. */
  readonly credentialTypes: readonly string[];
  /** Rotation function names of this deployment start with this. */
  readonly rotationFunctionPrefix: string;
  /** Whether the monitor runs (its widgets are left out otherwise). */
  readonly monitorEnabled: boolean;
}

function stepMetric(metricName: string, type: string, step: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { CredentialType: type, Step: step },
    statistic,
    period: Duration.hours(1),
    label: `${type} ${step}`,
  });
}

/**
 * One dashboard for the whole deployment: completed rotations and failed steps per type (the engine's EMF
 * metrics), step durations, Lambda errors and throttles of every rotation function (a search, so shards need
 * no widget each), the monitor's counts, and the age of each secret's last rotation (a Metrics Insights query
 * over the monitor's per-secret metric, which scales to any number of secrets).
 */
export class RotationDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RotationDashboardProps) {
    super(scope, id);
    const types = props.credentialTypes;
    const search = (metric: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="${metric}" FunctionName="${props.rotationFunctionPrefix}"', 'Sum', 300)`,
        label: metric,
        period: Duration.minutes(5),
      });
    const widgets: cloudwatch.IWidget[][] = [
      [
        new cloudwatch.GraphWidget({
          title: 'Completed rotations (finishSecret succeeded)',
          left: types.map((t) => stepMetric('StepSucceeded', t, 'finishSecret', 'Sum')),
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Failed rotation steps',
          left: types.flatMap((t) => STEPS.map((s) => stepMetric('StepFailed', t, s, 'Sum'))),
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Step duration p90 (ms)',
          left: types.flatMap((t) => STEPS.map((s) => stepMetric('StepDuration', t, s, 'p90'))),
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Rotation function errors and throttles',
          left: [search('Errors'), search('Throttles')],
          width: 12,
        }),
      ],
    ];
    if (props.monitorEnabled) {
      const summary = (name: string) =>
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: name,
          statistic: 'Maximum',
          period: Duration.hours(1),
        });
      widgets.push([
        new cloudwatch.GraphWidget({
          title: 'Secrets overdue, stuck, with rotation disabled',
          left: [summary(MONITOR_METRICS.overdue), summary(MONITOR_METRICS.stuck), summary(MONITOR_METRICS.disabled)],
          right: [summary(MONITOR_METRICS.watched)],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Hours since last rotation (oldest 50 secrets)',
          left: [
            new cloudwatch.MathExpression({
              expression: `SELECT MAX(${MONITOR_METRICS.age}) FROM SCHEMA("${METRICS_NAMESPACE}", SecretName) GROUP BY SecretName ORDER BY MAX() DESC LIMIT 50`,
              label: 'hours',
              period: Duration.hours(1),
            }),
          ],
          width: 12,
        }),
      ]);
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      widgets,
    });
  }
}
