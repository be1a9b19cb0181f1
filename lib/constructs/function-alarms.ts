import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Props of `FunctionAlarms`. */
export interface FunctionAlarmsProps {
  readonly function: lambda.IFunction;
  /** The function's configured timeout: the duration alarm fires at 80% of it. */
  readonly timeout: Duration;
  /** Where alarm state changes go. */
  readonly actions: readonly cloudwatch.IAlarmAction[];
  /** Human name for alarm descriptions, e.g. `rotation function for random-secret`. */
  readonly label: string;
}

/**
 * Errors, throttles and near-timeout durations of one function. Any error of a rotation function is a failed
 * rotation step, so the thresholds are 1, not a rate; a function that runs close to its timeout is about to
 * start failing, so that is alarmed before it does.
 */
export class FunctionAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly duration: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    this.errors = props.function.metricErrors({ period, statistic: 'Sum' }).createAlarm(this, 'Errors', {
      alarmDescription: `The ${props.label} reported errors (an invocation failed). See its log group.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttles = props.function.metricThrottles({ period, statistic: 'Sum' }).createAlarm(this, 'Throttles', {
      alarmDescription: `The ${props.label} was throttled: Secrets Manager's synchronous invocation failed.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const limit = Math.floor(props.timeout.toMilliseconds() * 0.8);
    this.duration = props.function.metricDuration({ period, statistic: 'Maximum' }).createAlarm(this, 'NearTimeout', {
      alarmDescription: `The ${props.label} ran for over 80% of its ${props.timeout.toSeconds()} s timeout.`,
      threshold: limit,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.errors, this.throttles, this.duration]) alarm.addAlarmAction(...props.actions);
  }
}
