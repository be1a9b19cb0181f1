import { type Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { VpcConfig } from '../config/schema';
import { acknowledgeWildcard, NAG_REASONS } from '../nag-suppressions';
import { type CodeProvider, createBundledFunction } from './lambda-code';
import type { SecretTarget } from './secret-access';

/** Everything one managed secret needs its rotation function to be allowed to touch. */
export interface RotatedSecretAccess {
  readonly target: SecretTarget;
  /** Customer managed key of the secret; absent for the AWS managed key (no KMS grant needed). */
  readonly kmsKeyArn?: string;
  /** IAM resource of the admin secret used by alternating-users rotation. */
  readonly masterSecretResource?: string;
  /** Customer managed key of the admin secret; absent for the AWS managed key. */
  readonly masterSecretKmsKeyArn?: string;
  /** Aurora cluster reached through the RDS Data API; the role then also gets the login-probe permissions. */
  readonly dataApiClusterArn?: string;
  /** IAM user whose access keys the secret holds. */
  readonly iamUserArn?: string;
}

/** Props of `RotationFunction`. */
export interface RotationFunctionProps {
  readonly typeName: string;
  /** Handler source relative to the repository root (from lambdas/registry.ts). */
  readonly entry: string;
  /** The secrets this function rotates: its role may touch these and nothing else. */
  readonly secrets: readonly RotatedSecretAccess[];
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** @default - CloudFormation generates a name */
  readonly functionName?: string;
  /** @default - CloudFormation generates a name */
  readonly roleName?: string;
  /** @default - no permissions boundary */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** @default - the function runs outside any VPC and gets no network-interface permissions */
  readonly vpc?: VpcConfig;
  /** @default - real esbuild bundles */
  readonly codeFor?: CodeProvider;
}

const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
/** The RDS Data API calls of a database rotation: its statements and the transactions around them. */
export const DATA_API_ACTIONS = [
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:ExecuteStatement',
  'rds-data:RollbackTransaction',
];
/**
 * The Data API logs in only with a secret's AWSCURRENT value, so to prove that a pending password works the
 * function stores it in a short-lived probe secret `rotation-probe/<token>/<stage>-<hex>`, runs `SELECT 1` with it
 * and deletes it; the Data API reads the probe with the function's own credentials.
 */
export const PROBE_SECRET_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:TagResource',
];
/** Name prefix of the Data API login probes (see `PROBE_SECRET_ACTIONS`). */
export const PROBE_SECRET_PREFIX = 'rotation-probe/';
const IAM_KEY_ACTIONS = [
  'iam:CreateAccessKey',
  'iam:DeleteAccessKey',
  'iam:GetAccessKeyLastUsed',
  'iam:ListAccessKeys',
  'iam:UpdateAccessKey',
];
/** The actions Lambda needs to attach a function to a VPC (those of AWSLambdaVPCAccessExecutionRole). */
export const NETWORK_INTERFACE_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:UnassignPrivateIpAddresses',
];

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/**
 * The rotation function of one credential type, with a least-privilege role: Secrets Manager actions only on
 * its secrets, KMS only through Secrets Manager and only for secrets with their own keys, the Data API only on
 * the named clusters (and its login-probe secrets only when a secret uses it), master secrets only for alternating
 * users, IAM key actions only on the named users, network interfaces only in a VPC. Secrets Manager may invoke it
 * only from this account (`aws:SourceAccount`), which closes the confused-deputy hole that CDK's own rotation
 * constructs leave open.
 */
export class RotationFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The invoke permission: rotation schedules depend on it, or RotateSecret fails with AccessDenied. */
  readonly invokePermission: lambda.CfnPermission;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    if (props.secrets.length === 0)
      throw new Error(`rotation function for ${props.typeName} must rotate at least one secret, got none`);
    this.timeout = props.timeout;
    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rotates ${props.typeName} secrets`,
      ...(props.roleName ? { roleName: props.roleName } : {}),
      ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
      inlinePolicies: { Rotation: new iam.PolicyDocument({ statements: this.statements(props, stack) }) },
    });
    if (props.vpc) acknowledgeWildcard(this.role, '*', NAG_REASONS.vpcNetworkInterfaces);
    const probes = props.secrets.some((s) => s.dataApiClusterArn !== undefined) ? this.probePolicy(stack) : undefined;
    this.function = createBundledFunction(this, 'Function', {
      bundleName: props.typeName,
      entry: props.entry,
      codeFor: props.codeFor,
      functionName: props.functionName,
      role: this.role,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup: this.logGroup,
      description: `Secrets Manager rotation function for ${props.typeName} secrets`,
      environment: { LOG_LEVEL: 'INFO' },
    });
    // Granted in its own policy, so the function must wait for it as it waits for the role.
    if (probes) this.function.node.addDependency(probes);
    if (props.vpc) {
      const cfn = this.function.node.defaultChild as lambda.CfnFunction;
      cfn.vpcConfig = { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [...props.vpc.securityGroupIds] };
    }
    this.invokePermission = new lambda.CfnPermission(this, 'SecretsManagerInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
    });
  }

  private statements(props: RotationFunctionProps, stack: Stack): iam.PolicyStatement[] {
    const secrets = props.secrets;
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'RotateManagedSecrets',
        actions: ROTATION_ACTIONS,
        resources: unique(secrets.map((s) => s.target.iamResource)),
      }),
    ];
    const keys = unique(secrets.map((s) => s.kmsKeyArn));
    if (keys.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'UseSecretKeysThroughSecretsManager',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: keys,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    const masters = unique(secrets.map((s) => s.masterSecretResource));
    if (masters.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadMasterSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: masters,
        }),
      );
    }
    const masterKeys = unique(secrets.map((s) => s.masterSecretKmsKeyArn));
    if (masterKeys.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DecryptMasterSecretsThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: masterKeys,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    const clusters = unique(secrets.map((s) => s.dataApiClusterArn));
    if (clusters.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'DataApi', actions: DATA_API_ACTIONS, resources: clusters }));
    }
    const users = unique(secrets.map((s) => s.iamUserArn));
    if (users.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'RotateAccessKeys', actions: IAM_KEY_ACTIONS, resources: users }));
    }
    if (props.vpc) {
      // EC2 network-interface actions take no resource-level restriction that Lambda's VPC attachment accepts.
      statements.push(
        new iam.PolicyStatement({ sid: 'AttachToVpc', actions: NETWORK_INTERFACE_ACTIONS, resources: ['*'] }),
      );
    }
    return statements;
  }

  /**
   * The login probes of Data API rotation (`PROBE_SECRET_ACTIONS`), and ListSecrets for the sweep of probes a killed
   * invocation left behind. A policy of its own, so that its two acknowledged wildcards are not confused with the
   * role's (a role in a VPC has `*` for network interfaces, with another reason).
   */
  private probePolicy(stack: Stack): iam.Policy {
    const probeArn = (partition: string, region: string, account: string) =>
      `arn:${partition}:secretsmanager:${region}:${account}:secret:${PROBE_SECRET_PREFIX}*`;
    const policy = new iam.Policy(this, 'DataApiProbes', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'DataApiLoginProbes',
          actions: PROBE_SECRET_ACTIONS,
          resources: [probeArn(stack.partition, stack.region, stack.account)],
        }),
        new iam.PolicyStatement({
          sid: 'FindLeftoverProbes',
          actions: ['secretsmanager:ListSecrets'],
          resources: ['*'],
        }),
      ],
    });
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    acknowledgeWildcard(
      policy,
      probeArn(shown(stack.partition, 'Partition'), shown(stack.region, 'Region'), shown(stack.account, 'AccountId')),
      NAG_REASONS.dataApiProbeSecrets,
    );
    acknowledgeWildcard(policy, '*', NAG_REASONS.dataApiProbeSweep);
    return policy;
  }
}
