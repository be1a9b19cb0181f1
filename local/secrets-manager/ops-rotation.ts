import {
  nextWindowStart,
  type RotationRulesInput,
  ScheduleValidationError,
  validateRotationRules,
} from '../../lambdas/core/schedule';
import { err } from './errors';
import { type Input, SECRET_ID_RULE, TOKEN_RULE } from './input';
import type { Operation } from './options';
import { rotationIncomplete } from './versions';

function readRules(input: Input): RotationRulesInput | undefined {
  const rules = input.obj('RotationRules');
  if (!rules) return undefined;
  const days = rules.int('AutomaticallyAfterDays', 1, 1000);
  const duration = rules.str('Duration', { min: 2, max: 3 });
  const expression = rules.str('ScheduleExpression', { min: 1, max: 256 });
  const out: RotationRulesInput = {
    ...(days === undefined ? {} : { AutomaticallyAfterDays: days }),
    ...(duration === undefined ? {} : { Duration: duration }),
    ...(expression === undefined ? {} : { ScheduleExpression: expression }),
  };
  try {
    validateRotationRules(out);
  } catch (error) {
    if (error instanceof ScheduleValidationError) throw err.param(error.message);
    throw error;
  }
  return out;
}

/**
 * RotateSecret, checked in AWS-BEHAVIOUR.md 4.2's order: token, secret, deletion, function ARN, schedule, invoke
 * permission, incomplete rotation; only then is anything persisted. The steps run later, in the orchestrator.
 */
export const rotateSecret: Operation = (input, { store, options }) => {
  const token = input.str('ClientRequestToken', TOKEN_RULE);
  if (token === undefined) throw err.missingToken('InvalidParameterException');
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  const functionArn = input.str('RotationLambdaARN', { max: 2048 }) || secret.rotationLambdaArn;
  if (!functionArn) throw err.noLambda();
  const rules = readRules(input) ?? secret.rotationRules;
  const rotateImmediately = input.bool('RotateImmediately') ?? true;
  if (!options.rotation.canInvoke(functionArn)) throw err.cannotInvoke();
  const incomplete = rotationIncomplete(secret);
  // An SDK retry of the call that started this very rotation gets the same answer, not "isn't complete".
  if (incomplete?.id === token && secret.rotationEnabled === true && incomplete.value === undefined) {
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }
  if (incomplete) throw err.rotationInProgress();

  if (rotateImmediately) store.addPendingStub(secret, token);
  secret.rotationEnabled = true;
  secret.rotationLambdaArn = functionArn;
  if (rules) secret.rotationRules = { ...rules };
  const now = options.now();
  if (rules) secret.nextRotation = nextWindowStart(rules, now).getTime();
  else delete secret.nextRotation;
  secret.lastChanged = now.getTime();
  options.rotation.rotationRequested({ secretArn: secret.arn, token, functionArn, rotateImmediately });
  return { ARN: secret.arn, Name: secret.name, VersionId: token };
};

/** Turns rotation off; labels are left alone (an abandoned AWSPENDING keeps blocking RotateSecret). */
export const cancelRotateSecret: Operation = (input, { store, options }) => {
  const secret = store.getLive(input.requiredStr('SecretId', SECRET_ID_RULE));
  if (secret.rotationLambdaArn === undefined) {
    throw err.request('Rotation is not configured for this secret, so there is no rotation to cancel.');
  }
  secret.rotationEnabled = false;
  secret.lastChanged = options.now().getTime();
  const pending = rotationIncomplete(secret);
  return { ARN: secret.arn, Name: secret.name, ...(pending ? { VersionId: pending.id } : {}) };
};
