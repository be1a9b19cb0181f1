/**
 * The contract between the emulator's HTTP server and the AWS services it hosts.
 * Each service module exports a `ServiceHandler`; the server parses the request, verifies the
 * signature, counts and throttles the call, and hands it over.
 */

/** A request as the server received it, body fully read. */
export interface EmulatorRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/` or `/Execute`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names are lower-case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** Who signed the request (from SigV4 verification). */
export interface CallerIdentity {
  readonly accessKeyId: string;
  /** `arn:aws:iam::<account>:root` for the root key, `arn:aws:iam::<account>:user/<name>` for IAM users. */
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

/** Emulator-wide facts a service needs for one request. */
export interface RequestContext {
  readonly account: string;
  readonly region: string;
  /** The emulator clock (can be advanced through the control endpoint). */
  now(): Date;
  readonly caller: CallerIdentity;
  readonly requestId: string;
}

/** Services are identified by their SigV4 signing name. */
export type ServiceName = 'secretsmanager' | 'iam' | 'sts' | 'rds-data';

export interface ServiceHandler {
  readonly name: ServiceName;
  /** Operation name of a request (for counters, fault injection and quotas), or undefined if unknown. */
  operationOf(req: EmulatorRequest): string | undefined;
  handle(req: EmulatorRequest, ctx: RequestContext): Promise<EmulatorResponse>;
}

/** An AWS error as a service raises it; each protocol serializes it its own way. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
