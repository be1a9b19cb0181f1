import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { RotationEngine } from '../../../lambdas/core/engine';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { clearRememberedSecrets } from '../../../lambdas/core/redaction';
import { SecretsGateway, VersionValueCache } from '../../../lambdas/core/secrets-gateway';
import { IamAccessKeyStrategy } from '../../../lambdas/iam-access-key/strategy';
import type { IdentityProbe } from '../../../lambdas/iam-access-key/verify-key';
import { type FakeSecret, FakeSecretsManager, rotationEvent, STEPS } from '../core/fake-secrets-manager';
import { FakeIam } from './fake-iam';

const TOKEN = '11111111-2222-4333-8444-555555555555';
const TOKEN2 = '22222222-2222-4333-8444-555555555555';
const USER = 'ci-deployer';

function stsError(name: string): Error {
  const error = new Error('The security token included in the request is invalid.');
  error.name = name;
  return error;
}

describe('IamAccessKeyStrategy', () => {
  const sm = new FakeSecretsManager();
  const iam = new FakeIam(USER);
  let secret: FakeSecret;
  let lines: string[];
  let refusals: number;
  let strategy: IamAccessKeyStrategy;

  /** STS: an active key of the user authenticates, after `refusals` InvalidClientTokenId answers. */
  const probe: IdentityProbe = async (accessKeyId, secretAccessKey) => {
    const key = iam.keys.find((k) => k.accessKeyId === accessKeyId);
    if (refusals > 0 || !key || key.status !== 'Active' || key.secretAccessKey !== secretAccessKey) {
      refusals -= 1;
      throw stsError('InvalidClientTokenId');
    }
    return { arn: `arn:aws:iam::123456789012:user/ci/${USER}`, account: '123456789012' };
  };

  const engine = () =>
    new RotationEngine(strategy, new SecretsGateway(sm.client, new VersionValueCache()), {
      env: {},
      logger: new Logger('test', {}, 'DEBUG'),
    });

  const rotate = async (token = TOKEN) => {
    sm.startRotation(secret, token);
    const e = engine();
    for (const step of STEPS) await e.handle(rotationEvent(secret, token, step));
    return JSON.parse(secret.versions[token]?.value as string) as Record<string, string>;
  };

  beforeEach(() => {
    sm.reset();
    iam.reset();
    clearRememberedSecrets();
    lines = [];
    setLogSink((line) => lines.push(line));
    refusals = 0;
    strategy = new IamAccessKeyStrategy({ iam: iam.client, probe, sleep: async () => {} });
    const first = iam.addKey();
    secret = sm.addSecret(
      'ci/deployer-key',
      JSON.stringify({ ...JSON.parse(iam.secretOf(first)), Region: 'eu-west-1' }),
    );
  });

  it('creates a second key, keeps other fields, and leaves the old key active', async () => {
    const old = iam.keys[0];
    const value = await rotate();
    expect(iam.keys).toHaveLength(2);
    expect(value.AccessKeyId).toBe(iam.keys[1].accessKeyId);
    expect(value).toMatchObject({ UserName: USER, Region: 'eu-west-1' });
    expect(old.status).toBe('Active');
    expect(sm.labelled(secret, 'AWSCURRENT')?.[0]).toBe(TOKEN);
  });

  it('deletes the inactive AWSPREVIOUS key to make room on the next rotation', async () => {
    const first = iam.keys[0].accessKeyId;
    await rotate();
    iam.keys[0].status = 'Inactive';
    const value = await rotate(TOKEN2);
    expect(iam.keys.map((k) => k.accessKeyId)).not.toContain(first);
    expect(iam.keys).toHaveLength(2);
    expect(value.AccessKeyId).toBe(iam.keys[1].accessKeyId);
  });

  it('fails naming an active AWSPREVIOUS key and changes nothing', async () => {
    await rotate();
    const before = iam.keys.map((k) => k.accessKeyId);
    sm.startRotation(secret, TOKEN2);
    await expect(engine().handle(rotationEvent(secret, TOKEN2, 'createSecret'))).rejects.toThrow(
      new RegExp(`key ${before[0]} may not be deleted`),
    );
    expect(iam.keys.map((k) => k.accessKeyId)).toEqual(before);
  });

  it('deletes an active AWSPREVIOUS key in emergency mode and deactivates the previous key at finishSecret', async () => {
    await rotate();
    secret.tags['rotation:emergency'] = 'true';
    const [first, second] = iam.keys;
    await rotate(TOKEN2);
    expect(iam.keys.map((k) => k.accessKeyId)).not.toContain(first.accessKeyId);
    expect(second.status).toBe('Inactive');
    expect(iam.keys.find((k) => k.accessKeyId !== second.accessKeyId)?.status).toBe('Active');
  });

  it('never deletes an active key the secret does not know', async () => {
    const stranger = iam.addKey();
    sm.startRotation(secret, TOKEN);
    await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toMatchObject({
      name: 'NoRoomForKeyError',
      message: expect.stringContaining(`key ${stranger.accessKeyId} may not be deleted`),
    });
    expect(iam.keys).toHaveLength(2);
    expect(iam.calls).not.toContainEqual(expect.stringMatching(/^DeleteAccessKey/));
  });

  it('deletes the new key at once when PutSecretValue fails, then succeeds on retry', async () => {
    sm.mock.on(PutSecretValueCommand).rejectsOnce(Object.assign(new Error('boom'), { name: 'InternalServiceError' }));
    sm.startRotation(secret, TOKEN);
    await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow();
    const created = iam.calls.filter((c) => c === 'CreateAccessKey').length;
    expect(created).toBe(1);
    expect(iam.keys).toHaveLength(1);
    expect(iam.calls.some((c) => c.startsWith('DeleteAccessKey'))).toBe(true);
    // A fresh fake Secrets Manager (the same secret ARN) with its own PutSecretValue back in place.
    const initial = secret.versions['v-initial-0000000000000000000000000000'].value as string;
    sm.reset();
    secret = sm.addSecret('ci/deployer-key', initial);
    sm.startRotation(secret, TOKEN);
    for (const step of STEPS) await engine().handle(rotationEvent(secret, TOKEN, step));
    expect(iam.keys).toHaveLength(2);
    expect(JSON.parse(secret.versions[TOKEN]?.value as string).AccessKeyId).toBe(iam.keys[1].accessKeyId);
  });

  it('does not create a second key when createSecret is retried after the value was stored', async () => {
    sm.startRotation(secret, TOKEN);
    await engine().handle(rotationEvent(secret, TOKEN, 'createSecret'));
    await engine().handle(rotationEvent(secret, TOKEN, 'createSecret'));
    expect(iam.calls.filter((c) => c === 'CreateAccessKey')).toHaveLength(1);
  });

  it('waits while STS refuses the new key, then passes', async () => {
    refusals = 3;
    await rotate();
    expect(lines.filter((l) => l.includes('not accepted by STS yet'))).toHaveLength(3);
  });

  it('fails testSecret with a clear error when the key is refused past the bound', async () => {
    secret.tags['rotation:verify-timeout-seconds'] = '0';
    refusals = 1;
    sm.startRotation(secret, TOKEN);
    const e = engine();
    await e.handle(rotationEvent(secret, TOKEN, 'createSecret'));
    await e.handle(rotationEvent(secret, TOKEN, 'setSecret'));
    await expect(e.handle(rotationEvent(secret, TOKEN, 'testSecret'))).rejects.toMatchObject({
      name: 'VerificationFailedError',
      message: expect.stringMatching(/still refused by STS \(InvalidClientTokenId\).*retry the rotation/),
    });
  });

  it('fails testSecret when the key authenticates as another user', async () => {
    strategy = new IamAccessKeyStrategy({
      iam: iam.client,
      probe: async () => ({ arn: 'arn:aws:iam::123456789012:user/someone-else' }),
    });
    await expect(rotate()).rejects.toThrow(
      /authenticates as arn:aws:iam::123456789012:user\/someone-else, expected IAM user ci-deployer/,
    );
  });

  it('passes a configuration test whose pending value is a copy of the current key, creating nothing', async () => {
    const value = sm.labelled(secret, 'AWSCURRENT')?.[1].value as string;
    secret.versions[TOKEN] = { value, stages: ['AWSPENDING'] };
    await engine().handle(rotationEvent(secret, TOKEN, 'testSecret'));
    expect(iam.calls).toEqual([]);
  });

  it('fails a configuration test when the current key no longer authenticates', async () => {
    const value = sm.labelled(secret, 'AWSCURRENT')?.[1].value as string;
    secret.versions[TOKEN] = { value, stages: ['AWSPENDING'] };
    secret.tags['rotation:verify-timeout-seconds'] = '0';
    iam.keys[0].status = 'Inactive';
    await expect(engine().handle(rotationEvent(secret, TOKEN, 'testSecret'))).rejects.toThrow(
      new RegExp(`pending key ${iam.keys[0].accessKeyId} was still refused`),
    );
  });

  it('rejects a current value without an AccessKeyId, naming the field', async () => {
    secret = sm.addSecret('ci/bad', JSON.stringify({ UserName: USER, SecretAccessKey: 'x'.repeat(40) }));
    sm.startRotation(secret, TOKEN);
    await expect(engine().handle(rotationEvent(secret, TOKEN, 'createSecret'))).rejects.toThrow(
      /field "AccessKeyId" must be a non-empty string, got no such field/,
    );
  });

  it('writes no secret access key into any log line', async () => {
    refusals = 1;
    await rotate();
    iam.keys[0].status = 'Inactive';
    await rotate(TOKEN2);
    const secrets = iam.keys.map((k) => k.secretAccessKey);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) for (const s of secrets) expect(line).not.toContain(s);
  });
});
