import { Duration, NestedStack, type NestedStackProps, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { CREDENTIAL_TYPES, type CredentialTypeEntry, rotationFunctionName } from '../lambdas/registry';
import type { FunctionConfig, RotationConfig, SecretConfig } from './config/schema';
import { FunctionAlarms } from './constructs/function-alarms';
import type { CodeProvider } from './constructs/lambda-code';
import { ManagedSecret } from './constructs/managed-secret';
import { RotationFailureRule } from './constructs/rotation-failure-rule';
import { type RotatedSecretAccess, RotationFunction } from './constructs/rotation-function';
import { referencedSecretResource } from './constructs/secret-access';
import { retentionDays } from './retention';

/** Props of `SecretShardStack`. */
export interface SecretShardStackProps extends NestedStackProps {
  readonly config: RotationConfig;
  readonly secrets: readonly SecretConfig[];
  /** 0 for the first shard; later shards suffix their function names with `-<index>`. */
  readonly shardIndex: number;
  readonly topics: readonly sns.ITopic[];
  readonly alarmActions: readonly cloudwatch.IAlarmAction[];
  readonly permissionsBoundary?: iam.IManagedPolicy;
  readonly codeFor?: CodeProvider;
  /** Registered credential types. @default CREDENTIAL_TYPES */
  readonly credentialTypes?: readonly CredentialTypeEntry[];
}

/**
 * One slice of the managed secrets, with the rotation functions (one per type in the slice) that rotate them
 * and may touch only them, their schedules, and their failure rule. Slicing keeps every template under
 * CloudFormation's 500 resources and every role policy and event pattern under their size limits, whatever
 * the number of secrets.
 */
export class SecretShardStack extends NestedStack {
  readonly functions: Record<string, RotationFunction> = {};
  readonly managedSecrets: ManagedSecret[] = [];
  readonly failureRule: RotationFailureRule;

  constructor(scope: Construct, id: string, props: SecretShardStackProps) {
    super(scope, id, props);
    const { config } = props;
    const types = props.credentialTypes ?? CREDENTIAL_TYPES;
    const suffix = props.shardIndex === 0 ? '' : `-${props.shardIndex}`;
    for (const secret of props.secrets) {
      this.managedSecrets.push(new ManagedSecret(this, secret.id, { config: secret, managedBy: config.stackName }));
    }
    const typeNames = [...new Set(props.secrets.map((s) => s.type))];
    for (const typeName of typeNames) {
      const entry = types.find((t) => t.name === typeName);
      if (entry === undefined)
        throw new Error(`credential type "${typeName}" is not registered in lambdas/registry.ts`);
      const fnConfig: FunctionConfig = config.functions[typeName];
      const secrets = this.managedSecrets.filter((m) => m.config.type === typeName);
      const rotationFn = new RotationFunction(this, `Rotation-${typeName}`, {
        typeName,
        entry: entry.entry,
        secrets: secrets.map((m) => this.access(m)),
        memorySize: fnConfig.memoryMb,
        timeout: Duration.seconds(fnConfig.timeoutSeconds),
        logRetention: retentionDays(fnConfig.logRetentionDays),
        functionName: `${config.functionNamePrefix}${rotationFunctionName(typeName)}${suffix}`,
        ...(config.roleNamePrefix ? { roleName: `${config.roleNamePrefix}rotation-${typeName}${suffix}` } : {}),
        ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
        ...(fnConfig.vpc ? { vpc: fnConfig.vpc } : {}),
        ...(props.codeFor ? { codeFor: props.codeFor } : {}),
      });
      new FunctionAlarms(rotationFn, 'Alarms', {
        function: rotationFn.function,
        timeout: rotationFn.timeout,
        actions: props.alarmActions,
        label: `rotation function for ${typeName}${suffix ? ` (shard ${props.shardIndex})` : ''}`,
      });
      for (const managed of secrets)
        managed.attachSchedule(rotationFn.function.functionArn, rotationFn.invokePermission);
      this.functions[typeName] = rotationFn;
    }
    this.failureRule = new RotationFailureRule(this, 'RotationFailures', {
      secrets: this.managedSecrets.map((m) => m.target),
      topics: props.topics,
      alarmActions: props.alarmActions,
    });
  }

  private access(managed: ManagedSecret): RotatedSecretAccess {
    const config = managed.config;
    const stack = Stack.of(this);
    return {
      target: managed.target,
      ...(config.kmsKeyArn ? { kmsKeyArn: config.kmsKeyArn } : {}),
      ...(config.masterSecret ? { masterSecretResource: referencedSecretResource(this, config.masterSecret) } : {}),
      ...(config.masterSecretKmsKeyArn ? { masterSecretKmsKeyArn: config.masterSecretKmsKeyArn } : {}),
      ...(config.dataApi ? { dataApiClusterArn: config.dataApi.clusterArn } : {}),
      ...(config.iamUser
        ? {
            iamUserArn: `arn:${stack.partition}:iam::${stack.account}:user${config.iamUser.path}${config.iamUser.userName}`,
          }
        : {}),
    };
  }
}
