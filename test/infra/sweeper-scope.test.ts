import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger, setLogSink } from '../../lambdas/core/logger';
import type { Revoker } from '../../lambdas/revocation-sweeper/revoker';
import { RevocationSweeper, rotatedBy } from '../../lambdas/revocation-sweeper/sweeper';
import { synthesize, validateWithPlanned } from './synth-helpers';

/**
 * The contract between the stack and the sweeper: the prefix the stack passes selects exactly the secrets this
 * deployment rotates (any shard), which are the only ones the sweeper's role may read.
 */
describe('revocation sweeper scope', () => {
  const sm = mockClient(SecretsManagerClient);
  const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
  const previous = { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] };

  beforeEach(() => {
    sm.reset();
    setLogSink(() => undefined);
  });

  function deployedPrefix(): string {
    const config = validateWithPlanned({
      functionNamePrefix: 'acme-',
      secrets: [{ name: 'ci/key', type: 'iam-access-key', iamUser: { userName: 'ci', path: '/' } }],
    });
    const [fnResource] = Object.values(
      synthesize(config).main.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'acme-secret-revocation-sweeper' },
      }),
    );
    return fnResource.Properties.Environment.Variables.SWEEP_ROTATION_FUNCTION_PREFIX;
  }

  it("sweeps this deployment's secrets of every shard and skips other deployments' secrets", async () => {
    const tag = [{ Key: 'rotation:credential-type', Value: 'iam-access-key' }];
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          Name: 'mine',
          Tags: tag,
          RotationLambdaARN: fn('acme-rotation-iam-access-key'),
          SecretVersionsToStages: previous,
        },
        {
          Name: 'mine-shard-2',
          RotationLambdaARN: fn('acme-rotation-iam-access-key-2'),
          SecretVersionsToStages: previous,
        },
        {
          Name: 'theirs',
          Tags: tag,
          RotationLambdaARN: fn('other-rotation-iam-access-key'),
          SecretVersionsToStages: previous,
        },
        { Name: 'unrotated', Tags: tag, SecretVersionsToStages: previous },
      ],
    });
    const revoker: Revoker = {
      type: 'iam-access-key',
      deactivate: async () => 'revoked',
      remove: async () => 'revoked',
    };
    const sweeper = new RevocationSweeper(sm as unknown as SecretsManagerClient, [revoker], new Logger('test'), {
      env: { SWEEP_ROTATION_FUNCTION_PREFIX: deployedPrefix() },
    });
    // Nothing rotated yet (no LastRotatedDate): every selected secret is examined and kept, none is read.
    const summary = await sweeper.run();
    expect(summary).toEqual({ examined: 2, revoked: 0, failed: 0 });
  });

  it('recognises a shard suffix and a deployment prefix in rotation function names', () => {
    expect(rotatedBy('acme-rotation-iam-access-key-3', 'acme-rotation-iam-access-key', true)).toBe(true);
    expect(rotatedBy('xacme-rotation-iam-access-key', 'acme-rotation-iam-access-key', true)).toBe(false);
    expect(rotatedBy('xacme-rotation-iam-access-key', 'rotation-iam-access-key', false)).toBe(true);
    expect(rotatedBy('acme-rotation-iam-access-key-old', 'rotation-iam-access-key', false)).toBe(false);
  });
});
