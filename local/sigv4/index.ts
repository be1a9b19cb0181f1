export { type AuthFamily, familyOf, INVALID_TOKEN_MESSAGE, SIGNATURE_MISMATCH_MESSAGE } from './auth-errors';
export { type AuthenticatorOptions, createAuthenticator } from './authenticator';
export { canonicalPath, canonicalQuery, canonicalRequest, computeSignature } from './canonical-request';
export type { AccessKeyRecord, KeyLookup, VerifyOptions, VerifyResult } from './types';
export { verifySignature } from './verify-signature';
