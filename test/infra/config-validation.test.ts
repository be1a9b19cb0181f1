import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../../lib/config/config-validation-error';
import { loadConfig } from '../../lib/config/load-config';
import { RISK_TIER_SCHEDULES } from '../../lib/config/risk-tiers';
import { validateConfig } from '../../lib/config/validate-config';
import { EXAMPLE_CONFIG, validateWithPlanned } from './synth-helpers';

const secret = (extra: Record<string, unknown> = {}) => ({ name: 'app/api-key', type: 'random-secret', ...extra });
const config = (secrets: unknown[], extra: Record<string, unknown> = {}) => ({ secrets, ...extra });

/** The issues of a config that must fail validation. */
function issuesOf(raw: unknown, validate: (raw: unknown) => unknown = (r) => validateConfig(r)) {
  try {
    validate(raw);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues;
    throw error;
  }
  throw new Error('config was accepted');
}

describe('validateConfig', () => {
  describe('valid configs', () => {
    it('loads the example config with every secret', () => {
      const loaded = loadConfig(EXAMPLE_CONFIG);
      expect(loaded.secrets.map((s) => s.type)).toEqual([
        'random-secret',
        'random-secret',
        'random-secret',
        'random-secret',
        'iam-access-key',
        'postgres',
        'mysql',
        'mysql',
      ]);
      expect(loaded.secrets[0]).toMatchObject({
        id: 'PaymentsWebhooksSigningSecret',
        create: true,
        scheduleExpression: 'cron(0 2 ? * SUN *)',
        window: '3h',
        rotateOnDeploy: true,
        rotationTags: {
          'rotation:format': 'base64url',
          'rotation:length': '43',
          'rotation:prefix': 'whsec_',
          'rotation:field': 'signingSecret',
        },
      });
    });

    it('gives a secret with no schedule its risk tier schedule and the default window', () => {
      const loaded = validateConfig(config([secret({ riskTier: 'high' }), secret({ name: 'b' })]));
      expect(loaded.secrets[0]).toMatchObject({ scheduleExpression: RISK_TIER_SCHEDULES.high.schedule, window: '4h' });
      expect(loaded.secrets[1]).toMatchObject({ scheduleExpression: 'rate(90 days)', rotateOnDeploy: false });
    });

    it('sweeps hourly unless the config says otherwise', () => {
      expect(validateConfig(config([secret()])).sweeper).toEqual({ schedule: 'rate(1 hour)', logRetentionDays: 365 });
      const custom = validateConfig(
        config([secret()], { sweeper: { schedule: 'rate(15 minutes)' }, defaults: { logRetentionDays: 30 } }),
      );
      expect(custom.sweeper).toEqual({ schedule: 'rate(15 minutes)', logRetentionDays: 30 });
    });

    it('applies the defaults block to secrets and functions', () => {
      const loaded = validateConfig(
        config([secret()], { defaults: { riskTier: 'low', window: '6h', rotateOnDeploy: true, memoryMb: 512 } }),
      );
      expect(loaded.secrets[0]).toMatchObject({
        scheduleExpression: 'rate(180 days)',
        window: '6h',
        rotateOnDeploy: true,
      });
      expect(loaded.functions['random-secret']).toEqual({ memoryMb: 512, timeoutSeconds: 60, logRetentionDays: 365 });
    });

    it('reads the YAML example as the same config as the JSON one', () => {
      expect(loadConfig(EXAMPLE_CONFIG.replace(/\.json$/, '.yaml'))).toEqual(loadConfig(EXAMPLE_CONFIG));
    });

    it('reads YAML files', () => {
      const dir = mkdtempSync(join(tmpdir(), 'rotation-config-'));
      const path = join(dir, 'rotation.yaml');
      writeFileSync(path, 'secrets:\n  - name: app/token\n    type: random-secret\n    schedule: rate(30 days)\n');
      expect(loadConfig(path).secrets[0]).toMatchObject({ name: 'app/token', scheduleExpression: 'rate(30 days)' });
    });
  });

  describe('invalid configs', () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      [
        'an unknown type',
        config([secret({ type: 'ftp-password' })]),
        'secrets[0].type',
        /registered credential type.*found "ftp-password"/,
      ],
      [
        'a cron expression with minutes',
        config([secret({ schedule: 'cron(15 2 * * ? *)' })]),
        'secrets[0].schedule',
        /found "cron\(15 2 \* \* \? \*\)"/,
      ],
      [
        'a cron expression with a year',
        config([secret({ schedule: 'cron(0 2 * * ? 2027)' })]),
        'secrets[0].schedule',
        /Secrets Manager accepts/,
      ],
      [
        'a rate under four hours',
        config([secret({ schedule: 'rate(2 hours)' })]),
        'secrets[0].schedule',
        /rate\(2 hours\)/,
      ],
      [
        'a window longer than the interval',
        config([secret({ schedule: 'rate(6 hours)', window: '8h' })]),
        'secrets[0].schedule',
        /window "8h"/,
      ],
      [
        'a schedule slower than its risk tier',
        config([secret({ schedule: 'rate(90 days)', riskTier: 'high' })]),
        'secrets[0].schedule',
        /at least every 30 days.*up to 90 days/,
      ],
      [
        'a cron schedule whose longest gap exceeds its risk tier',
        config([secret({ schedule: 'cron(0 2 1 */2 ? *)', riskTier: 'high' })]),
        'secrets[0].schedule',
        /at least every 30 days.*up to 6[12] days/,
      ],
      [
        'a window that crosses the UTC day',
        config([secret({ schedule: 'cron(0 22 * * ? *)', window: '4h' })]),
        'secrets[0].schedule',
        /cron\(0 22 \* \* \? \*\).*window "4h"/,
      ],
      [
        'an unknown risk tier',
        config([secret({ riskTier: 'critical' })]),
        'secrets[0].riskTier',
        /one of "high", "standard", "low".*"critical"/,
      ],
      [
        'both a name and an ARN',
        config([secret({ arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC123' })]),
        'secrets[0].arn',
        /either "name" or "arn"/,
      ],
      ['neither a name nor an ARN', config([{ type: 'random-secret' }]), 'secrets[0].name', /found nothing/],
      [
        'an ARN without the suffix',
        config([{ arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x', type: 'random-secret' }]),
        'secrets[0].arn',
        /full secret ARN/,
      ],
      ['a misspelt field', config([secret({ scheduel: 'rate(30 days)' })]), 'secrets[0].scheduel', /one of the fields/],
      [
        'a setting the type does not have',
        config([secret({ settings: { colour: 'blue' } })]),
        'secrets[0].settings.colour',
        /one of the settings format, length/,
      ],
      [
        'a setting out of range',
        config([secret({ settings: { length: 8 } })]),
        'secrets[0].settings.length',
        /integer 16-4096.*number 8/,
      ],
      [
        'a log retention CloudWatch does not offer',
        config([secret()], { defaults: { logRetentionDays: 10 } }),
        'defaults.logRetentionDays',
        /one of 1, 3, 5/,
      ],
      [
        'two secrets with one name',
        config([secret(), secret()]),
        'secrets[1].name',
        /not used by secrets\[0\].*"app\/api-key"/,
      ],
      [
        'an invalid email',
        config([secret()], { notifications: { emails: ['ops at example.com'] } }),
        'notifications.emails[0]',
        /email addresses/,
      ],
      ['no secrets', config([]), 'secrets', /non-empty list/],
      [
        'a sweeper schedule that is not an EventBridge expression',
        config([secret()], { sweeper: { schedule: 'hourly' } }),
        'sweeper.schedule',
        /rate\(\.\.\.\) or cron\(\.\.\.\)/,
      ],
      [
        'an unknown sweeper field',
        config([secret()], { sweeper: { every: '1h' } }),
        'sweeper.every',
        /one of the fields/,
      ],
      [
        'a VPC for a type that reaches no database',
        config([secret()], {
          functions: {
            'random-secret': {
              vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0abc1234'] },
            },
          },
        }),
        'functions.random-secret.vpc',
        /no VPC/,
      ],
      [
        'initial fields on an existing secret',
        config([secret({ initialFields: { user: 'x' } })]),
        'secrets[0].initialFields',
        /only with "create": true/,
      ],
    ];

    it.each(cases)('rejects %s with the path, what was expected and what was found', (_, raw, path, message) => {
      const issues = issuesOf(raw);
      const issue = issues.find((i) => i.path === path);
      expect(issue).toBeDefined();
      expect(`${issue?.path}: expected ${issue?.expected}, found ${issue?.found}`).toMatch(message);
    });

    it('rejects a planned type that has no rotation function yet, saying so', () => {
      // A type with a config profile but no registry line, as mysql was before its function existed.
      const issues = issuesOf(config([secret({ type: 'mysql' })]), (r) =>
        validateConfig(r, { registeredTypes: ['random-secret'] }),
      );
      expect(issues[0]).toMatchObject({ path: 'secrets[0].type' });
      expect(issues[0].found).toMatch(/planned but has no rotation function yet/);
    });

    it('rejects alternating users without a master secret', () => {
      const raw = config([secret({ type: 'postgres', settings: { strategy: 'alternating-users' } })]);
      const issues = issuesOf(raw, (r) => validateWithPlanned(r));
      expect(issues).toEqual([
        {
          path: 'secrets[0].masterSecret',
          expected: expect.stringMatching(/admin secret.*alternating-users/),
          found: 'nothing',
        },
      ]);
    });

    it('rejects an IAM access key secret that names no user', () => {
      const issues = issuesOf(config([secret({ type: 'iam-access-key' })]), (r) => validateWithPlanned(r));
      expect(issues.map((i) => i.path)).toEqual(['secrets[0].iamUser']);
    });

    it('rejects a Data API cluster that is not a cluster ARN', () => {
      const raw = config([
        secret({ type: 'mysql', dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:db:single' } }),
      ]);
      const issues = issuesOf(raw, (r) => validateWithPlanned(r));
      expect(issues[0]).toMatchObject({
        path: 'secrets[0].dataApi.clusterArn',
        expected: expect.stringMatching(/^an Aurora cluster ARN/),
      });
    });

    it('reports every problem of a file in one error', () => {
      const raw = config([secret({ type: 'nope' }), secret({ name: 'b', schedule: 'every day' })], {
        secretsPerShard: 0,
      });
      expect(() => validateConfig(raw, { source: 'bad.json' })).toThrow(
        /invalid rotation config bad\.json \(3 problems\):\n {2}- secrets\[0\]\.type[^\n]*\n {2}- secrets\[1\]\.schedule[^\n]*\n {2}- secretsPerShard/,
      );
    });

    it('turns a JSON syntax error into a validation error naming the file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'rotation-config-'));
      const path = join(dir, 'broken.json');
      writeFileSync(path, '{ "secrets": [ }');
      expect(() => loadConfig(path)).toThrow(
        /invalid rotation config .*broken\.json .*\(file\): expected valid JSON, found/s,
      );
    });
  });
});
