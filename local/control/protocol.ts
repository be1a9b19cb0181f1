import type { EmulatorRequest, EmulatorResponse, ServiceName } from '../http-types';

/** Which wire protocol a service speaks (AWS-BEHAVIOUR.md sections 1, 8, 9). */
export type Protocol = 'json' | 'query' | 'rest-json';

export const PROTOCOL_OF: Readonly<Record<ServiceName, Protocol>> = {
  secretsmanager: 'json',
  iam: 'query',
  sts: 'query',
  'rds-data': 'rest-json',
};

const QUERY_NAMESPACE: Readonly<Record<string, string>> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The RDS Data API's rest-json routes, for unsigned requests. */
const REST_JSON_PATHS = new Set([
  '/Execute',
  '/BatchExecute',
  '/BeginTransaction',
  '/CommitTransaction',
  '/RollbackTransaction',
]);

/** The API `Version` of a query-protocol request (form body or query string): IAM and STS differ. */
function queryVersionOf(req: EmulatorRequest): string | null {
  const fromQuery = req.query.get('Version');
  if (fromQuery !== null) return fromQuery;
  if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return null;
  return new URLSearchParams(req.body.toString('utf8')).get('Version');
}

function isServiceName(value: string | undefined): value is ServiceName {
  return value !== undefined && Object.hasOwn(PROTOCOL_OF, value);
}

/**
 * The service a request is for: the signing name in its SigV4 credential scope (header or presigned query),
 * or, for unsigned requests (which are then refused in that service's protocol), the `X-Amz-Target` prefix
 * (`secretsmanager.<Operation>`), a Data API route, or the query API `Version` (IAM or STS).
 */
export function serviceOf(req: EmulatorRequest): ServiceName | undefined {
  const auth = req.headers.authorization ?? '';
  const scope = CREDENTIAL_SCOPE.exec(auth)?.[2] ?? req.query.get('X-Amz-Credential')?.split('/')[3];
  if (isServiceName(scope)) return scope;
  const target = req.headers['x-amz-target'];
  if (target?.startsWith('secretsmanager.')) return 'secretsmanager';
  if (REST_JSON_PATHS.has(req.path)) return 'rds-data';
  const version = queryVersionOf(req);
  if (version === '2010-05-08') return 'iam';
  if (version === '2011-06-15') return 'sts';
  return undefined;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serializes an AWS error the way `protocol` does: awsJson `{__type, Message}`, query XML `ErrorResponse`,
 * rest-json `{message}` with the `x-amzn-ErrorType` header. The request id header is added by the server.
 */
export function errorResponse(
  service: ServiceName | undefined,
  code: string,
  message: string,
  status: number,
  requestId: string,
): EmulatorResponse {
  const protocol = service === undefined ? 'json' : PROTOCOL_OF[service];
  if (protocol === 'query') {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    const namespace = QUERY_NAMESPACE[service ?? 'iam'];
    const body =
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status, headers: { 'content-type': 'text/xml' }, body };
  }
  if (protocol === 'rest-json') {
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
      body: JSON.stringify({ message }),
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: code, Message: message }),
  };
}

/** The throttling error code of a protocol: query services say `Throttling`, JSON services `ThrottlingException`. */
export function throttlingCode(service: ServiceName): string {
  return PROTOCOL_OF[service] === 'query' ? 'Throttling' : 'ThrottlingException';
}
