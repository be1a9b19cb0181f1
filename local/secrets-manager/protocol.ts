import { AwsServiceError, type EmulatorRequest, type EmulatorResponse, type ServiceHandler } from '../http-types';
import { Input } from './input';
import type { OpContext, Operation } from './options';

const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The operation named by `X-Amz-Target: secretsmanager.<Op>`, if any. */
export function targetOperation(req: EmulatorRequest): string | undefined {
  const target = req.headers['x-amz-target'];
  return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
}

function reply(status: number, body: Record<string, unknown>, requestId: string): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

/** Errors as awsJson1_1 sends them: exactly `__type` and `Message`; 400 for client errors, 500 for faults. */
function errorReply(error: AwsServiceError, requestId: string): EmulatorResponse {
  const status = error.code === 'InternalServiceError' ? 500 : error.status;
  return reply(status, { __type: error.code, Message: error.message }, requestId);
}

function parseBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * The JSON 1.1 `ServiceHandler`: routes on X-Amz-Target, runs the operation and serializes the result or error.
 * `beforeEach` runs first on every request (the store purges secrets whose recovery window has ended).
 */
export function jsonProtocolHandler(
  operations: Readonly<Record<string, Operation>>,
  ctx: OpContext,
  beforeEach: () => void,
): ServiceHandler {
  return {
    name: 'secretsmanager',
    operationOf: (req) => {
      const op = targetOperation(req);
      return op !== undefined && Object.hasOwn(operations, op) ? op : undefined;
    },
    handle: async (req, requestCtx) => {
      const requestId = requestCtx.requestId;
      try {
        const name = targetOperation(req);
        const operation = name !== undefined && Object.hasOwn(operations, name) ? operations[name] : undefined;
        if (!operation) {
          throw new AwsServiceError(
            'UnknownOperationException',
            `X-Amz-Target must be secretsmanager.<Operation> with a supported operation, got "${req.headers['x-amz-target'] ?? ''}"`,
          );
        }
        const input = new Input(parseBody(req.body));
        beforeEach();
        return reply(200, operation(input, ctx), requestId);
      } catch (error) {
        if (error instanceof AwsServiceError) return errorReply(error, requestId);
        // Never echo internals (they might hold request data): a generic fault, as AWS sends.
        return errorReply(new AwsServiceError('InternalServiceError', 'An internal error occurred.', 500), requestId);
      }
    },
  };
}
