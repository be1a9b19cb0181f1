/**
 * The validated, defaulted shape of a rotation config file. `validateConfig` turns the raw JSON or YAML into
 * this; the constructs only ever see this shape, so every default is decided in one place.
 */

/** Risk tiers: the longest time a secret of this tier may live. See `RISK_TIER_SCHEDULES`. */
export type RiskTier = 'high' | 'standard' | 'low';

/** Where alarm and failure notifications go. */
export interface NotificationsConfig {
  /** Email addresses subscribed to the stack's topic (each must confirm the subscription). */
  readonly emails: readonly string[];
  /** Existing SNS topics that receive every alarm and rotation-failure message as well. */
  readonly topicArns: readonly string[];
}

/** A VPC for the functions of one credential type (direct database access). */
export interface VpcConfig {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Function settings of one credential type. */
export interface FunctionConfig {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  /** Present only when the type's functions run in a VPC. */
  readonly vpc?: VpcConfig;
}

/**
 * RDS Data API target of a database secret. The database name is not here: the function takes it from the
 * secret's own `dbname` field, as the direct connection does.
 */
export interface DataApiConfig {
  /** The Aurora cluster: tag `rotation:cluster-arn`, and the only cluster the function's role may call. */
  readonly clusterArn: string;
}

/** IAM user whose access keys a secret holds. */
export interface IamUserConfig {
  readonly userName: string;
  /** IAM path, `/` unless the user lives under a path. */
  readonly path: string;
}

/** One managed secret. */
export interface SecretConfig {
  /** Construct id: public contract, renaming it replaces the secret's resources. */
  readonly id: string;
  /** Secret name; absent when the secret is referenced only by ARN. */
  readonly name?: string;
  /** Full ARN of an existing secret. */
  readonly arn?: string;
  /** True when the stack creates the secret; false for an existing secret. */
  readonly create: boolean;
  readonly type: string;
  readonly description?: string;
  /** `rate(...)` or `cron(...)`, already validated as Secrets Manager validates it. */
  readonly scheduleExpression: string;
  /** Rotation window, `<n>h`. */
  readonly window: string;
  readonly riskTier?: RiskTier;
  /** Rotate as soon as the schedule is deployed or changed (`RotateImmediatelyOnUpdate`). */
  readonly rotateOnDeploy: boolean;
  /** Customer managed KMS key of the secret; absent for the AWS managed key. */
  readonly kmsKeyArn?: string;
  readonly owner?: string;
  readonly consumers: readonly string[];
  /** `rotation:*` tags carrying the type-specific settings to the function. */
  readonly rotationTags: Readonly<Record<string, string>>;
  /** Name or ARN of the admin secret that alternating-users rotation logs in with. */
  readonly masterSecret?: string;
  /** Customer managed KMS key of the admin secret; absent for the AWS managed key. */
  readonly masterSecretKmsKeyArn?: string;
  readonly dataApi?: DataApiConfig;
  readonly iamUser?: IamUserConfig;
  /** JSON field that holds the generated value of a created secret; absent for a plain-string secret. */
  readonly generatedField?: string;
  /** Non-secret fields of a created secret's first value (host, port, username...). */
  readonly initialFields: Readonly<Record<string, string | number | boolean>>;
}

/** Settings of the monitor function. */
export interface MonitorConfig {
  readonly enabled: boolean;
  /** EventBridge schedule of the monitor, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  /** Retention of the monitor's log group (the config's default retention). */
  readonly logRetentionDays: number;
}

/** Settings of the revocation sweeper, deployed when a type that can revoke old credentials is in use. */
export interface SweeperConfig {
  /** EventBridge schedule of the sweep, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  /** Retention of the sweeper's log group (the config's default retention). */
  readonly logRetentionDays: number;
}

/** A whole validated config. */
export interface RotationConfig {
  readonly stackName: string;
  /** Prefix of every rotation function name (`<prefix>rotation-<type>`). */
  readonly functionNamePrefix: string;
  /** Prefix of every IAM role name; absent to let CloudFormation name the roles. */
  readonly roleNamePrefix?: string;
  /** ARN of a managed policy set as the permissions boundary of every role. */
  readonly permissionsBoundaryArn?: string;
  readonly notifications: NotificationsConfig;
  /** Function settings per credential type in use. */
  readonly functions: Readonly<Record<string, FunctionConfig>>;
  readonly monitor: MonitorConfig;
  readonly sweeper: SweeperConfig;
  /** Most secrets per nested stack (see docs/cdk.md, "Scale"). */
  readonly secretsPerShard: number;
  readonly secrets: readonly SecretConfig[];
}
