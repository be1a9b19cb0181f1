import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A small stateful Secrets Manager behind aws-sdk-client-mock, with AWS's semantics for the four calls the
 * engine makes (AWS-BEHAVIOUR.md section 3): enough to run whole rotations in unit tests. Integration tests
 * use the real emulator.
 */
export interface FakeVersion {
  value?: string;
  stages: string[];
}

export interface FakeSecret {
  arn: string;
  name: string;
  rotationEnabled?: boolean;
  tags: Record<string, string>;
  versions: Record<string, FakeVersion>;
}

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export class FakeSecretsManager {
  readonly client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  readonly mock = mockClient(this.client);
  readonly secrets = new Map<string, FakeSecret>();
  readonly calls: string[] = [];
  readonly putRotationTokens: (string | undefined)[] = [];

  constructor() {
    this.install();
  }

  reset(): void {
    this.mock.reset();
    this.secrets.clear();
    this.calls.length = 0;
    this.putRotationTokens.length = 0;
    this.install();
  }

  addSecret(
    name: string,
    value: string,
    options: { tags?: Record<string, string>; rotationEnabled?: boolean } = {},
  ): FakeSecret {
    const secret: FakeSecret = {
      arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
      name,
      rotationEnabled: options.rotationEnabled ?? true,
      tags: options.tags ?? {},
      versions: { 'v-initial-0000000000000000000000000000': { value, stages: ['AWSCURRENT'] } },
    };
    this.secrets.set(secret.arn, secret);
    return secret;
  }

  /** What RotateSecret does before invoking the function: a value-less AWSPENDING stub. */
  startRotation(secret: FakeSecret, token: string): void {
    for (const version of Object.values(secret.versions))
      version.stages = version.stages.filter((s) => s !== 'AWSPENDING');
    secret.versions[token] = { stages: ['AWSPENDING'] };
  }

  find(id: string): FakeSecret {
    const secret = this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.name === id);
    if (!secret) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  labelled(secret: FakeSecret, stage: string): [string, FakeVersion] | undefined {
    return Object.entries(secret.versions).find(([, v]) => v.stages.includes(stage));
  }

  private install(): void {
    this.mock.on(DescribeSecretCommand).callsFake((input) => {
      this.calls.push('DescribeSecret');
      const s = this.find(input.SecretId);
      const versionIdsToStages: Record<string, string[]> = {};
      for (const [id, v] of Object.entries(s.versions)) if (v.stages.length > 0) versionIdsToStages[id] = [...v.stages];
      return {
        ARN: s.arn,
        Name: s.name,
        ...(s.rotationEnabled === undefined ? {} : { RotationEnabled: s.rotationEnabled }),
        VersionIdsToStages: versionIdsToStages,
        Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
      };
    });
    this.mock.on(GetSecretValueCommand).callsFake((input) => {
      this.calls.push('GetSecretValue');
      const s = this.find(input.SecretId);
      const entry = input.VersionId
        ? ([input.VersionId, s.versions[input.VersionId]] as const)
        : this.labelled(s, input.VersionStage ?? 'AWSCURRENT');
      if (!entry?.[1] || entry[1].value === undefined) {
        throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
      }
      if (input.VersionStage && !entry[1].stages.includes(input.VersionStage)) {
        throw awsError(
          'InvalidRequestException',
          'You provided a VersionStage that is not associated to the provided VersionId.',
        );
      }
      return {
        ARN: s.arn,
        Name: s.name,
        VersionId: entry[0],
        SecretString: entry[1].value,
        VersionStages: [...entry[1].stages],
      };
    });
    this.mock.on(PutSecretValueCommand).callsFake((input) => {
      this.calls.push('PutSecretValue');
      this.putRotationTokens.push(input.RotationToken);
      const s = this.find(input.SecretId);
      const token = input.ClientRequestToken as string;
      const existing = s.versions[token];
      if (existing?.value !== undefined) {
        if (existing.value === input.SecretString)
          return { ARN: s.arn, Name: s.name, VersionId: token, VersionStages: existing.stages };
        throw awsError(
          'ResourceExistsException',
          `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${s.arn}.`,
        );
      }
      const stages = input.VersionStages ?? ['AWSCURRENT'];
      for (const v of Object.values(s.versions)) v.stages = v.stages.filter((st) => !stages.includes(st));
      s.versions[token] = { value: input.SecretString, stages: [...stages] };
      return { ARN: s.arn, Name: s.name, VersionId: token, VersionStages: stages };
    });
    this.mock.on(UpdateSecretVersionStageCommand).callsFake((input) => {
      this.calls.push('UpdateSecretVersionStage');
      const s = this.find(input.SecretId);
      const stage = input.VersionStage as string;
      const holder = this.labelled(s, stage);
      if (input.RemoveFromVersionId && holder?.[0] !== input.RemoveFromVersionId) {
        throw awsError(
          'InvalidParameterException',
          `Version stage ${stage} is not attached to ${input.RemoveFromVersionId}`,
        );
      }
      if (input.MoveToVersionId && holder && holder[0] !== input.MoveToVersionId && !input.RemoveFromVersionId) {
        throw awsError(
          'InvalidParameterException',
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder[0]}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (holder) holder[1].stages = holder[1].stages.filter((st) => st !== stage);
      if (input.MoveToVersionId) {
        const target = s.versions[input.MoveToVersionId];
        if (!target) throw awsError('InvalidParameterException', `Not a valid version: ${input.MoveToVersionId}`);
        target.stages.push(stage);
        if (stage === 'AWSCURRENT' && holder) {
          for (const v of Object.values(s.versions)) v.stages = v.stages.filter((st) => st !== 'AWSPREVIOUS');
          holder[1].stages.push('AWSPREVIOUS');
        }
      }
      return { ARN: s.arn, Name: s.name };
    });
  }
}

export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

export function rotationEvent(secret: FakeSecret, token: string, step: (typeof STEPS)[number], rotationToken?: string) {
  return {
    Step: step,
    SecretId: secret.arn,
    ClientRequestToken: token,
    ...(rotationToken ? { RotationToken: rotationToken } : {}),
  };
}
