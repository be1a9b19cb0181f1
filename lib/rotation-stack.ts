import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { CredentialTypeEntry } from '../lambdas/registry';
import type { RotationConfig } from './config/schema';
import { TYPE_PROFILES } from './config/type-profiles';
import { AlertTopic } from './constructs/alert-topic';
import type { CodeProvider } from './constructs/lambda-code';
import { createRevocationSweeper, type RevocationSweeperFactory } from './constructs/revocation-sweeper';
import { RotationDashboard } from './constructs/rotation-dashboard';
import { RotationMonitor } from './constructs/rotation-monitor';
import { retentionDays } from './retention';
import { SecretShardStack } from './secret-shard-stack';
import { planShards } from './shard-plan';

/** Props of `RotationStack`. */
export interface RotationStackProps extends StackProps {
  /** A config validated by `validateConfig` or `loadConfig`. */
  readonly config: RotationConfig;
  /**
   * Code of each function by bundle name (credential type or `monitor`).
   * @default - real esbuild bundles built by NodejsFunction
   */
  readonly codeFor?: CodeProvider;
  /** @default CREDENTIAL_TYPES from lambdas/registry.ts */
  readonly credentialTypes?: readonly CredentialTypeEntry[];
  /**
   * Builds the revocation sweeper, called when a type that can revoke old credentials is in use.
   * @default createRevocationSweeper (the bundled sweeper function on the config's `sweeper.schedule`)
   */
  readonly revocationSweeper?: RevocationSweeperFactory;
}

/**
 * Everything a config describes: the alert topic, one nested stack per shard of secrets (functions, schedules,
 * failure rule, alarms), the monitor, the dashboard and, when a type that can revoke is in use, the revocation sweeper.
 */
export class RotationStack extends Stack {
  readonly alerts: AlertTopic;
  readonly shards: SecretShardStack[];
  readonly monitor?: RotationMonitor;
  readonly dashboard: RotationDashboard;

  constructor(scope: Construct, id: string, props: RotationStackProps) {
    super(scope, id, props);
    const { config } = props;
    const permissionsBoundary = config.permissionsBoundaryArn
      ? iam.ManagedPolicy.fromManagedPolicyArn(this, 'PermissionsBoundary', config.permissionsBoundaryArn)
      : undefined;
    this.alerts = new AlertTopic(this, 'Alerts', { notifications: config.notifications });
    const rotationFunctionPrefix = `${config.functionNamePrefix}rotation-`;

    this.shards = planShards(config.secrets, config.secretsPerShard).map((secrets, index) => {
      const shard = new SecretShardStack(this, `Secrets${index}`, {
        config,
        secrets,
        shardIndex: index,
        topics: this.alerts.allTopics,
        alarmActions: this.alerts.alarmActions,
        description: `Rotated secrets, shard ${index} (${secrets.length} secrets)`,
        ...(permissionsBoundary ? { permissionsBoundary } : {}),
        ...(props.codeFor ? { codeFor: props.codeFor } : {}),
        ...(props.credentialTypes ? { credentialTypes: props.credentialTypes } : {}),
      });
      return shard;
    });

    if (config.monitor.enabled) {
      this.monitor = new RotationMonitor(this, 'Monitor', {
        schedule: config.monitor.schedule,
        rotationFunctionPrefix,
        alarmActions: this.alerts.alarmActions,
        logRetention: retentionDays(config.monitor.logRetentionDays),
        functionName: `${config.functionNamePrefix}secret-rotation-monitor`,
        ...(config.roleNamePrefix ? { roleName: `${config.roleNamePrefix}rotation-monitor` } : {}),
        ...(permissionsBoundary ? { permissionsBoundary } : {}),
        ...(props.codeFor ? { codeFor: props.codeFor } : {}),
      });
    }

    const typesInUse = [...new Set(config.secrets.map((s) => s.type))];
    this.dashboard = new RotationDashboard(this, 'Dashboard', {
      dashboardName: config.stackName,
      credentialTypes: typesInUse,
      rotationFunctionPrefix,
      monitorEnabled: config.monitor.enabled,
    });

    const revocable = config.secrets.filter((s) => TYPE_PROFILES[s.type]?.canRevoke);
    if (revocable.length > 0) {
      (props.revocationSweeper ?? createRevocationSweeper)(this, {
        secrets: revocable,
        alarmActions: this.alerts.alarmActions,
        schedule: config.sweeper.schedule,
        rotationFunctionPrefix,
        functionNamePrefix: config.functionNamePrefix,
        logRetention: retentionDays(config.sweeper.logRetentionDays),
        ...(permissionsBoundary ? { permissionsBoundary } : {}),
        ...(config.roleNamePrefix ? { roleNamePrefix: config.roleNamePrefix } : {}),
        ...(props.codeFor ? { codeFor: props.codeFor } : {}),
      });
    }

    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'SNS topic of rotation alerts',
    });
  }
}
