import { InvalidEventError } from './errors';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The event Secrets Manager sends to a rotation function (AWS-BEHAVIOUR.md section 4.3). */
export interface RotationEvent {
  readonly Step: RotationStep;
  /** The secret's ARN (a name also works). */
  readonly SecretId: string;
  /** The VersionId of the version being rotated in. */
  readonly ClientRequestToken: string;
  /** Present in newer invocations; passed back on PutSecretValue. */
  readonly RotationToken?: string;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 80 ? `a string of ${value.length} characters` : `"${value}"`;
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

function requireString(event: Record<string, unknown>, field: string): string {
  const value = event[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidEventError(`rotation event field "${field}" must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** Validates a Lambda event as a rotation event; throws InvalidEventError naming the field and what it got. */
export function parseRotationEvent(event: unknown): RotationEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError(`rotation event must be an object, got ${describe(event)}`);
  }
  const record = event as Record<string, unknown>;
  const step = requireString(record, 'Step');
  if (!(ROTATION_STEPS as readonly string[]).includes(step)) {
    throw new InvalidEventError(
      `rotation event field "Step" must be one of ${ROTATION_STEPS.join(', ')}, got ${describe(step)}`,
    );
  }
  const secretId = requireString(record, 'SecretId');
  const token = requireString(record, 'ClientRequestToken');
  const rotationToken = record.RotationToken;
  if (rotationToken !== undefined && rotationToken !== null && typeof rotationToken !== 'string') {
    throw new InvalidEventError(
      `rotation event field "RotationToken" must be a string, got ${describe(rotationToken)}`,
    );
  }
  return {
    Step: step as RotationStep,
    SecretId: secretId,
    ClientRequestToken: token,
    ...(typeof rotationToken === 'string' && rotationToken !== '' ? { RotationToken: rotationToken } : {}),
  };
}
