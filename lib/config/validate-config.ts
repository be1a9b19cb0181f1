import { CREDENTIAL_TYPES } from '../../lambdas/registry';
import { ConfigValidationError } from './config-validation-error';
import { FieldReader } from './field-reader';
import { RISK_TIERS } from './risk-tiers';
import type {
  FunctionConfig,
  MonitorConfig,
  NotificationsConfig,
  RotationConfig,
  SecretConfig,
  SweeperConfig,
  VpcConfig,
} from './schema';
import { TYPE_PROFILES } from './type-profiles';
import { type SecretDefaults, validateSecret } from './validate-secret';

const TOP_FIELDS = [
  '$schema',
  'version',
  'stackName',
  'functionNamePrefix',
  'roleNamePrefix',
  'permissionsBoundaryArn',
  'defaults',
  'notifications',
  'functions',
  'monitor',
  'sweeper',
  'secretsPerShard',
  'secrets',
];
const DEFAULT_FIELDS = ['riskTier', 'window', 'rotateOnDeploy', 'memoryMb', 'timeoutSeconds', 'logRetentionDays'];
const FUNCTION_FIELDS = ['memoryMb', 'timeoutSeconds', 'logRetentionDays', 'vpc'];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Function defaults: rotations make a handful of API calls, so 256 MB and a minute leave wide margins. */
export const FUNCTION_DEFAULTS = { memoryMb: 256, timeoutSeconds: 60, logRetentionDays: 365 } as const;
/** Default number of secrets per nested stack; see docs/cdk.md "Scale". */
export const DEFAULT_SECRETS_PER_SHARD = 40;
export const DEFAULT_MONITOR_SCHEDULE = 'rate(1 hour)';
export const DEFAULT_SWEEPER_SCHEDULE = 'rate(1 hour)';

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/;
const NAME_PREFIX = /^[A-Za-z0-9_-]{0,24}$/;
const ROLE_PREFIX = /^[\w+=,.@-]{1,32}$/;
const RATE_OR_CRON = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/** Options of `validateConfig`. */
export interface ValidateConfigOptions {
  /** Where the config came from, for error messages. @default "(inline)" */
  readonly source?: string;
  /** Credential types that have a rotation function. @default the types in lambdas/registry.ts */
  readonly registeredTypes?: readonly string[];
}

function readVpc(reader: FieldReader, raw: unknown, path: string): VpcConfig | undefined {
  const obj = reader.object(raw, path, false);
  if (obj === undefined) return undefined;
  reader.onlyKeys(obj, ['vpcId', 'subnetIds', 'securityGroupIds'], path);
  const vpcId = reader.requiredString(
    obj.vpcId,
    `${path}.vpcId`,
    /^vpc-[0-9a-f]{8,17}$/,
    'a VPC id such as vpc-0abc1234',
  );
  const subnetIds = reader.stringList(obj.subnetIds, `${path}.subnetIds`, /^subnet-[0-9a-f]{8,17}$/, 'subnet ids');
  const securityGroupIds = reader.stringList(
    obj.securityGroupIds,
    `${path}.securityGroupIds`,
    /^sg-[0-9a-f]{8,17}$/,
    'security group ids',
  );
  if (subnetIds.length === 0) reader.report(`${path}.subnetIds`, 'at least one subnet id', obj.subnetIds);
  if (securityGroupIds.length === 0)
    reader.report(`${path}.securityGroupIds`, 'at least one security group id', obj.securityGroupIds);
  return vpcId === undefined ? undefined : { vpcId, subnetIds, securityGroupIds };
}

function readFunctionSettings(
  reader: FieldReader,
  raw: Record<string, unknown>,
  path: string,
  base: { memoryMb: number; timeoutSeconds: number; logRetentionDays: number },
): { memoryMb: number; timeoutSeconds: number; logRetentionDays: number } {
  const retention = raw.logRetentionDays;
  if (retention !== undefined && !(LOG_RETENTION_DAYS as readonly unknown[]).includes(retention)) {
    reader.report(`${path}.logRetentionDays`, `one of ${LOG_RETENTION_DAYS.join(', ')}`, retention);
  }
  return {
    memoryMb: reader.integer(raw.memoryMb, `${path}.memoryMb`, 128, 10240) ?? base.memoryMb,
    timeoutSeconds: reader.integer(raw.timeoutSeconds, `${path}.timeoutSeconds`, 3, 900) ?? base.timeoutSeconds,
    logRetentionDays: typeof retention === 'number' ? retention : base.logRetentionDays,
  };
}

function readNotifications(reader: FieldReader, raw: unknown): NotificationsConfig {
  const obj = reader.object(raw, 'notifications', false) ?? {};
  reader.onlyKeys(obj, ['emails', 'topicArns'], 'notifications');
  return {
    emails: reader.stringList(obj.emails, 'notifications.emails', EMAIL, 'email addresses'),
    topicArns: reader.stringList(obj.topicArns, 'notifications.topicArns', TOPIC_ARN, 'SNS topic ARNs'),
  };
}

function readMonitor(reader: FieldReader, raw: unknown, logRetentionDays: number): MonitorConfig {
  const obj = reader.object(raw, 'monitor', false) ?? {};
  reader.onlyKeys(obj, ['enabled', 'schedule'], 'monitor');
  return {
    logRetentionDays,
    enabled: reader.boolean(obj.enabled, 'monitor.enabled') ?? true,
    schedule:
      reader.string(
        obj.schedule,
        'monitor.schedule',
        RATE_OR_CRON,
        'an EventBridge rate(...) or cron(...) expression',
      ) ?? DEFAULT_MONITOR_SCHEDULE,
  };
}

function readSweeper(reader: FieldReader, raw: unknown, logRetentionDays: number): SweeperConfig {
  const obj = reader.object(raw, 'sweeper', false) ?? {};
  reader.onlyKeys(obj, ['schedule'], 'sweeper');
  return {
    logRetentionDays,
    schedule:
      reader.string(
        obj.schedule,
        'sweeper.schedule',
        RATE_OR_CRON,
        'an EventBridge rate(...) or cron(...) expression',
      ) ?? DEFAULT_SWEEPER_SCHEDULE,
  };
}

function checkUnique(reader: FieldReader, secrets: readonly SecretConfig[], indexes: readonly number[]): void {
  const seen = new Map<string, number>();
  secrets.forEach((secret, i) => {
    for (const key of [`id:${secret.id}`, `name:${secret.name ?? secret.arn}`]) {
      const first = seen.get(key);
      if (first !== undefined) {
        const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        reader.reportText(
          `secrets[${indexes[i]}].${kind === 'id' ? 'id' : 'name'}`,
          `a ${kind} not used by secrets[${indexes[first]}]`,
          `"${value}"`,
        );
      } else seen.set(key, i);
    }
  });
}

/**
 * Validates a parsed config file and fills in every default. Throws `ConfigValidationError` listing every
 * problem (path, expected, found).
 */
export function validateConfig(raw: unknown, options: ValidateConfigOptions = {}): RotationConfig {
  const reader = new FieldReader();
  const registered = options.registeredTypes ?? CREDENTIAL_TYPES.map((t) => t.name);
  const top = reader.object(raw, '(root)');
  if (top === undefined) throw new ConfigValidationError(options.source ?? '(inline)', reader.issues);
  reader.onlyKeys(top, TOP_FIELDS, '(root)');
  if (top.version !== undefined && top.version !== 1) reader.report('version', '1', top.version);

  const defaultsRaw = reader.object(top.defaults, 'defaults', false) ?? {};
  reader.onlyKeys(defaultsRaw, DEFAULT_FIELDS, 'defaults');
  const secretDefaults: SecretDefaults = {
    ...(reader.oneOf(defaultsRaw.riskTier, 'defaults.riskTier', RISK_TIERS) !== undefined
      ? { riskTier: defaultsRaw.riskTier as SecretDefaults['riskTier'] }
      : {}),
    ...(reader.string(defaultsRaw.window, 'defaults.window', /^[0-9]{1,2}h$/, 'a window in hours such as "4h"') !==
    undefined
      ? { window: defaultsRaw.window as string }
      : {}),
    rotateOnDeploy: reader.boolean(defaultsRaw.rotateOnDeploy, 'defaults.rotateOnDeploy') ?? false,
  };
  const functionBase = readFunctionSettings(reader, defaultsRaw, 'defaults', FUNCTION_DEFAULTS);

  const secrets: SecretConfig[] = [];
  const indexes: number[] = [];
  if (!Array.isArray(top.secrets) || top.secrets.length === 0) {
    reader.report('secrets', 'a non-empty list of secrets', top.secrets);
  } else {
    top.secrets.forEach((entry, i) => {
      const secret = validateSecret(reader, entry, `secrets[${i}]`, registered, secretDefaults);
      if (secret !== undefined) {
        secrets.push(secret);
        indexes.push(i);
      }
    });
  }
  checkUnique(reader, secrets, indexes);

  const usedTypes = [...new Set(secrets.map((s) => s.type))];
  const functionsRaw = reader.object(top.functions, 'functions', false) ?? {};
  const functions: Record<string, FunctionConfig> = {};
  for (const key of Object.keys(functionsRaw)) {
    if (!registered.includes(key))
      reader.report(`functions.${key}`, `a registered credential type (${registered.join(', ')})`, key);
  }
  for (const type of usedTypes) {
    const path = `functions.${type}`;
    const obj = reader.object(functionsRaw[type], path, false) ?? {};
    reader.onlyKeys(obj, FUNCTION_FIELDS, path);
    const vpc = readVpc(reader, obj.vpc, `${path}.vpc`);
    if (vpc !== undefined && !TYPE_PROFILES[type]?.targets.vpc)
      reader.report(`${path}.vpc`, `no VPC for type "${type}" (it reaches no database)`, obj.vpc);
    functions[type] = { ...readFunctionSettings(reader, obj, path, functionBase), ...(vpc ? { vpc } : {}) };
  }

  const config: RotationConfig = {
    stackName:
      reader.string(top.stackName, 'stackName', STACK_NAME, 'a stack name (a letter, then letters, digits, -)') ??
      'SecretRotation',
    functionNamePrefix:
      reader.string(top.functionNamePrefix, 'functionNamePrefix', NAME_PREFIX, 'at most 24 of A-Z a-z 0-9 _ -') ?? '',
    ...(top.roleNamePrefix !== undefined
      ? {
          roleNamePrefix: reader.string(
            top.roleNamePrefix,
            'roleNamePrefix',
            ROLE_PREFIX,
            'at most 32 IAM name characters',
          ),
        }
      : {}),
    ...(top.permissionsBoundaryArn !== undefined
      ? {
          permissionsBoundaryArn: reader.string(
            top.permissionsBoundaryArn,
            'permissionsBoundaryArn',
            POLICY_ARN,
            'an IAM managed policy ARN',
          ),
        }
      : {}),
    notifications: readNotifications(reader, top.notifications),
    functions,
    monitor: readMonitor(reader, top.monitor, functionBase.logRetentionDays),
    sweeper: readSweeper(reader, top.sweeper, functionBase.logRetentionDays),
    secretsPerShard: reader.integer(top.secretsPerShard, 'secretsPerShard', 1, 100) ?? DEFAULT_SECRETS_PER_SHARD,
    secrets,
  };
  if (reader.issues.length > 0) throw new ConfigValidationError(options.source ?? '(inline)', reader.issues);
  return config;
}
