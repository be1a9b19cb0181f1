import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CREDENTIAL_TYPES } from '../../lambdas/registry';
import { loadConfig } from '../../lib/config/load-config';
import { ROTATION_FAILURE_EVENTS } from '../../lib/constructs/rotation-failure-rule';
import { RotationStack } from '../../lib/rotation-stack';
import {
  EXAMPLE_CONFIG,
  resourcesOf,
  synthesize,
  synthesizeExample,
  validateWithPlanned,
  WITH_PLANNED_TYPES,
} from './synth-helpers';

describe('RotationStack with the example config', () => {
  const config = loadConfig(EXAMPLE_CONFIG);
  const { main, shards, all, stack } = synthesizeExample();
  const [shard] = shards;

  it('covers every credential type in lambdas/registry.ts', () => {
    const used = new Set(config.secrets.map((s) => s.type));
    const missing = CREDENTIAL_TYPES.map((t) => t.name).filter((name) => !used.has(name));
    // A newly registered type needs a secret in examples/rotation.config.json (and the .yaml copy).
    expect(missing).toEqual([]);
  });

  it('puts all six example secrets in one shard', () => {
    expect(shards).toHaveLength(1);
  });

  it('has one rotation function per credential type in use, on nodejs22.x with explicit memory and timeout', () => {
    shard.resourceCountIs('AWS::Lambda::Function', 4);
    shard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rotation-random-secret',
      Runtime: 'nodejs22.x',
      MemorySize: 256,
      Timeout: 30,
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    shard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rotation-iam-access-key',
      Runtime: 'nodejs22.x',
      Timeout: 120,
    });
    shard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rotation-postgres',
      Runtime: 'nodejs22.x',
      Timeout: 60,
    });
    shard.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'rotation-mysql',
      Runtime: 'nodejs22.x',
      Timeout: 120,
    });
    shard.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('has a rotation schedule per secret with the configured expression, window and rotate-on-deploy', () => {
    shard.resourceCountIs('AWS::SecretsManager::RotationSchedule', config.secrets.length);
    for (const secret of config.secrets) {
      shard.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationRules: { ScheduleExpression: secret.scheduleExpression, Duration: secret.window },
        RotateImmediatelyOnUpdate: secret.rotateOnDeploy,
        RotationLambdaARN: {
          'Fn::GetAtt': [Match.stringLikeRegexp(`Rotation${secret.type.replace(/-/g, '')}`), 'Arn'],
        },
      });
    }
    shard.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { SecretId: 'internal/hmac-key' });
    shard.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/session-signing-AbC123',
    });
  });

  it('lets Secrets Manager invoke the functions only from this account', () => {
    shard.resourceCountIs('AWS::Lambda::Permission', 4);
    shard.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      Action: 'lambda:InvokeFunction',
      SourceAccount: '123456789012',
    });
  });

  it('makes every schedule wait for the invoke permission', () => {
    const schedules = shard.findResources('AWS::SecretsManager::RotationSchedule');
    for (const schedule of Object.values(schedules)) {
      expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/SecretsManagerInvoke/)]));
    }
  });

  it('creates the secrets marked create, with their settings as rotation tags', () => {
    shard.resourceCountIs('AWS::SecretsManager::Secret', 2);
    shard.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'payments/webhooks/signing-secret',
      GenerateSecretString: { SecretStringTemplate: '{"algorithm":"HMAC-SHA256"}', GenerateStringKey: 'signingSecret' },
      // CDK sorts tags by key.
      Tags: Match.arrayWith([
        { Key: 'consumers', Value: 'merchant-portal webhook-relay' },
        { Key: 'owner', Value: 'team-payments' },
        { Key: 'rotation:field', Value: 'signingSecret' },
        { Key: 'rotation:format', Value: 'base64url' },
        { Key: 'rotation:managed-by', Value: 'SecretRotation' },
        { Key: 'rotation:prefix', Value: 'whsec_' },
      ]),
    });
    const secrets = shard.findResources('AWS::SecretsManager::Secret');
    for (const created of Object.values(secrets)) expect(created.DeletionPolicy).toBe('Retain');
  });

  it('tells the user how to tag an existing secret with its settings', () => {
    const infos = Annotations.fromStack(stack).findInfo(
      '*',
      Match.stringLikeRegexp('tag-resource --secret-id internal/hmac-key'),
    );
    expect(infos).toHaveLength(1);
    expect(String(infos[0].entry.data)).toContain('{"Key":"rotation:format","Value":"hex"}');
  });

  it('alarms on errors, throttles and near-timeout duration of each function', () => {
    shard.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
    shard.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
    shard.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Threshold: 24000,
    });
    // 3 alarms for each of the 4 functions + the failure-rule alarm in the shard; 3 monitor-function + 3 monitor
    // + 3 sweeper-function alarms in the main stack.
    shard.resourceCountIs('AWS::CloudWatch::Alarm', 13);
    main.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });

  it('sends every alarm to the stack topic and to the configured existing topic', () => {
    const alarms = resourcesOf(all, 'AWS::CloudWatch::Alarm');
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toHaveLength(2);
      expect(alarm.Properties.AlarmActions).toContain('arn:aws:sns:us-east-1:123456789012:ops-pager');
    }
  });

  it('has an event rule for failed, abandoned and failed-test rotations of exactly the managed secrets', () => {
    shard.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: [...ROTATION_FAILURE_EVENTS],
          additionalEventData: {
            SecretId: [
              { Ref: Match.stringLikeRegexp('PaymentsWebhooksSigningSecret') },
              { Ref: Match.stringLikeRegexp('PartnersApiKeySecret') },
              {
                prefix: {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([':secretsmanager:us-east-1:123456789012:secret:internal/hmac-key-']),
                  ],
                },
              },
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/session-signing-AbC123',
              {
                prefix: {
                  'Fn::Join': ['', Match.arrayWith([':secretsmanager:us-east-1:123456789012:secret:ci/deployer-key-'])],
                },
              },
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-app-XyZ789',
              {
                prefix: {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([':secretsmanager:us-east-1:123456789012:secret:inventory/db-app-']),
                  ],
                },
              },
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:analytics/db-reporting-Qw3rTy',
            ],
          },
        },
      },
    });
  });

  it('delivers a readable failure message to the topics through an input transformer', () => {
    shard.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([
        Match.objectLike({
          Arn: 'arn:aws:sns:us-east-1:123456789012:ops-pager',
          InputTransformer: {
            InputPathsMap: Match.objectLike({
              'detail-eventName': '$.detail.eventName',
              'detail-errorMessage': '$.detail.errorMessage',
            }),
            InputTemplate: Match.stringLikeRegexp(
              'Secrets Manager <detail-eventName> for secret <detail-additionalEventData-SecretId>.*rotate-secret',
            ),
          },
        }),
      ]),
    });
  });

  it('alarms on the failure rule matching any event', () => {
    shard.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('RotationFailuresRule') } }],
      Threshold: 1,
    });
  });

  it('has a KMS-encrypted topic whose policy denies publishing without TLS, with the email subscription', () => {
    main.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsKey'), 'Arn'] },
    });
    main.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    main.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
    main.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security-alerts@example.com',
    });
  });

  it('runs the monitor on its schedule and alarms on overdue, stuck and disabled secrets', () => {
    main.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    main.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'secret-rotation-monitor',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { ROTATION_FUNCTION_PREFIX: 'rotation-', METRICS_NAMESPACE: 'SecretRotation' } },
    });
    for (const metric of ['OverdueSecrets', 'StuckSecrets', 'RotationDisabledSecrets']) {
      main.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'SecretRotation',
        MetricName: metric,
        Threshold: 1,
      });
    }
  });

  it('has a dashboard with rotations, failures, durations and the age of each secret', () => {
    const dashboards = main.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(Object.values(dashboards)[0].Properties.DashboardBody);
    for (const text of ['StepSucceeded', 'StepFailed', 'StepDuration', 'HoursSinceLastRotation', 'OverdueSecrets']) {
      expect(body).toContain(text);
    }
  });

  it('runs the revocation sweeper on its own schedule for the IAM access key secret, with an errors alarm', () => {
    main.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'secret-revocation-sweeper',
      Runtime: 'nodejs22.x',
      MemorySize: 256,
      Timeout: 300,
      Environment: { Variables: { SWEEP_ROTATION_FUNCTION_PREFIX: 'rotation-' } },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    const rules = Object.values(main.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.Description === 'Runs the revocation sweeper',
    );
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.ScheduleExpression).toBe('rate(1 hour)');
    main.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      AlarmDescription: Match.stringLikeRegexp('revocation sweeper'),
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('revocation sweeper'))).toHaveLength(0);
  });

  it("lets the sweeper read only the IAM access key secret and revoke only its user's keys", () => {
    const roles = Object.values(main.findResources('AWS::IAM::Role')).filter(
      (role) =>
        role.Properties.Description === 'Revokes previous credentials of managed secrets after their grace period',
    );
    expect(roles).toHaveLength(1);
    const statements = roles[0].Properties.Policies[0].PolicyDocument.Statement;
    const bySid = Object.fromEntries(statements.map((st: { Sid: string }) => [st.Sid, st]));
    expect(Object.keys(bySid).sort()).toEqual(['ListSecrets', 'ReadSweptSecrets', 'RevokeAccessKeys', 'WriteOwnLogs']);
    expect(bySid.ReadSweptSecrets.Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(bySid.ReadSweptSecrets.Resource)).toContain(':secret:ci/deployer-key-??????');
    expect(bySid.RevokeAccessKeys.Action).toEqual(['iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey']);
    expect(JSON.stringify(bySid.RevokeAccessKeys.Resource)).toContain(':user/ci/ci-deployer');
  });
});

describe('RotationStack without a type that can revoke', () => {
  it('deploys no revocation sweeper', () => {
    const config = validateWithPlanned({ secrets: [{ name: 'app/key', type: 'random-secret' }] });
    const { main } = synthesize(config);
    expect(JSON.stringify(main.toJSON())).not.toContain('revocation sweeper');
  });
});

describe('RotationStack with planned credential types', () => {
  const raw = {
    permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/rotation-boundary',
    roleNamePrefix: 'app-',
    functionNamePrefix: 'acme-',
    sweeper: { schedule: 'rate(15 minutes)' },
    functions: {
      postgres: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0abc1234'] } },
    },
    secrets: [
      { name: 'db/app', type: 'postgres', settings: { strategy: 'alternating-users' }, masterSecret: 'db/admin' },
      {
        name: 'db/reporting',
        type: 'mysql',
        dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:reports' },
      },
      { name: 'ci/deployer-key', type: 'iam-access-key', iamUser: { userName: 'ci-deployer', path: '/ci/' } },
    ],
  };
  const config = validateWithPlanned(raw);
  const withPlanned = synthesize(config, { credentialTypes: WITH_PLANNED_TYPES });

  it('sets the permissions boundary and role name prefix on every role', () => {
    const { all } = withPlanned;
    const roles = resourcesOf(all, 'AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(5);
    for (const role of Object.values(roles)) {
      expect(role.Properties.PermissionsBoundary).toBe('arn:aws:iam::123456789012:policy/rotation-boundary');
      expect(role.Properties.RoleName).toMatch(/^app-rotation-/);
    }
  });

  it('names functions with the prefix and puts only the VPC type in the VPC', () => {
    const { shards } = withPlanned;
    shards[0].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'acme-rotation-postgres',
      VpcConfig: { SubnetIds: ['subnet-0abc1234'], SecurityGroupIds: ['sg-0abc1234'] },
    });
    shards[0].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'acme-rotation-mysql',
      VpcConfig: Match.absent(),
    });
  });

  it('deploys the sweeper with the prefixes, the boundary and the configured schedule', () => {
    const { main } = withPlanned;
    main.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'acme-secret-revocation-sweeper',
      Environment: { Variables: { SWEEP_ROTATION_FUNCTION_PREFIX: 'acme-rotation-' } },
    });
    main.hasResourceProperties('AWS::IAM::Role', { RoleName: 'app-rotation-sweeper' });
    main.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Runs the revocation sweeper',
      ScheduleExpression: 'rate(15 minutes)',
    });
  });

  it('calls the revocation sweeper extension point with the revocable secrets', () => {
    const sweeper = jest.fn();
    const { stack } = synthesize(config, { credentialTypes: WITH_PLANNED_TYPES, revocationSweeper: sweeper });
    expect(sweeper).toHaveBeenCalledTimes(1);
    expect(sweeper.mock.calls[0][0]).toBeInstanceOf(RotationStack);
    expect(sweeper.mock.calls[0][1].secrets.map((s: { name: string }) => s.name)).toEqual(['ci/deployer-key']);
    expect(sweeper.mock.calls[0][1].schedule).toBe('rate(15 minutes)');
    expect(
      Template.fromStack(stack).findResources('AWS::Events::Rule', {
        Properties: { Description: 'Runs the revocation sweeper' },
      }),
    ).toEqual({});
  });
});
