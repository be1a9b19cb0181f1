import { GetRandomPasswordCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import 'aws-sdk-client-mock-jest';
import { RotationEngine } from '../../../lambdas/core/engine';
import {
  ApplyFailedError,
  ConfigurationError,
  InvalidEventError,
  PendingVersionMissingError,
  RotationNotEnabledError,
  SecretsManagerCallError,
  VerificationFailedError,
} from '../../../lambdas/core/errors';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { SecretsGateway, VersionValueCache } from '../../../lambdas/core/secrets-gateway';
import type { RotationContext, RotationStrategy } from '../../../lambdas/core/strategy';
import { type FakeSecret, FakeSecretsManager, rotationEvent, STEPS } from './fake-secrets-manager';

const TOKEN = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function testStrategy(overrides: Partial<RotationStrategy> = {}) {
  return {
    type: 'test',
    createCredential: jest.fn(async (ctx: RotationContext) => `${(await ctx.current()).secretString}-next`),
    applyCredential: jest.fn(async () => {}),
    verifyCredential: jest.fn(async () => {}),
    ...overrides,
  };
}

describe('RotationEngine', () => {
  const fake = new FakeSecretsManager();
  let lines: string[];
  let secret: FakeSecret;
  let cache: VersionValueCache;

  const engineFor = (strategy: RotationStrategy, env: Record<string, string> = {}) =>
    new RotationEngine(strategy, new SecretsGateway(fake.client, cache), {
      env,
      logger: new Logger('test', {}, 'DEBUG'),
    });

  beforeEach(() => {
    fake.reset();
    cache = new VersionValueCache();
    lines = [];
    setLogSink((line) => lines.push(line));
    secret = fake.addSecret('app/api-key', 'current-value');
    fake.startRotation(secret, TOKEN);
  });

  const runAll = async (engine: RotationEngine, rotationToken?: string) => {
    for (const step of STEPS) await engine.handle(rotationEvent(secret, TOKEN, step, rotationToken));
  };

  describe('event validation', () => {
    it.each([
      [{ SecretId: 's', ClientRequestToken: 't' }, /"Step" must be a non-empty string, got nothing/],
      [
        { Step: 'create_secret', SecretId: 's', ClientRequestToken: 't' },
        /"Step" must be one of .*got "create_secret"/,
      ],
      [{ Step: 'createSecret', ClientRequestToken: 't' }, /"SecretId" must be a non-empty string/],
      [{ Step: 'createSecret', SecretId: 's', ClientRequestToken: 42 }, /"ClientRequestToken" .* got a number/],
      [
        { Step: 'createSecret', SecretId: 's', ClientRequestToken: 't', RotationToken: 7 },
        /"RotationToken" must be a string/,
      ],
      ['not an object', /must be an object, got "not an object"/],
    ])('rejects %j before any AWS call', async (event, message) => {
      const engine = engineFor(testStrategy());
      await expect(engine.handle(event)).rejects.toThrow(InvalidEventError);
      await expect(engine.handle(event)).rejects.toThrow(message);
      expect(fake.calls).toEqual([]);
    });
  });

  describe('every step', () => {
    it.each(STEPS)('%s fails when rotation is not enabled, naming the secret', async (step) => {
      secret.rotationEnabled = false;
      const error = engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, step));
      await expect(error).rejects.toThrow(RotationNotEnabledError);
      await expect(engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, step))).rejects.toThrow(
        /app\/api-key is not enabled/,
      );
    });

    it('treats a secret never configured for rotation (no RotationEnabled key) as not enabled', async () => {
      secret.rotationEnabled = undefined;
      await expect(engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        RotationNotEnabledError,
      );
    });

    it.each(STEPS)('%s fails when the token is not a version of the secret, naming secret and token', async (step) => {
      const run = engineFor(testStrategy()).handle(rotationEvent(secret, 'unknown-token-000000000000000000000', step));
      await expect(run).rejects.toThrow(PendingVersionMissingError);
      await expect(
        engineFor(testStrategy()).handle(rotationEvent(secret, 'unknown-token-000000000000000000000', step)),
      ).rejects.toThrow(/app\/api-key has no version unknown-token-0+/);
    });

    it.each(STEPS)('%s fails when the token version does not carry AWSPENDING', async (step) => {
      secret.versions[TOKEN] = { value: 'x-value', stages: ['CUSTOM'] };
      await expect(engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, step))).rejects.toThrow(
        new RegExp(`version ${TOKEN} must carry AWSPENDING, got labels \\[CUSTOM\\]`),
      );
    });

    it.each(STEPS)('%s does nothing when the token is already AWSCURRENT', async (step) => {
      const strategy = testStrategy();
      await runAll(engineFor(strategy));
      const before = JSON.stringify(secret.versions);
      fake.calls.length = 0;
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, step));
      expect(fake.calls).toEqual(['DescribeSecret']);
      expect(JSON.stringify(secret.versions)).toBe(before);
      expect(strategy.createCredential).toHaveBeenCalledTimes(1);
      expect(strategy.applyCredential).toHaveBeenCalledTimes(1);
      expect(strategy.verifyCredential).toHaveBeenCalledTimes(1);
    });

    it('wraps a Secrets Manager failure naming the operation and the secret', async () => {
      fake.secrets.clear();
      await expect(engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        SecretsManagerCallError,
      );
      await expect(engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        /DescribeSecret on secret arn:.*app\/api-key.* failed: ResourceNotFoundException/,
      );
    });
  });

  describe('createSecret', () => {
    it('stores a value built from AWSCURRENT on the token with AWSPENDING only', async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(secret.versions[TOKEN]).toEqual({ value: 'current-value-next', stages: ['AWSPENDING'] });
      expect(fake.mock).not.toHaveReceivedCommand(GetRandomPasswordCommand);
      expect(fake.calls).toEqual(['DescribeSecret', 'GetSecretValue', 'PutSecretValue']);
    });

    it('passes RotationToken back on PutSecretValue when the event has one', async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret', 'rotation-token-1234'));
      expect(fake.putRotationTokens).toEqual(['rotation-token-1234']);
    });

    it('sends no RotationToken when the event has none', async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(fake.putRotationTokens).toEqual([undefined]);
    });

    it('is idempotent in a warm container: the second run makes one call and writes nothing', async () => {
      const strategy = testStrategy();
      const engine = engineFor(strategy);
      await engine.handle(rotationEvent(secret, TOKEN, 'createSecret'));
      fake.calls.length = 0;
      await engine.handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(fake.calls).toEqual(['DescribeSecret']);
      expect(strategy.createCredential).toHaveBeenCalledTimes(1);
    });

    it('never regenerates a value stored by an earlier attempt in another container', async () => {
      secret.versions[TOKEN] = { value: 'stored-by-earlier-attempt', stages: ['AWSPENDING'] };
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(secret.versions[TOKEN]?.value).toBe('stored-by-earlier-attempt');
      expect(lines.join('\n')).toMatch(/already held a value from an earlier attempt/);
    });

    it('with side effects on create, reads the pending version first and skips the strategy when it holds a value', async () => {
      secret.versions[TOKEN] = { value: 'stored-by-earlier-attempt', stages: ['AWSPENDING'] };
      const strategy = testStrategy({ sideEffectsOnCreate: true });
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(strategy.createCredential).not.toHaveBeenCalled();
      expect(fake.calls).toEqual(['DescribeSecret', 'GetSecretValue']);
    });

    it('with side effects on create, creates the credential when the pending version has no value', async () => {
      const strategy = testStrategy({ sideEffectsOnCreate: true });
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(strategy.createCredential).toHaveBeenCalledTimes(1);
      expect(secret.versions[TOKEN]?.value).toBe('current-value-next');
    });

    it('discards the new credential when PutSecretValue fails, and still fails the step', async () => {
      const discardCredential = jest.fn(async () => {});
      const strategy = testStrategy({ sideEffectsOnCreate: true, discardCredential });
      secret.versions[TOKEN] = { stages: ['AWSPENDING'] };
      fake.mock
        .on(PutSecretValueCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      await expect(engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        /ThrottlingException/,
      );
      expect(discardCredential).toHaveBeenCalledWith(expect.objectContaining({ token: TOKEN }), 'current-value-next');
    });

    it('discards the new credential when another attempt stored a value first', async () => {
      const discardCredential = jest.fn(async () => {});
      const strategy = testStrategy({
        discardCredential,
        createCredential: jest.fn(async () => {
          secret.versions[TOKEN] = { value: 'stored-meanwhile', stages: ['AWSPENDING'] };
          return 'made-here';
        }),
      });
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(discardCredential).toHaveBeenCalledWith(expect.anything(), 'made-here');
      expect(secret.versions[TOKEN]?.value).toBe('stored-meanwhile');
    });

    it('keeps the original error when discarding fails too', async () => {
      const strategy = testStrategy({ discardCredential: jest.fn(async () => Promise.reject(new Error('iam down'))) });
      fake.mock.on(PutSecretValueCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServiceError' }));
      await expect(engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        /InternalServiceError/,
      );
      expect(lines.join('\n')).toMatch(/could not discard the credential/);
    });

    it('rejects an empty value from the strategy and writes nothing', async () => {
      const strategy = testStrategy({ createCredential: jest.fn(async () => '') });
      await expect(engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        /invalid value for secret app\/api-key/,
      );
      expect(fake.calls).not.toContain('PutSecretValue');
    });

    it('fails with a configuration error naming the tag when password settings are impossible, writing nothing', async () => {
      secret.tags['rotation:password-length'] = 'lots';
      const strategy = testStrategy({
        createCredential: jest.fn(async (ctx: RotationContext) => ctx.generatePassword()),
      });
      const run = engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      await expect(run).rejects.toThrow(ConfigurationError);
      await expect(engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        'secret app/api-key tag "rotation:password-length" must be an integer 1-4096, got "lots"',
      );
      expect(secret.versions[TOKEN]?.value).toBeUndefined();
    });

    it('generates passwords from tags over environment variables', async () => {
      secret.tags['rotation:password-length'] = '12';
      const strategy = testStrategy({
        createCredential: jest.fn(async (ctx: RotationContext) => ctx.generatePassword()),
      });
      await engineFor(strategy, { PASSWORD_LENGTH: '40', EXCLUDE_PUNCTUATION: 'true' }).handle(
        rotationEvent(secret, TOKEN, 'createSecret'),
      );
      expect(secret.versions[TOKEN]?.value).toMatch(/^[A-Za-z0-9]{12}$/);
    });

    it('does not move AWSCURRENT', async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      expect(fake.labelled(secret, 'AWSCURRENT')?.[0]).toBe('v-initial-0000000000000000000000000000');
    });
  });

  describe('setSecret and testSecret', () => {
    beforeEach(async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      fake.calls.length = 0;
    });

    it('give the strategy the pending and current values', async () => {
      const seen: string[] = [];
      const strategy = testStrategy({
        applyCredential: jest.fn(async (ctx: RotationContext) => {
          seen.push(
            (await ctx.current()).secretString,
            (await ctx.pending()).secretString,
            String(await ctx.previous()),
          );
        }),
      });
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'setSecret'));
      expect(seen).toEqual(['current-value', 'current-value-next', 'undefined']);
    });

    it('read each value once per container (values cached by VersionId)', async () => {
      const strategy = testStrategy({
        applyCredential: jest.fn(async (ctx: RotationContext) => {
          await ctx.current();
          await ctx.pending();
        }),
      });
      const engine = engineFor(strategy);
      await engine.handle(rotationEvent(secret, TOKEN, 'setSecret'));
      await engine.handle(rotationEvent(secret, TOKEN, 'setSecret'));
      expect(fake.calls).toEqual(['DescribeSecret', 'DescribeSecret']);
    });

    it.each([
      ['setSecret', 'applyCredential', ApplyFailedError],
      ['testSecret', 'verifyCredential', VerificationFailedError],
    ] as const)(
      '%s wraps a strategy failure with the secret name and keeps the cause',
      async (step, hook, ErrorType) => {
        const cause = new Error('connection refused');
        const strategy = testStrategy({ [hook]: jest.fn(async () => Promise.reject(cause)) });
        const run = engineFor(strategy).handle(rotationEvent(secret, TOKEN, step));
        await expect(run).rejects.toThrow(ErrorType);
        await engineFor(strategy)
          .handle(rotationEvent(secret, TOKEN, step))
          .catch((error: Error & { step?: string; secretId?: string }) => {
            expect(error.message).toBe(`${step} for secret app/api-key failed: Error: connection refused`);
            expect(error.cause).toBe(cause);
            expect(error.step).toBe(step);
          });
      },
    );

    it('fails when the pending version has no value (createSecret never stored one)', async () => {
      const other = 'bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee';
      fake.startRotation(secret, other);
      const strategy = testStrategy({
        verifyCredential: jest.fn(async (ctx: RotationContext) => void (await ctx.pending())),
      });
      await expect(engineFor(strategy).handle(rotationEvent(secret, other, 'testSecret'))).rejects.toThrow(
        new RegExp(`secret app/api-key version ${other} \\(AWSPENDING\\) has no value yet`),
      );
    });

    it.each(['setSecret', 'testSecret'] as const)('%s never moves a label', async (step) => {
      const before = JSON.stringify(secret.versions);
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, step));
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, step));
      expect(JSON.stringify(secret.versions)).toBe(before);
      expect(fake.calls).not.toContain('UpdateSecretVersionStage');
    });
  });

  describe('finishSecret', () => {
    it('moves AWSCURRENT onto the token and AWSPREVIOUS onto the old version, leaving AWSPENDING by default', async () => {
      await runAll(engineFor(testStrategy()));
      expect(secret.versions[TOKEN]?.stages.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
      expect(secret.versions['v-initial-0000000000000000000000000000']?.stages).toEqual(['AWSPREVIOUS']);
      expect(fake.calls.filter((c) => c === 'UpdateSecretVersionStage')).toHaveLength(1);
    });

    it('removes AWSPENDING too when REMOVE_PENDING_ON_FINISH is set', async () => {
      await runAll(engineFor(testStrategy(), { REMOVE_PENDING_ON_FINISH: 'true' }));
      expect(secret.versions[TOKEN]?.stages).toEqual(['AWSCURRENT']);
      expect(fake.calls.filter((c) => c === 'UpdateSecretVersionStage')).toHaveLength(2);
    });

    it('a retried finishSecret with removal configured completes an interrupted removal', async () => {
      await runAll(engineFor(testStrategy()));
      await engineFor(testStrategy(), {}).handle(rotationEvent(secret, TOKEN, 'finishSecret'));
      expect(secret.versions[TOKEN]?.stages).toContain('AWSPENDING');
      secret.tags['rotation:remove-pending-on-finish'] = 'true';
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'finishSecret'));
      expect(secret.versions[TOKEN]?.stages).toEqual(['AWSCURRENT']);
    });

    it('is idempotent: run twice, one label move', async () => {
      const engine = engineFor(testStrategy());
      await runAll(engine);
      await engine.handle(rotationEvent(secret, TOKEN, 'finishSecret'));
      expect(fake.calls.filter((c) => c === 'UpdateSecretVersionStage')).toHaveLength(1);
      expect(fake.labelled(secret, 'AWSCURRENT')?.[0]).toBe(TOKEN);
    });

    it('calls revokePrevious with the old version as AWSPREVIOUS, and again on a retry', async () => {
      const previousSeen: (string | undefined)[] = [];
      const strategy = testStrategy({
        revokePrevious: jest.fn(
          async (ctx: RotationContext) => void previousSeen.push((await ctx.previous())?.secretString),
        ),
      });
      await runAll(engineFor(strategy));
      await engineFor(strategy).handle(rotationEvent(secret, TOKEN, 'finishSecret'));
      expect(previousSeen).toEqual(['current-value', 'current-value']);
    });

    it('only finishSecret moves AWSCURRENT, across a whole rotation with every step run twice', async () => {
      const engine = engineFor(testStrategy());
      const currentAfter: string[] = [];
      for (const step of STEPS) {
        await engine.handle(rotationEvent(secret, TOKEN, step));
        await engine.handle(rotationEvent(secret, TOKEN, step));
        currentAfter.push(fake.labelled(secret, 'AWSCURRENT')?.[0] as string);
      }
      const initial = 'v-initial-0000000000000000000000000000';
      expect(currentAfter).toEqual([initial, initial, initial, TOKEN]);
      expect(secret.versions[TOKEN]?.value).toBe('current-value-next');
    });
  });

  describe('metrics and logs', () => {
    it('writes one EMF line per step with the outcome and duration', async () => {
      await engineFor(testStrategy()).handle(rotationEvent(secret, TOKEN, 'createSecret'));
      await engineFor(testStrategy({ applyCredential: jest.fn(async () => Promise.reject(new Error('x'))) }))
        .handle(rotationEvent(secret, TOKEN, 'setSecret'))
        .catch(() => undefined);
      const emf = lines.map((l) => JSON.parse(l)).filter((l) => l._aws);
      expect(emf).toHaveLength(2);
      expect(emf[0]).toMatchObject({ CredentialType: 'test', Step: 'createSecret', StepSucceeded: 1 });
      expect(emf[1]).toMatchObject({ CredentialType: 'test', Step: 'setSecret', StepFailed: 1 });
      expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({
        Namespace: 'SecretRotation',
        Dimensions: [['CredentialType', 'Step']],
      });
      expect(typeof emf[0].StepDuration).toBe('number');
    });

    it('logs a failure with the secret, step and token, as JSON', async () => {
      secret.rotationEnabled = false;
      await engineFor(testStrategy())
        .handle(rotationEvent(secret, TOKEN, 'testSecret'))
        .catch(() => undefined);
      const error = lines.map((l) => JSON.parse(l)).find((l) => l.level === 'ERROR');
      expect(error).toMatchObject({
        message: 'testSecret failed',
        step: 'testSecret',
        ClientRequestToken: TOKEN,
        secretId: secret.arn,
      });
      expect(error.error.name).toBe('RotationNotEnabledError');
    });
  });
});
