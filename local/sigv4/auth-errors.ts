import { PROTOCOL_OF } from '../control/protocol';

/**
 * The authentication errors AWS returns, per protocol family. Each family words the same failure differently.
 *
 * Sources (real-AWS responses quoted in public issues):
 * - query (IAM, STS): `InvalidClientTokenId` 403 "The security token included in the request is invalid"
 *   (aws-azure-login#251, raw STS XML); `SignatureDoesNotMatch` "Signature expired: … (… - 15 min.)" from
 *   GetCallerIdentity (aws/aws-cli#6676); `MissingAuthenticationToken` 403 "Request is missing Authentication
 *   Token" from STS (cert-manager/aws-privateca-issuer#40).
 * - json (Secrets Manager): `UnrecognizedClientException` 400 (aws/aws-sdk-php-laravel#228 for GetSecretValue,
 *   spring-cloud-aws#492); `InvalidSignatureException` 400 "Signature expired: …" (aws/aws-sdk-js#254);
 *   `MissingAuthenticationTokenException` "Missing Authentication Token" (aws/aws-sdk-cpp#2466, Secrets Manager),
 *   400 for JSON services (architect/dynalite#105 quoting DynamoDB).
 * - rest-json (RDS Data API, API-Gateway-fronted like Lambda): the JSON codes with HTTP 403
 *   (iann0036/iamlive#58: Lambda `UnrecognizedClientException` 403; brefphp/bref#1250: Lambda
 *   `MissingAuthenticationTokenException` 403).
 * The mismatch text is the one AWS returns for every SigV4 service. `IncompleteSignature` statuses are inferred.
 */
export type AuthFailure = 'missing' | 'unknownKey' | 'mismatch' | 'expired' | 'incomplete';

export type AuthFamily = 'query' | 'json' | 'rest-json';

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access ' +
  'Key and signing method. Consult the service documentation for details.';

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

const CODES: Readonly<Record<AuthFamily, Readonly<Record<AuthFailure, readonly [string, number]>>>> = {
  query: {
    missing: ['MissingAuthenticationToken', 403],
    unknownKey: ['InvalidClientTokenId', 403],
    mismatch: ['SignatureDoesNotMatch', 403],
    expired: ['SignatureDoesNotMatch', 403],
    incomplete: ['IncompleteSignature', 400],
  },
  json: {
    missing: ['MissingAuthenticationTokenException', 400],
    unknownKey: ['UnrecognizedClientException', 400],
    mismatch: ['InvalidSignatureException', 400],
    expired: ['InvalidSignatureException', 400],
    incomplete: ['IncompleteSignatureException', 400],
  },
  'rest-json': {
    missing: ['MissingAuthenticationTokenException', 403],
    unknownKey: ['UnrecognizedClientException', 403],
    mismatch: ['InvalidSignatureException', 403],
    expired: ['InvalidSignatureException', 403],
    incomplete: ['IncompleteSignatureException', 403],
  },
};

const MISSING_MESSAGE: Readonly<Record<AuthFamily, string>> = {
  query: 'Request is missing Authentication Token',
  json: 'Missing Authentication Token',
  'rest-json': 'Missing Authentication Token',
};

/** The protocol family of a SigV4 signing name; services the emulator does not host answer like JSON ones. */
export function familyOf(service: string | undefined): AuthFamily {
  if (service !== undefined && Object.hasOwn(PROTOCOL_OF, service)) {
    return PROTOCOL_OF[service as keyof typeof PROTOCOL_OF];
  }
  return 'json';
}

/** An authentication refusal as `family` words it; `message` defaults to AWS's text for the failure. */
export function authError(
  family: AuthFamily,
  failure: AuthFailure,
  message?: string,
): { ok: false; status: number; code: string; message: string } {
  const [code, status] = CODES[family][failure];
  const defaultMessage =
    failure === 'missing'
      ? MISSING_MESSAGE[family]
      : failure === 'unknownKey'
        ? INVALID_TOKEN_MESSAGE
        : SIGNATURE_MISMATCH_MESSAGE;
  return { ok: false, status, code, message: message ?? defaultMessage };
}
