import { AwsServiceError } from '../http-types';

/**
 * RDS Data API errors with the codes and HTTP statuses of the service model (AWS-BEHAVIOUR.md section 8).
 * Messages never carry a secret value: database messages go through `redact` first.
 */
export const dataApiError = {
  badRequest: (message: string) => new AwsServiceError('BadRequestException', message, 400),
  /**
   * A cluster the emulator does not serve. AWS answers a cluster without the Data API enabled with
   * HttpEndpointNotEnabledException, and from the caller's side an unregistered cluster is exactly that; the
   * sources found do not show a distinct error for a cluster ARN that does not exist at all.
   */
  notServed: (resourceArn: string) =>
    new AwsServiceError(
      'HttpEndpointNotEnabledException',
      `HttpEndpoint is not enabled for resource ${resourceArn}. The emulator serves the Data API only for clusters given with --data-api.`,
      400,
    ),
  /** The model: "secret wasn't found, couldn't be decrypted, or timed out". */
  secrets: (secretArn: string, reason: string) =>
    new AwsServiceError('SecretsErrorException', `Error retrieving secret ${secretArn}: ${reason}`, 400),
  /** The model: "The Secrets Manager secret used with the request isn't valid." */
  invalidSecret: (secretArn: string, reason: string) =>
    new AwsServiceError('InvalidSecretException', `The secret ${secretArn} isn't valid: ${reason}`, 400),
  database: (message: string) => new AwsServiceError('DatabaseErrorException', message, 400),
  /** The writer could not be reached (connection refused, timeout). */
  unavailable: (message: string) => new AwsServiceError('DatabaseUnavailableException', message, 504),
  transactionNotFound: (transactionId: string) =>
    new AwsServiceError('TransactionNotFoundException', `Transaction ${transactionId} is not found`, 404),
  unsupportedResult: (message: string) => new AwsServiceError('UnsupportedResultException', message, 400),
};

/**
 * Replaces every occurrence of each secret in a message (a driver may echo a password, e.g. in a connection
 * string or a failed statement). Empty secrets are skipped so nothing else gets masked.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('********');
  }
  return out;
}
