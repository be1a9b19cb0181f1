import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RotationEngine, type RotationEngineOptions } from './engine';
import { SecretsGateway } from './secrets-gateway';
import type { RotationStrategy } from './strategy';

/** Retries for throttled or failed Secrets Manager calls: a fleet rotating at once meets the 50-per-second write quota. */
const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The Secrets Manager client of a rotation function. The endpoint follows the SDK's own settings
 * (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL) and, for drop-in compatibility with AWS's sample
 * functions, SECRETS_MANAGER_ENDPOINT.
 */
export function createSecretsManagerClient(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecretsManagerClient {
  const endpoint = env.SECRETS_MANAGER_ENDPOINT;
  return new SecretsManagerClient({
    ...(endpoint ? { endpoint } : {}),
    ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: DEFAULT_MAX_ATTEMPTS }),
  });
}

export interface RotationHandlerOptions extends RotationEngineOptions {
  /** @default a client from createSecretsManagerClient(), made on the first invocation and kept warm */
  readonly client?: SecretsManagerClient;
}

/**
 * The Lambda handler of a credential type.
 *
 * @example
 * export const handler = createRotationHandler(new RandomSecretStrategy());
 */
export function createRotationHandler(
  strategy: RotationStrategy,
  options: RotationHandlerOptions = {},
): (event: unknown) => Promise<void> {
  let engine: RotationEngine | undefined;
  return async (event: unknown): Promise<void> => {
    engine ??= new RotationEngine(
      strategy,
      new SecretsGateway(options.client ?? createSecretsManagerClient()),
      options,
    );
    await engine.handle(event);
  };
}
