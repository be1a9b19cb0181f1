import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MONITOR_METRICS, MONITOR_NAMESPACE } from '../../lambdas/monitor/report';
import { acknowledgeWildcard, NAG_REASONS } from '../nag-suppressions';
import { FunctionAlarms } from './function-alarms';
import { createBundledFunction, type ScheduledFunctionProps } from './lambda-code';

/** Props of `RotationMonitor`. */
export type RotationMonitorProps = ScheduledFunctionProps;

/**
 * A function on a schedule that reports, for every secret this deployment rotates, whether rotation is
 * overdue, stuck or switched off (metrics in namespace SecretRotation), with an alarm per condition. Secret
 * Manager's own events say when a rotation fails; only polling finds rotations that never started.
 */
export class RotationMonitor extends Construct {
  readonly function: lambda.Function;
  readonly rule: events.Rule;
  readonly overdueAlarm: cloudwatch.Alarm;
  readonly stuckAlarm: cloudwatch.Alarm;
  readonly disabledAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RotationMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads rotation metadata of managed secrets (never their values)',
      ...(props.roleName ? { roleName: props.roleName } : {}),
      ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
      inlinePolicies: {
        Monitor: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
            new iam.PolicyStatement({ sid: 'ListSecrets', actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
            new iam.PolicyStatement({
              sid: 'ReadVersionMetadata',
              actions: ['secretsmanager:ListSecretVersionIds'],
              resources: [`arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:*`],
            }),
          ],
        }),
      },
    });
    acknowledgeWildcard(role, '*', NAG_REASONS.listSecrets);
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const versionResource = `arn:${shown(stack.partition, 'Partition')}:secretsmanager:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:secret:*`;
    acknowledgeWildcard(role, versionResource, NAG_REASONS.listVersionIds);
    this.function = createBundledFunction(this, 'Function', {
      bundleName: 'monitor',
      entry: 'lambdas/monitor/handler.ts',
      codeFor: props.codeFor,
      functionName: props.functionName,
      role,
      memorySize: 256,
      timeout: Duration.minutes(5),
      logGroup,
      description: 'Reports overdue, stuck and disabled rotations of managed secrets',
      environment: { ROTATION_FUNCTION_PREFIX: props.rotationFunctionPrefix, METRICS_NAMESPACE: MONITOR_NAMESPACE },
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the secret rotation monitor',
      schedule: events.Schedule.expression(props.schedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
    new FunctionAlarms(this, 'FunctionAlarms', {
      function: this.function,
      timeout: Duration.minutes(5),
      actions: props.alarmActions,
      label: 'rotation monitor',
    });
    const alarm = (alarmId: string, metricName: string, description: string) => {
      const created = this.metric(metricName).createAlarm(this, alarmId, {
        alarmDescription: `${description} The monitor's log line "overdueSecrets/stuckSecrets/disabledSecrets" names them.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(...props.alarmActions);
      return created;
    };
    this.overdueAlarm = alarm(
      'OverdueAlarm',
      MONITOR_METRICS.overdue,
      'A managed secret has not rotated within its schedule plus window.',
    );
    this.stuckAlarm = alarm(
      'StuckAlarm',
      MONITOR_METRICS.stuck,
      'A managed secret has an incomplete rotation (AWSPENDING) older than its window.',
    );
    this.disabledAlarm = alarm(
      'DisabledAlarm',
      MONITOR_METRICS.disabled,
      'Automatic rotation is switched off on a managed secret.',
    );
  }

  /** A summary metric of the monitor (`OverdueSecrets`, `StuckSecrets`, `RotationDisabledSecrets`, `MonitoredSecrets`). */
  metric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: MONITOR_NAMESPACE,
      metricName,
      statistic: 'Maximum',
      period: Duration.hours(1),
    });
  }
}
