import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Resource patterns for one managed secret, in the forms IAM and EventBridge need. A secret named but not
 * given by ARN gets AWS's recommended partial-ARN pattern `name-??????`: the 6-character suffix Secrets
 * Manager appends is unknown at synth, and `??????` matches exactly six characters, so `app/db` never matches
 * `app/db-old`.
 */
export interface SecretTarget {
  /** IAM resource: the full ARN, or `...:secret:<name>-??????`. */
  readonly iamResource: string;
  /** EventBridge `additionalEventData.SecretId` matcher: the exact ARN, or a prefix for a name. */
  readonly eventMatcher: string | { readonly prefix: string };
  /** What a RotationSchedule's `SecretId` takes: the name or the ARN. */
  readonly secretId: string;
}

/** ARN of the secret called `name` without its random suffix: `arn:...:secret:<name>`. */
export function secretArnWithoutSuffix(scope: Construct, name: string): string {
  return Arn.format(
    { service: 'secretsmanager', resource: 'secret', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
    Stack.of(scope),
  );
}

/** Target of an existing secret known by name. */
export function targetForName(scope: Construct, name: string): SecretTarget {
  const base = secretArnWithoutSuffix(scope, name);
  return { iamResource: `${base}-??????`, eventMatcher: { prefix: `${base}-` }, secretId: name };
}

/** Target of a secret known by its full ARN (existing, or created in this stack). */
export function targetForArn(arn: string): SecretTarget {
  return { iamResource: arn, eventMatcher: arn, secretId: arn };
}

/** ARN (with `??????` when only a name is known) of a master or other referenced secret. */
export function referencedSecretResource(scope: Construct, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn : `${secretArnWithoutSuffix(scope, nameOrArn)}-??????`;
}
