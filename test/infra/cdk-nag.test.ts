import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../../lib/config/load-config';
import { NAG_REASONS } from '../../lib/nag-suppressions';
import { RotationStack } from '../../lib/rotation-stack';
import {
  EXAMPLE_CONFIG,
  inlineCode,
  synthesize,
  synthesizeExample,
  validateWithPlanned,
  WITH_PLANNED_TYPES,
} from './synth-helpers';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the example stack', () => {
    // Template.fromStack inside synthesizeExample synthesizes, and the nag plugin throws on any finding.
    expect(() => synthesizeExample({ nag: true })).not.toThrow();
  });

  it('finds nothing unacknowledged with every planned type, a VPC, a boundary and a role prefix', () => {
    const config = validateWithPlanned({
      permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
      roleNamePrefix: 'app-',
      functions: {
        postgres: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0abc1234'] } },
        // In a VPC and over the Data API: the role's * (network interfaces) and the probe policy's * (ListSecrets).
        mysql: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0abc1234'] } },
      },
      secrets: [
        {
          name: 'db/app',
          type: 'postgres',
          settings: { strategy: 'alternating-users' },
          masterSecret: 'db/admin',
          masterSecretKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd',
        },
        {
          name: 'db/reporting',
          type: 'mysql',
          dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:reports' },
        },
        { name: 'ci/deployer-key', type: 'iam-access-key', iamUser: { userName: 'ci-deployer' } },
      ],
    });
    expect(() => synthesize(config, { credentialTypes: WITH_PLANNED_TYPES, nag: true })).not.toThrow();
  });

  it('finds nothing unacknowledged over the Data API in an environment-agnostic stack', () => {
    const config = validateWithPlanned({
      secrets: [
        {
          name: 'db/reporting',
          type: 'mysql',
          masterSecret: 'db/admin',
          dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:reports' },
        },
      ],
    });
    // The probe ARN then holds unresolved Region and account: the acknowledgement must name them as cdk-nag does.
    expect(() => synthesize(config, { credentialTypes: WITH_PLANNED_TYPES, nag: true, env: undefined })).not.toThrow();
  });

  it('fails synthesis on a finding nobody acknowledged', () => {
    const app = new App();
    const stack = new RotationStack(app, 'Nagged', { config: loadConfig(EXAMPLE_CONFIG), codeFor: inlineCode });
    const role = new iam.Role(stack, 'Unjustified', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] }));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('gives every acknowledgement in the construct tree a reason from the reviewed list', () => {
    const { app } = synthesizeExample();
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
    const reviewed: string[] = Object.values(NAG_REASONS);
    for (const [rule, reason] of acknowledged) {
      expect(rule).toMatch(/^AwsSolutions::AwsSolutions-(L1|IAM5\[Resource::)/);
      expect(reviewed).toContain(reason);
    }
    for (const reason of reviewed) expect(reason.length).toBeGreaterThan(80);
  });
});
