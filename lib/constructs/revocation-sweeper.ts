import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SecretConfig } from '../config/schema';
import { acknowledgeWildcard, NAG_REASONS } from '../nag-suppressions';
import { FunctionAlarms } from './function-alarms';
import { type CodeProvider, createBundledFunction, type ScheduledFunctionProps } from './lambda-code';
import { referencedSecretResource } from './secret-access';

/** What the stack hands to the revocation sweeper. */
export interface RevocationSweeperBinding {
  /** Managed secrets whose credential type can revoke old credentials (see `TypeProfile.canRevoke`). */
  readonly secrets: readonly SecretConfig[];
  readonly alarmActions: readonly cloudwatch.IAlarmAction[];
  readonly permissionsBoundary?: iam.IManagedPolicy;
  readonly roleNamePrefix?: string;
  /** EventBridge schedule expression of the sweep, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  /** Rotation function names of this deployment start with this (`<functionNamePrefix>rotation-`). */
  readonly rotationFunctionPrefix: string;
  /** Prefix of every function name of this deployment. */
  readonly functionNamePrefix: string;
  readonly logRetention: logs.RetentionDays;
  /** @default - a real esbuild bundle */
  readonly codeFor?: CodeProvider;
}

/**
 * Builds the revocation sweeper: a function on its own schedule that revokes old credentials after their
 * grace period, for every type that can revoke. The stack uses `createRevocationSweeper` unless told otherwise.
 */
export type RevocationSweeperFactory = (scope: Construct, binding: RevocationSweeperBinding) => void;

/** Props of `RevocationSweeperFunction`. */
export interface RevocationSweeperFunctionProps extends ScheduledFunctionProps {
  /** The secrets it sweeps: its role may read these and revoke keys of their users, nothing else. */
  readonly secrets: readonly SecretConfig[];
}

const SWEEP_TIMEOUT = Duration.minutes(5);
const IAM_REVOKE_ACTIONS = ['iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey'];

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/**
 * The revocation sweeper (lambdas/revocation-sweeper/handler.ts) on an EventBridge schedule, with an errors
 * alarm: it deactivates, then deletes, the AWSPREVIOUS credential of each managed secret whose type can revoke.
 * Its role reads only those secrets' values and manages only the keys of the IAM users they name.
 */
export class RevocationSweeperFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RevocationSweeperFunctionProps) {
    super(scope, id);
    if (props.secrets.length === 0) throw new Error('revocation sweeper must sweep at least one secret, got none');
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Revokes previous credentials of managed secrets after their grace period',
      ...(props.roleName ? { roleName: props.roleName } : {}),
      ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
      inlinePolicies: { Sweep: new iam.PolicyDocument({ statements: this.statements(props) }) },
    });
    acknowledgeWildcard(this.role, '*', NAG_REASONS.listSecrets);
    this.function = createBundledFunction(this, 'Function', {
      bundleName: 'revocation-sweeper',
      entry: 'lambdas/revocation-sweeper/handler.ts',
      codeFor: props.codeFor,
      functionName: props.functionName,
      role: this.role,
      memorySize: 256,
      timeout: SWEEP_TIMEOUT,
      logGroup: this.logGroup,
      description: 'Deactivates, then deletes, the previous credential of managed secrets after their grace period',
      environment: { SWEEP_ROTATION_FUNCTION_PREFIX: props.rotationFunctionPrefix },
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the revocation sweeper',
      schedule: events.Schedule.expression(props.schedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
    new FunctionAlarms(this, 'FunctionAlarms', {
      function: this.function,
      timeout: SWEEP_TIMEOUT,
      actions: props.alarmActions,
      label: 'revocation sweeper',
    });
  }

  private statements(props: RevocationSweeperFunctionProps): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({ sid: 'ListSecrets', actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'ReadSweptSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        // Names, not the created secrets' ARNs: those live in the shard stacks, and referencing them would add
        // one nested-stack output per secret.
        resources: unique(props.secrets.map((s) => referencedSecretResource(this, s.arn ?? (s.name as string)))),
      }),
    ];
    const keys = unique(props.secrets.map((s) => s.kmsKeyArn));
    if (keys.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DecryptThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: keys,
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    const users = unique(
      props.secrets.map((s) =>
        s.iamUser
          ? `arn:${stack.partition}:iam::${stack.account}:user${s.iamUser.path}${s.iamUser.userName}`
          : undefined,
      ),
    );
    if (users.length > 0) {
      statements.push(
        new iam.PolicyStatement({ sid: 'RevokeAccessKeys', actions: IAM_REVOKE_ACTIONS, resources: users }),
      );
    }
    return statements;
  }
}

/** The default `RevocationSweeperFactory`: one `RevocationSweeperFunction` named `<prefix>secret-revocation-sweeper`. */
export const createRevocationSweeper: RevocationSweeperFactory = (scope, binding) => {
  new RevocationSweeperFunction(scope, 'RevocationSweeper', {
    secrets: binding.secrets,
    schedule: binding.schedule,
    rotationFunctionPrefix: binding.rotationFunctionPrefix,
    alarmActions: binding.alarmActions,
    logRetention: binding.logRetention,
    functionName: `${binding.functionNamePrefix}secret-revocation-sweeper`,
    ...(binding.roleNamePrefix ? { roleName: `${binding.roleNamePrefix}rotation-sweeper` } : {}),
    ...(binding.permissionsBoundary ? { permissionsBoundary: binding.permissionsBoundary } : {}),
    ...(binding.codeFor ? { codeFor: binding.codeFor } : {}),
  });
};
