import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

/** An SDK error as the v3 clients throw it: name, message and the HTTP status in `$metadata`. */
export interface SdkError {
  readonly name: string;
  readonly message: string;
  readonly $metadata: { readonly httpStatusCode?: number };
}

/** Runs `call` and returns the error it threw; fails the test when it succeeded. */
export async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The name, message and status of an SDK error, for one `toEqual`. */
export function shape(error: SdkError): { name: string; message: string; status: number | undefined } {
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
}

/** Staging labels per version, each sorted so that label sets compare with `toEqual`. */
export async function stagesOf(sm: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(
    Object.entries(described.VersionIdsToStages ?? {}).map(([id, labels]) => [id, [...labels].sort()]),
  );
}

/** Creates a secret with a first value and returns its ARN and first VersionId. */
export async function createSecret(
  sm: SecretsManagerClient,
  name: string,
  value = 'value-1',
): Promise<{ arn: string; v1: string }> {
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { arn: created.ARN as string, v1: created.VersionId as string };
}

/** A PutSecretValue with a fresh token; returns the new VersionId. */
export async function put(
  sm: SecretsManagerClient,
  secretId: string,
  value: string,
  stages?: string[],
): Promise<string> {
  const out = await sm.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: value, VersionStages: stages }),
  );
  return out.VersionId as string;
}
