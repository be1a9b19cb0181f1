import { RotationEngine } from '../../../lambdas/core/engine';
import { ConfigurationError, SecretFormatError, VerificationFailedError } from '../../../lambdas/core/errors';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { SecretsGateway, VersionValueCache } from '../../../lambdas/core/secrets-gateway';
import { DEFAULT_LENGTHS } from '../../../lambdas/random-secret/format';
import { RandomSecretStrategy } from '../../../lambdas/random-secret/strategy';
import { type FakeSecret, FakeSecretsManager, rotationEvent, STEPS } from '../core/fake-secrets-manager';

const TOKEN = '11111111-2222-4333-8444-555555555555';

describe('RandomSecretStrategy', () => {
  const fake = new FakeSecretsManager();
  let secret: FakeSecret;

  const engine = (env: Record<string, string> = {}) =>
    new RotationEngine(new RandomSecretStrategy(), new SecretsGateway(fake.client, new VersionValueCache()), {
      env,
      logger: new Logger('test', {}, 'SILENT'),
    });

  const rotate = async (env: Record<string, string> = {}) => {
    fake.startRotation(secret, TOKEN);
    const e = engine(env);
    for (const step of STEPS) await e.handle(rotationEvent(secret, TOKEN, step));
    return secret.versions[TOKEN]?.value as string;
  };

  beforeEach(() => {
    fake.reset();
    setLogSink(() => {});
  });

  describe('plain-string secrets', () => {
    beforeEach(() => {
      secret = fake.addSecret('svc/api-key', 'old-key-value-0000000000');
    });

    it('replaces the whole value with 43 alphanumeric characters by default', async () => {
      const value = await rotate();
      expect(value).toMatch(/^[A-Za-z0-9]{43}$/);
      expect(fake.labelled(secret, 'AWSCURRENT')?.[1].value).toBe(value);
      expect(fake.labelled(secret, 'AWSPREVIOUS')?.[1].value).toBe('old-key-value-0000000000');
    });

    it.each([
      ['hex', /^[0-9a-f]{64}$/],
      ['base64url', /^[A-Za-z0-9_-]{43}$/],
      ['alphanumeric', /^[A-Za-z0-9]{43}$/],
    ])('writes the %s format at its default length', async (format, pattern) => {
      secret.tags['rotation:format'] = format;
      expect(await rotate()).toMatch(pattern);
    });

    it('honours a prefix and a length from tags', async () => {
      secret.tags['rotation:prefix'] = 'whsec_';
      secret.tags['rotation:format'] = 'base64url';
      secret.tags['rotation:length'] = '32';
      expect(await rotate()).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    });

    it('takes defaults from the environment, tags winning', async () => {
      secret.tags['rotation:length'] = '20';
      expect(
        await rotate({ RANDOM_SECRET_FORMAT: 'hex', RANDOM_SECRET_LENGTH: '100', RANDOM_SECRET_PREFIX: 'sk_' }),
      ).toMatch(/^sk_[0-9a-f]{20}$/);
    });

    it('uses the password settings for the password format', async () => {
      secret.tags['rotation:format'] = 'password';
      secret.tags['rotation:exclude-characters'] = '"\'\\/@';
      const value = await rotate();
      expect(value).toHaveLength(DEFAULT_LENGTHS.password);
      expect(value).not.toMatch(/["'\\/@]/);
    });

    it.each([
      [
        { 'rotation:format': 'uuid' },
        'tag "rotation:format" must be one of alphanumeric, hex, base64url, password, got "uuid"',
      ],
      [{ 'rotation:length': '8' }, 'tag "rotation:length" must be an integer 16-4096, got "8"'],
      [
        { 'rotation:prefix': 'bad prefix!' },
        'tag "rotation:prefix" must be at most 64 characters from A-Z a-z 0-9 _ . -, got "bad prefix!"',
      ],
    ])('rejects bad settings %j before writing anything', async (tags, message) => {
      Object.assign(secret.tags, tags);
      fake.startRotation(secret, TOKEN);
      const run = engine().handle(rotationEvent(secret, TOKEN, 'createSecret'));
      await expect(run).rejects.toThrow(ConfigurationError);
      await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        `secret svc/api-key ${message}`,
      );
      expect(fake.calls).not.toContain('PutSecretValue');
      expect(secret.versions[TOKEN]?.value).toBeUndefined();
    });
  });

  describe('JSON secrets', () => {
    beforeEach(() => {
      secret = fake.addSecret(
        'svc/webhook',
        JSON.stringify({ signingSecret: 'whsec_old', endpoint: 'https://x.test', n: 3 }),
        {
          tags: { 'rotation:field': 'signingSecret', 'rotation:prefix': 'whsec_' },
        },
      );
    });

    it('rotates only the configured field and keeps every other field', async () => {
      const value = JSON.parse(await rotate());
      expect(value.signingSecret).toMatch(/^whsec_[A-Za-z0-9]{43}$/);
      expect(value).toEqual({ signingSecret: value.signingSecret, endpoint: 'https://x.test', n: 3 });
    });

    it('uses the field "secret" when no field is configured', async () => {
      secret = fake.addSecret('svc/hmac', JSON.stringify({ secret: 'k', keyId: 'key-1' }));
      const value = JSON.parse(await rotate());
      expect(value.keyId).toBe('key-1');
      expect(value.secret).toMatch(/^[A-Za-z0-9]{43}$/);
    });

    it('fails naming the field when it is missing, writing nothing', async () => {
      delete secret.tags['rotation:field'];
      fake.startRotation(secret, TOKEN);
      await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(SecretFormatError);
      await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
        'secret svc/webhook (AWSCURRENT) is a JSON object whose field "secret" must be a string, got no such field',
      );
      expect(fake.calls).not.toContain('PutSecretValue');
    });
  });

  describe('testSecret', () => {
    beforeEach(() => {
      secret = fake.addSecret(
        'svc/webhook',
        JSON.stringify({ signingSecret: 'whsec_old', endpoint: 'https://x.test' }),
        {
          tags: { 'rotation:field': 'signingSecret', 'rotation:prefix': 'whsec_' },
        },
      );
      fake.startRotation(secret, TOKEN);
    });

    const verify = async (pending: string) => {
      secret.versions[TOKEN] = { value: pending, stages: ['AWSPENDING'] };
      await engine().handle(rotationEvent(secret, TOKEN, 'testSecret'));
    };
    const good = `whsec_${'a'.repeat(43)}`;

    it('accepts a well-formed pending value', async () => {
      await expect(
        verify(JSON.stringify({ signingSecret: good, endpoint: 'https://x.test' })),
      ).resolves.toBeUndefined();
    });

    it.each([
      [
        { signingSecret: `sk_${'a'.repeat(43)}`, endpoint: 'https://x.test' },
        'field "signingSecret" does not start with the prefix "whsec_"',
      ],
      [{ signingSecret: 'whsec_short', endpoint: 'https://x.test' }, 'has a random part of 5 characters, expected 43'],
      [
        { signingSecret: `whsec_${'!'.repeat(43)}`, endpoint: 'https://x.test' },
        'contains characters outside the alphanumeric alphabet',
      ],
      [{ signingSecret: good, endpoint: 'https://evil.test' }, 'changed field "endpoint"'],
      [{ signingSecret: good }, 'changed field "endpoint"'],
    ])('rejects %j', async (pending, message) => {
      const run = verify(JSON.stringify(pending));
      await expect(run).rejects.toThrow(VerificationFailedError);
      await expect(verify(JSON.stringify(pending))).rejects.toThrow(message);
    });

    it('accepts a copy of the current value (RotateImmediately=false test rotation), even if not in the format', async () => {
      await expect(
        verify(secret.versions['v-initial-0000000000000000000000000000']?.value as string),
      ).resolves.toBeUndefined();
    });

    it('fails a test rotation whose configured field is missing', async () => {
      secret.tags['rotation:field'] = 'nope';
      const copy = secret.versions['v-initial-0000000000000000000000000000']?.value as string;
      await expect(verify(copy)).rejects.toThrow('field "nope" must be a string, got no such field');
    });

    it('rejects a plain pending value when the current value is JSON', async () => {
      await expect(verify(good)).rejects.toThrow('is a plain string, but the current value is not');
    });

    it('never puts the pending value in its error', async () => {
      const leaked = `whsec_${'Z'.repeat(40)}`;
      await verify(JSON.stringify({ signingSecret: leaked, endpoint: 'https://x.test' })).catch((error: Error) => {
        expect(error.message).not.toContain(leaked);
        expect(error.message).toContain('random part of 40 characters');
      });
    });
  });
});
