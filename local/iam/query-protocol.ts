import type { EmulatorRequest, EmulatorResponse } from '../http-types';

/**
 * The AWS query protocol (IAM, STS): form-encoded parameters (`Action`, `Version`, members, lists as
 * `Name.member.N`) in the POST body or the query string; XML answers wrapped in `<ActionResponse>`.
 */

/** Parameters of a query-protocol request: the query string, overridden by a form-encoded body. */
export function queryParams(req: EmulatorRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.body.length > 0) {
    for (const [name, value] of new URLSearchParams(req.body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

/** The `Action` of a query-protocol request, if any. */
export function actionOf(req: EmulatorRequest): string | undefined {
  return queryParams(req).get('Action') ?? undefined;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** ISO 8601 in seconds, as IAM and STS print dates (`2030-01-01T00:00:00Z`). */
export function xmlDate(date: Date | string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `<name>value</name>` with the value escaped; nothing when the value is absent. */
export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>…</name>` around XML that is already serialized. */
export function wrap(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** A list member: `<name><member>…</member>…</name>`. */
export function members<T>(name: string, items: readonly T[], render: (item: T) => string): string {
  return wrap(name, ...items.map((item) => wrap('member', render(item))));
}

/** The success envelope: `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>…`. */
export function xmlResponse(
  action: string,
  namespace: string,
  result: string | undefined,
  requestId: string,
): EmulatorResponse {
  const resultXml = result === undefined ? '' : wrap(`${action}Result`, result);
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${resultXml}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}
