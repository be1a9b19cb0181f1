import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SecretTarget } from './secret-access';

/** The CloudTrail service events that mean a rotation did not complete (AWS-BEHAVIOUR.md section 6.1). */
export const ROTATION_FAILURE_EVENTS = ['RotationFailed', 'RotationAbandoned', 'TestRotationFailed'] as const;

/** Props of `RotationFailureRule`. */
export interface RotationFailureRuleProps {
  readonly secrets: readonly SecretTarget[];
  /** Topics that receive the readable failure message. */
  readonly topics: readonly sns.ITopic[];
  /** Where the rule's alarm goes. */
  readonly alarmActions: readonly cloudwatch.IAlarmAction[];
}

/** EventBridge pattern matching the failure events of the given secrets. */
export function rotationFailurePattern(secrets: readonly SecretTarget[]): events.EventPattern {
  return {
    source: ['aws.secretsmanager'],
    detailType: ['AWS Service Event via CloudTrail'],
    detail: {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: [...ROTATION_FAILURE_EVENTS],
      additionalEventData: { SecretId: secrets.map((s) => s.eventMatcher) },
    },
  };
}

/**
 * Tells people when Secrets Manager gives up on a rotation of a managed secret: an EventBridge rule on the
 * CloudTrail events RotationFailed, RotationAbandoned and TestRotationFailed that sends a one-paragraph message
 * (what failed, which secret, the error, what to do) to the topics, and an alarm on the rule's matches for
 * dashboards and for anyone who watches alarms rather than mail.
 */
export class RotationFailureRule extends Construct {
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RotationFailureRuleProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Secrets Manager rotation failures of managed secrets',
      eventPattern: rotationFailurePattern(props.secrets),
    });
    const secretId = events.EventField.fromPath('$.detail.additionalEventData.SecretId');
    const message = events.RuleTargetInput.fromText(
      [
        `Secrets Manager ${events.EventField.fromPath('$.detail.eventName')} for secret ${secretId}`,
        `at ${events.EventField.fromPath('$.detail.eventTime')} in ${events.EventField.fromPath('$.region')}:`,
        `${events.EventField.fromPath('$.detail.errorMessage')}.`,
        'Check the log group of the rotation function, fix the cause, then retry with:',
        `aws secretsmanager rotate-secret --secret-id ${secretId}`,
      ].join(' '),
    );
    for (const topic of props.topics) this.rule.addTarget(new targets.SnsTopic(topic, { message }));
    this.alarm = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'MatchedEvents',
      dimensionsMap: { RuleName: this.rule.ruleName },
      statistic: 'Sum',
      period: Duration.minutes(5),
    }).createAlarm(this, 'Alarm', {
      alarmDescription: 'Secrets Manager reported a failed, abandoned or failed-test rotation of a managed secret.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(...props.alarmActions);
  }
}
