import { AwsServiceError, type ServiceHandler } from '../http-types';
import { actionOf, element, queryParams, xmlResponse } from '../iam/query-protocol';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const STS_VERSION = '2011-06-15';

/**
 * Creates the emulator's STS: GetCallerIdentity over the query protocol, answering with the identity of the
 * key that signed the request (the verifier has already refused unknown, inactive and unpropagated keys, so
 * this is AWS's "does this key work" probe). No permission is needed, as in AWS.
 */
export function createSts(): ServiceHandler {
  return {
    name: 'sts',
    operationOf: (req) => {
      const action = actionOf(req);
      return action === 'GetCallerIdentity' ? action : undefined;
    },
    async handle(req, ctx) {
      const action = queryParams(req).get('Action') ?? '';
      if (action !== 'GetCallerIdentity') {
        throw new AwsServiceError(
          'InvalidAction',
          `Could not find operation ${action} for version ${STS_VERSION}`,
          400,
        );
      }
      const { caller } = ctx;
      const result = element('Arn', caller.arn) + element('UserId', caller.userId) + element('Account', caller.account);
      return xmlResponse(action, STS_NAMESPACE, result, ctx.requestId);
    },
  };
}
