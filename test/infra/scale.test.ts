import type { Template } from 'aws-cdk-lib/assertions';
import { validateConfig } from '../../lib/config/validate-config';
import { resourcesOf, synthesize } from './synth-helpers';

const ACCOUNT = '123456789012';
const SECRET_COUNT = 1000;

/** 1,000 secrets: every fourth created by the stack, the rest existing, with names of realistic length. */
function thousandSecrets() {
  return Array.from({ length: SECRET_COUNT }, (_, i) => ({
    name: `team-${String(i % 37).padStart(2, '0')}/service-${String(i).padStart(4, '0')}/api-signing-key`,
    type: 'random-secret',
    create: i % 4 === 0,
    riskTier: (['high', 'standard', 'low'] as const)[i % 3],
    settings: { format: 'hex', length: 64 },
  }));
}

/**
 * Renders a CloudFormation value as deployed, to measure policy and pattern sizes: pseudo parameters become
 * us-east-1 values and a secret's Ref becomes a full ARN of its name.
 */
function deployed(value: unknown, secretNames: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => deployed(v, secretNames));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('Ref' in obj) {
      const ref = String(obj.Ref);
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return 'us-east-1';
      if (ref === 'AWS::AccountId') return ACCOUNT;
      if (secretNames[ref]) return `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${secretNames[ref]}-AbCdEf`;
      return `arn:aws:sns:us-east-1:${ACCOUNT}:${ref}`;
    }
    if ('Fn::Join' in obj) {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => deployed(p, secretNames)).join(sep);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, deployed(v, secretNames)]));
  }
  return value;
}

function secretNamesOf(template: Template): Record<string, string> {
  const secrets = template.findResources('AWS::SecretsManager::Secret');
  return Object.fromEntries(Object.entries(secrets).map(([id, r]) => [id, String(r.Properties.Name)]));
}

describe('scale', () => {
  const config = validateConfig({ secrets: thousandSecrets() });
  const started = process.hrtime.bigint();
  const synthesized = synthesize(config);
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
  // A benchmark figure for humans, not an assertion.
  console.log(
    `synthesized ${SECRET_COUNT} secrets into ${synthesized.shards.length} nested stacks in ${synthMs.toFixed(0)} ms`,
  );

  it('manages every secret with exactly one rotation schedule', () => {
    expect(Object.keys(resourcesOf(synthesized.shards, 'AWS::SecretsManager::RotationSchedule'))).toHaveLength(
      SECRET_COUNT,
    );
    expect(Object.keys(resourcesOf(synthesized.shards, 'AWS::SecretsManager::Secret'))).toHaveLength(SECRET_COUNT / 4);
  });

  it('keeps every template within 500 resources and 1 MB', () => {
    for (const template of synthesized.all) {
      const json = template.toJSON();
      expect(Object.keys(json.Resources).length).toBeLessThanOrEqual(500);
      expect(JSON.stringify(json).length).toBeLessThan(1_000_000);
    }
  });

  it('keeps every rotation role policy within the 10,240-character inline limit once deployed', () => {
    for (const shard of synthesized.shards) {
      const names = secretNamesOf(shard);
      for (const role of Object.values(shard.findResources('AWS::IAM::Role'))) {
        expect(JSON.stringify(deployed(role.Properties.Policies, names)).length).toBeLessThan(10_240);
      }
    }
  });

  it('keeps every failure-event pattern within EventBridge 4,096-character limit once deployed', () => {
    for (const shard of synthesized.shards) {
      const names = secretNamesOf(shard);
      for (const rule of Object.values(shard.findResources('AWS::Events::Rule'))) {
        expect(JSON.stringify(deployed(rule.Properties.EventPattern, names)).length).toBeLessThan(4_096);
      }
    }
  });

  it('names each shard function uniquely', () => {
    const names = Object.values(resourcesOf(synthesized.shards, 'AWS::Lambda::Function')).map(
      (f) => f.Properties.FunctionName,
    );
    expect(new Set(names).size).toBe(synthesized.shards.length);
    expect(names[0]).toBe('rotation-random-secret');
    expect(names[1]).toBe('rotation-random-secret-1');
  });
});
