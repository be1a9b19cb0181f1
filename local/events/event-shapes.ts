import { randomUUID } from 'node:crypto';

/** An event as EventBridge delivers it (AWS-BEHAVIOUR.md section 6). */
// A type alias, not an interface, so that it is assignable to the event log's Record type.
export type EmulatorEvent = {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
};

/** The CloudTrail non-API events Secrets Manager records for rotation (section 6.1). */
export type RotationEventName =
  | 'RotationStarted'
  | 'RotationSucceeded'
  | 'RotationFailed'
  | 'RotationAbandoned'
  | 'TestRotationStarted'
  | 'TestRotationSucceeded'
  | 'TestRotationFailed';

export interface ServiceEventInput {
  readonly account: string;
  readonly region: string;
  readonly time: Date;
  readonly eventName: RotationEventName | string;
  readonly secretArn: string;
  /** Set on failures: `Error when executing lambda <arn> during <step> step`. */
  readonly errorMessage?: string;
  /** Identifies the rotation run; AWS uses `Rotation-<secret arn>-<uuid>`. */
  readonly requestId?: string;
}

/** CloudTrail timestamps have second precision. */
function isoSeconds(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

/**
 * Builds an `AWS Service Event via CloudTrail` EventBridge event carrying the documented CloudTrail record
 * (section 6.1: eventType AwsServiceEvent, invokedBy secretsmanager.amazonaws.com, additionalEventData.SecretId).
 */
export function serviceEvent(input: ServiceEventInput): EmulatorEvent {
  const time = isoSeconds(input.time);
  const detail: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: { accountId: input.account, invokedBy: 'secretsmanager.amazonaws.com' },
    eventTime: time,
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: 'secretsmanager.amazonaws.com',
    userAgent: 'secretsmanager.amazonaws.com',
    ...(input.errorMessage === undefined ? {} : { errorMessage: input.errorMessage }),
    requestParameters: null,
    responseElements: null,
    additionalEventData: { SecretId: input.secretArn },
    requestID: input.requestId ?? `Rotation-${input.secretArn}-${randomUUID()}`,
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: input.account,
    eventCategory: 'Management',
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.secretsmanager',
    account: input.account,
    time,
    region: input.region,
    resources: [],
    detail,
  };
}

export interface LabelUpdatedInput {
  readonly account: string;
  readonly region: string;
  readonly time: Date;
  readonly secretArn: string;
  readonly secretName: string;
  readonly label: string;
  readonly versionId: string;
}

/** Builds the native `Secret Label Updated` event (section 6.2). */
export function labelUpdatedEvent(input: LabelUpdatedInput): EmulatorEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Secret Label Updated',
    source: 'aws.secretsmanager',
    account: input.account,
    time: isoSeconds(input.time),
    region: input.region,
    resources: [input.secretArn],
    detail: { name: input.secretName, labelUpdated: input.label, versionId: input.versionId },
  };
}
