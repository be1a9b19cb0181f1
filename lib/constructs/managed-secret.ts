import { Annotations, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretConfig } from '../config/schema';
import { type SecretTarget, targetForArn, targetForName } from './secret-access';

/** Props of `ManagedSecret`. */
export interface ManagedSecretProps {
  readonly config: SecretConfig;
  /** Tag value marking secrets created by this deployment (`rotation:managed-by`). */
  readonly managedBy: string;
}

/**
 * One secret under rotation: the secret itself when the stack creates it (with its settings as `rotation:*`
 * tags), and how to reach it when it already exists. The schedule is attached by `attachSchedule` once the
 * function exists, because the function's role must name the secret first.
 */
export class ManagedSecret extends Construct {
  readonly config: SecretConfig;
  readonly target: SecretTarget;
  /** The created secret; undefined for an existing one. */
  readonly secret?: secretsmanager.Secret;
  schedule?: secretsmanager.CfnRotationSchedule;

  constructor(scope: Construct, id: string, props: ManagedSecretProps) {
    super(scope, id);
    const config = props.config;
    this.config = config;
    if (!config.create) {
      this.target = config.arn ? targetForArn(config.arn) : targetForName(this, config.name as string);
      const tags = Object.entries(config.rotationTags).map(([Key, Value]) => ({ Key, Value }));
      if (tags.length > 0) {
        // CloudFormation cannot tag a secret it does not own, and the function reads its settings from tags.
        Annotations.of(this).addInfo(
          `existing secret ${this.target.secretId} needs its settings as tags: aws secretsmanager tag-resource --secret-id ${this.target.secretId} --tags '${JSON.stringify(tags).replaceAll("'", "'\\''")}'`,
        );
      }
      return;
    }
    const field = config.generatedField;
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: config.name,
      description: config.description ?? `Rotated ${config.type} secret (managed by ${props.managedBy})`,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(config.kmsKeyArn ? { encryptionKey: kms.Key.fromKeyArn(this, 'Key', config.kmsKeyArn) } : {}),
      // The first value only has to exist: rotation replaces it (at once when rotateOnDeploy is set).
      generateSecretString:
        field === undefined
          ? { excludePunctuation: true, passwordLength: 48 }
          : {
              secretStringTemplate: JSON.stringify(config.initialFields),
              generateStringKey: field,
              excludePunctuation: true,
              passwordLength: 48,
            },
    });
    const tags = Tags.of(this.secret);
    for (const [key, value] of Object.entries(config.rotationTags)) tags.add(key, value);
    tags.add('rotation:managed-by', props.managedBy);
    tags.add('rotation:credential-type', config.type);
    if (config.owner) tags.add('owner', config.owner);
    if (config.consumers.length > 0) tags.add('consumers', config.consumers.join(' '));
    this.target = targetForArn(this.secret.secretArn);
  }

  /**
   * Adds the `AWS::SecretsManager::RotationSchedule`. Written as the L1 because the L2 `RotationSchedule`
   * grants invoke without `aws:SourceAccount` (once per secret) and has no window for cron schedules.
   */
  attachSchedule(rotationFunctionArn: string, dependsOn: Construct): secretsmanager.CfnRotationSchedule {
    const config = this.config;
    this.schedule = new secretsmanager.CfnRotationSchedule(this, 'Schedule', {
      secretId: this.secret ? this.secret.secretArn : this.target.secretId,
      rotationLambdaArn: rotationFunctionArn,
      rotateImmediatelyOnUpdate: config.rotateOnDeploy,
      rotationRules: { scheduleExpression: config.scheduleExpression, duration: config.window },
    });
    this.schedule.node.addDependency(dependsOn);
    return this.schedule;
  }
}
