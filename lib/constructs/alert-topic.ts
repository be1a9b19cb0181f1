import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { NotificationsConfig } from '../config/schema';

/** Props of `AlertTopic`. */
export interface AlertTopicProps {
  readonly notifications: NotificationsConfig;
}

/**
 * Where every alarm and failure message goes: an SNS topic encrypted with its own KMS key (rotated yearly),
 * whose policy refuses publishing over plain HTTP, with the configured email subscriptions. Existing topics
 * from the config receive the same alarms and messages.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** This topic and the configured existing topics. */
  readonly allTopics: sns.ITopic[];
  /** An SNS alarm action per topic. */
  readonly alarmActions: cloudwatch.IAlarmAction[];

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the secret-rotation alert topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms and EventBridge publish to the topic as services, so they need the key.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `AllowPublishFrom${service.split('.')[0]}`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
    }
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Secret rotation alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.notifications.emails)
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    const existing = props.notifications.topicArns.map((arn, i) => sns.Topic.fromTopicArn(this, `Existing${i}`, arn));
    this.allTopics = [this.topic, ...existing];
    this.alarmActions = this.allTopics.map((t) => new cloudwatchActions.SnsAction(t));
  }
}
