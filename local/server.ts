import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CallCounter } from './control/call-counter';
import { errorResponse, serviceOf, throttlingCode } from './control/protocol';
import type { FaultInjector } from './faults/fault-injector';
import type { QuotaEnforcer } from './faults/quotas';
import {
  AwsServiceError,
  type CallerIdentity,
  type EmulatorRequest,
  type EmulatorResponse,
  type ServiceHandler,
  type ServiceName,
} from './http-types';

/** Largest request body accepted (Secrets Manager values are at most 64 KiB; BatchGet and SQL stay small). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const INTERNAL_ERROR_CODE: Readonly<Record<ServiceName, string>> = {
  secretsmanager: 'InternalServiceError',
  iam: 'ServiceFailure',
  sts: 'InternalFailure',
  'rds-data': 'InternalServerErrorException',
};

export interface EmulatorServerOptions {
  readonly services: ReadonlyMap<ServiceName, ServiceHandler>;
  /** Verifies the SigV4 signature; throws AwsServiceError (e.g. InvalidSignatureException) to refuse the call. */
  readonly authenticate: (req: EmulatorRequest, service: ServiceName) => CallerIdentity;
  /** Answers `/_emulator/*` (no signature needed). */
  readonly control: (req: EmulatorRequest) => Promise<EmulatorResponse>;
  readonly calls: CallCounter;
  readonly faults: FaultInjector;
  readonly quotas: QuotaEnforcer;
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  /** Whether an operation can change persisted state. */
  readonly isMutating: (service: ServiceName, operation: string) => boolean;
  /** Awaited after a mutating call and before its response is sent (persistence). */
  readonly afterMutation?: () => Promise<void>;
  /** Unexpected errors (never with secret values: only the error's name and message are passed on). */
  readonly onError?: (message: string) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsServiceError('RequestEntityTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes`, 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toEmulatorRequest(req: IncomingMessage, body: Buffer): EmulatorRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The emulator's single HTTP endpoint. For every AWS call: identify the service from the SigV4 scope, verify
 * the signature, count the call, apply quotas and faults, hand it to the service, persist if it mutated
 * state, then answer with an `x-amzn-RequestId`. Errors are serialized in the service's own protocol.
 */
export function createEmulatorServer(options: EmulatorServerOptions): Server {
  async function dispatch(req: EmulatorRequest, requestId: string): Promise<EmulatorResponse> {
    if (req.path.startsWith('/_emulator/')) return options.control(req);
    const service = serviceOf(req);
    if (service === undefined) {
      return errorResponse(
        undefined,
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
        403,
        requestId,
      );
    }
    const handler = options.services.get(service);
    if (handler === undefined) {
      return errorResponse(service, 'UnrecognizedClientException', `service ${service} is not running`, 400, requestId);
    }
    try {
      const caller = options.authenticate(req, service);
      const operation = handler.operationOf(req) ?? 'Unknown';
      options.calls.record(service, operation);
      if (!options.quotas.allow(service, operation)) {
        throw new AwsServiceError(throttlingCode(service), 'Rate exceeded', 400);
      }
      const fault = options.faults.decide(service, operation);
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.error !== undefined)
        throw new AwsServiceError(fault.error.code, fault.error.message, fault.error.status);
      const ctx = { account: options.account, region: options.region, now: options.now, caller, requestId };
      try {
        return await handler.handle(req, ctx);
      } finally {
        if (options.afterMutation !== undefined && options.isMutating(service, operation))
          await options.afterMutation();
      }
    } catch (error) {
      if (error instanceof AwsServiceError)
        return errorResponse(service, error.code, error.message, error.status, requestId);
      const name = error instanceof Error ? error.name : typeof error;
      options.onError?.(`${service} request ${requestId} failed unexpectedly: ${name}`);
      return errorResponse(service, INTERNAL_ERROR_CODE[service], 'An internal error occurred.', 500, requestId);
    }
  }

  async function onRequest(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let response: EmulatorResponse;
    try {
      const req = toEmulatorRequest(incoming, await readBody(incoming));
      response = await dispatch(req, requestId);
    } catch (error) {
      const status = error instanceof AwsServiceError ? error.status : 500;
      const code = error instanceof AwsServiceError ? error.code : 'InternalFailure';
      response = errorResponse(
        undefined,
        code,
        error instanceof Error ? error.message : 'request failed',
        status,
        requestId,
      );
    }
    if (outgoing.destroyed) return;
    const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (!/^(x-amzn-requestid|content-length)$/i.test(name)) headers[name] = value;
    }
    outgoing.writeHead(response.status, {
      ...headers,
      'x-amzn-RequestId': requestId,
      'content-length': String(body.length),
    });
    outgoing.end(body);
  }

  return createServer((incoming, outgoing) => {
    onRequest(incoming, outgoing).catch((error: unknown) => {
      options.onError?.(`response failed: ${error instanceof Error ? error.name : typeof error}`);
      outgoing.destroy();
    });
  });
}
