import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Every cdk-nag (AwsSolutions) finding this suite accepts, with the reason. Kept in one place so a reviewer
 * reads the whole list at once; the infra tests fail on any finding not acknowledged here.
 */
export const NAG_REASONS = {
  runtime:
    'nodejs22.x is the runtime this suite is built and tested for (Node 20 and 22 in CI); cdk-nag flags any runtime older than the newest Lambda offers. Moving to a newer runtime is a deliberate, tested upgrade.',
  listSecrets:
    'secretsmanager:ListSecrets has no resource-level permissions (Resource must be *). It returns metadata only, never secret values; the monitor and the revocation sweeper need it to find the secrets rotated by this deployment (the sweeper then reads values only of the managed secrets its role names).',
  listVersionIds:
    "secretsmanager:ListSecretVersionIds on this account's and Region's secrets: the monitor reads version metadata (creation dates, labels, no values) of whichever managed secrets have an incomplete rotation; listing 1,000 ARNs would overflow the role's policy size limit.",
  vpcNetworkInterfaces:
    'Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses on * to attach a function to a VPC (the same grant as AWSLambdaVPCAccessExecutionRole, written inline so no managed policy is attached); only functions that run in a VPC get it.',
  dataApiProbeSecrets:
    'Secrets Manager actions on secret:rotation-probe/* for rotation functions of secrets reached through the RDS Data API: the Data API logs in only with the AWSCURRENT value of a secret, so the function proves a pending password by storing it in a probe secret named rotation-probe/<rotation token>/<stage>-<random hex>, running SELECT 1 with it and deleting it. The token is known only at run time, so the name cannot be narrower than the prefix; the role may not touch any other secret this way.',
  dataApiProbeSweep:
    'secretsmanager:ListSecrets has no resource-level permissions (Resource must be *) and returns metadata only, never values. A rotation function that uses the RDS Data API lists rotation-probe/ secrets to delete probes that an invocation killed mid-rotation left behind; the only secrets it may create, tag or delete are rotation-probe/* ones.',
} as const;

/** Acknowledges the runtime-version finding on a function (see `NAG_REASONS.runtime`). */
export function acknowledgeRuntime(fn: IConstruct): void {
  Validations.of(fn).acknowledge({ id: 'AwsSolutions::AwsSolutions-L1', reason: NAG_REASONS.runtime });
}

/** Acknowledges one IAM5 wildcard finding on a role, naming the wildcard resource exactly as cdk-nag renders it. */
export function acknowledgeWildcard(role: IConstruct, renderedResource: string, reason: string): void {
  Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${renderedResource}]`, reason });
}
