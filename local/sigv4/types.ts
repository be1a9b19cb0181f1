import type { CallerIdentity } from '../http-types';

/** An access key as the verifier needs it. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: 'Active' | 'Inactive';
  readonly identity: CallerIdentity;
  /** Key usable only from this time on (IAM propagation delay). */
  readonly usableFrom?: Date;
}

/** Where the verifier finds keys (the IAM service implements it). */
export interface KeyLookup {
  find(accessKeyId: string): AccessKeyRecord | undefined;
}

/** The outcome of verifying one request: who signed it, or the AWS error to answer with. */
export type VerifyResult =
  | { readonly ok: true; readonly identity: CallerIdentity; readonly service: string; readonly region: string }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export interface VerifyOptions {
  /**
   * The time X-Amz-Date is compared with (AWS allows 15 minutes either way). Pass the real wall clock when the
   * emulator clock has been moved: clients sign with their own clock, not the emulator's.
   * @default the `now` argument
   */
  readonly signingNow?: Date;
  /**
   * The service the request was routed to, used to choose the error family when the request carries no
   * credential scope (unsigned requests).
   * @default the service in the credential scope, else Secrets Manager's JSON family
   */
  readonly service?: string;
}
