import { AwsServiceError } from '../http-types';

/** One page of `items` from an opaque NextToken (an encoded offset), as ListSecrets / ListSecretVersionIds page. */
export function page<T>(
  items: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
): { items: T[]; next?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!decoded) throw new AwsServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
    offset = Number(decoded[1]);
  }
  const end = offset + maxResults;
  const next = end < items.length ? Buffer.from(`o${end}`).toString('base64') : undefined;
  return { items: items.slice(offset, end), ...(next === undefined ? {} : { next }) };
}
