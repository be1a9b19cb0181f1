import { AwsServiceError } from '../http-types';

/**
 * Secrets Manager errors with the codes and messages AWS returns (AWS-BEHAVIOUR.md section 1.2). Every client
 * error is HTTP 400, ResourceNotFoundException included (moto's 404 is wrong); only InternalServiceError is 500.
 * Messages never contain a secret value.
 */
export const err = {
  notFound: () => new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
  noValueForStage: (stage: string) =>
    new AwsServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    ),
  noValueForVersion: (versionId: string) =>
    new AwsServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
    ),
  stageNotOnVersion: () =>
    new AwsServiceError(
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    ),
  markedForDeletion: () =>
    new AwsServiceError(
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was marked for deletion.",
    ),
  missingToken: (code: 'InvalidRequestException' | 'InvalidParameterException') =>
    new AwsServiceError(code, 'You must provide a ClientRequestToken value. We recommend a UUID-type value.'),
  tokenInUse: (token: string, arn: string) =>
    new AwsServiceError(
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
    ),
  exists: (name: string) =>
    new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`),
  nameScheduledForDeletion: () =>
    new AwsServiceError(
      'InvalidRequestException',
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    ),
  invalidName: () =>
    new AwsServiceError(
      'ValidationException',
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    ),
  noLambda: () =>
    new AwsServiceError('InvalidRequestException', 'No Lambda rotation function ARN is associated with this secret.'),
  cannotInvoke: () =>
    new AwsServiceError(
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    ),
  rotationInProgress: () =>
    new AwsServiceError(
      'InvalidRequestException',
      "A previous rotation isn't complete. That rotation will be reattempted.",
    ),
  tooManyLabels: (count: number, max: number) =>
    new AwsServiceError(
      'LimitExceededException',
      `A secret can have at most ${max} staging labels across all its versions; this request would make ${count}.`,
    ),
  param: (message: string) => new AwsServiceError('InvalidParameterException', message),
  request: (message: string) => new AwsServiceError('InvalidRequestException', message),
};
