import { AwsServiceError } from '../http-types';
import type { Credentials } from './engine';
import { dataApiError } from './errors';

/**
 * The login the Data API uses: `username` and `password` from the secret's AWSCURRENT value (the request has
 * no version field). A missing or unreadable secret is SecretsErrorException; one that is not JSON with
 * both fields is InvalidSecretException. Messages name the secret and the field, never its content.
 */
export function credentialsFrom(secretArn: string, currentSecretString: (secretArn: string) => string): Credentials {
  let text: string;
  try {
    text = currentSecretString(secretArn);
  } catch (error) {
    if (error instanceof AwsServiceError) throw dataApiError.secrets(secretArn, `${error.code}: ${error.message}`);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw dataApiError.invalidSecret(secretArn, 'its value is not a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw dataApiError.invalidSecret(secretArn, 'its value is not a JSON object');
  }
  const { username, password } = parsed as Record<string, unknown>;
  if (typeof username !== 'string' || username === '') {
    throw dataApiError.invalidSecret(secretArn, 'field "username" must be a non-empty string');
  }
  if (typeof password !== 'string') {
    throw dataApiError.invalidSecret(secretArn, 'field "password" must be a string');
  }
  return { username, password };
}
