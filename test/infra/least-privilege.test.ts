import { Template } from 'aws-cdk-lib/assertions';
import { NAG_REASONS } from '../../lib/nag-suppressions';
import { resourcesOf, synthesize, synthesizeExample, validateWithPlanned, WITH_PLANNED_TYPES } from './synth-helpers';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** Renders a CloudFormation value to text: `{Ref: X}` becomes `<X>`, joins are joined. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('Ref' in obj) return `<${String(obj.Ref)}>`;
    if ('Fn::GetAtt' in obj) return `<${(obj['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in obj) {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(value);
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every policy statement in the templates, with where it came from. */
function statements(
  templates: readonly Template[],
): Array<{ where: string; kind: 'identity' | 'resource'; statement: Statement }> {
  const out: Array<{ where: string; kind: 'identity' | 'resource'; statement: Statement }> = [];
  const push = (where: string, kind: 'identity' | 'resource', doc: unknown) => {
    for (const statement of list((doc as { Statement?: Statement[] })?.Statement)) out.push({ where, kind, statement });
  };
  for (const [id, role] of Object.entries(resourcesOf(templates, 'AWS::IAM::Role'))) {
    for (const policy of list(role.Properties.Policies as Array<{ PolicyDocument: unknown }>))
      push(id, 'identity', policy.PolicyDocument);
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, policy] of Object.entries(resourcesOf(templates, type)))
      push(id, 'identity', policy.Properties.PolicyDocument);
  }
  for (const [id, key] of Object.entries(resourcesOf(templates, 'AWS::KMS::Key')))
    push(id, 'resource', key.Properties.KeyPolicy);
  for (const [id, policy] of Object.entries(resourcesOf(templates, 'AWS::SNS::TopicPolicy')))
    push(id, 'resource', policy.Properties.PolicyDocument);
  return out;
}

/**
 * Every `*` in a resource that is allowed, and why. A statement passes only when its actions equal an entry's
 * actions exactly, so widening a justified statement fails the test.
 */
const JUSTIFIED_WILDCARDS: ReadonlyArray<{ actions: string[]; resource: RegExp; reason: string }> = [
  { actions: ['secretsmanager:ListSecrets'], resource: /^\*$/, reason: NAG_REASONS.listSecrets },
  { actions: ['secretsmanager:ListSecretVersionIds'], resource: /:secret:\*$/, reason: NAG_REASONS.listVersionIds },
  {
    actions: [
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resource: /^\*$/,
    reason: NAG_REASONS.vpcNetworkInterfaces,
  },
  {
    actions: [
      'secretsmanager:CreateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:TagResource',
    ],
    resource: /:secret:rotation-probe\/\*$/,
    reason: NAG_REASONS.dataApiProbeSecrets,
  },
  // Key policies: in a key policy, Resource "*" means "this key" (the only form KMS accepts).
  { actions: ['kms:*'], resource: /^\*$/, reason: 'key policy: the account administers its own key' },
  {
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resource: /^\*$/,
    reason: 'key policy: CloudWatch and EventBridge encrypt messages to the topic',
  },
];

function wildcardViolations(templates: readonly Template[]): string[] {
  const violations: string[] = [];
  for (const { where, statement } of statements(templates)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = list(statement.Action).slice().sort();
    for (const resource of list(statement.Resource).map(render)) {
      if (!resource.includes('*')) continue;
      const justified = JUSTIFIED_WILDCARDS.some(
        (j) =>
          j.resource.test(resource) &&
          j.actions.length === actions.length &&
          j.actions.every((a, i) => a === actions[i]),
      );
      if (!justified) violations.push(`${where}: ${actions.join(',')} on ${resource}`);
    }
  }
  return violations;
}

describe('least privilege', () => {
  const example = synthesizeExample();
  const planned = synthesize(
    validateWithPlanned({
      functions: {
        postgres: { vpc: { vpcId: 'vpc-0abc1234', subnetIds: ['subnet-0abc1234'], securityGroupIds: ['sg-0abc1234'] } },
      },
      secrets: [
        {
          name: 'db/app',
          type: 'postgres',
          settings: { strategy: 'alternating-users' },
          masterSecret: 'db/admin',
          kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd',
        },
        {
          name: 'db/reporting',
          type: 'mysql',
          dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:reports' },
        },
        { name: 'ci/deployer-key', type: 'iam-access-key', iamUser: { userName: 'ci-deployer', path: '/ci/' } },
      ],
    }),
    { credentialTypes: WITH_PLANNED_TYPES },
  );
  const roleStatements = (templates: readonly Template[], roleId: RegExp) =>
    statements(templates)
      .filter((s) => roleId.test(s.where))
      .map((s) => s.statement);

  it.each([
    ['the example', example.all],
    ['every planned type', planned.all],
  ])('has no unjustified * resource in any policy statement of %s', (_, templates) => {
    expect(wildcardViolations(templates)).toEqual([]);
  });

  it('fails the walker on an unjustified * resource', () => {
    const bad = Template.fromJSON({
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                PolicyDocument: {
                  Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
                },
              },
            ],
          },
        },
      },
    });
    expect(wildcardViolations([bad])).toEqual(['0/R: secretsmanager:GetSecretValue on *']);
  });

  it('grants GetRandomPassword nowhere (passwords are generated inside the functions)', () => {
    const actions = statements([...example.all, ...planned.all]).flatMap((s) => list(s.statement.Action));
    expect(actions).not.toContain('secretsmanager:GetRandomPassword');
    expect(actions.filter((a) => a.endsWith(':*') && a !== 'kms:*')).toEqual([]);
  });

  it('lets the rotation function touch only its managed secrets', () => {
    const rotate = roleStatements(example.shards, /Rotationrandomsecret/).find((s) => s.Sid === 'RotateManagedSecrets');
    expect(list(rotate?.Resource).map(render)).toEqual([
      '<PaymentsWebhooksSigningSecret8A6088A9>',
      '<PartnersApiKeySecretD17E0AA1>',
      'arn:<AWS::Partition>:secretsmanager:us-east-1:123456789012:secret:internal/hmac-key-??????',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/session-signing-AbC123',
    ]);
  });

  it('grants KMS only for keys of secrets that have one, and only through Secrets Manager', () => {
    const kms = roleStatements(example.shards, /Rotationrandomsecret/).filter((s) =>
      list(s.Action).some((a) => a.startsWith('kms:')),
    );
    expect(kms).toEqual([
      expect.objectContaining({
        Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      }),
    ]);
    expect(
      roleStatements(planned.shards, /Rotationmysql/).some((s) => list(s.Action).some((a) => a.startsWith('kms:'))),
    ).toBe(false);
  });

  it('grants the Data API only on the named cluster, to the type that uses it', () => {
    const dataApi = statements(planned.all).filter((s) =>
      list(s.statement.Action).some((a) => a.startsWith('rds-data:')),
    );
    expect(dataApi).toHaveLength(1);
    expect(dataApi[0].where).toMatch(/Rotationmysql/);
    expect(dataApi[0].statement).toMatchObject({
      Action: [
        'rds-data:BeginTransaction',
        'rds-data:CommitTransaction',
        'rds-data:ExecuteStatement',
        'rds-data:RollbackTransaction',
      ],
      Resource: 'arn:aws:rds:us-east-1:123456789012:cluster:reports',
    });
  });

  it('gives the Data API login-probe permissions only to the function that uses the Data API', () => {
    const probes = statements(planned.all).filter((s) =>
      list(s.statement.Action).includes('secretsmanager:CreateSecret'),
    );
    expect(probes.map((s) => s.where)).toEqual([expect.stringMatching(/Rotationmysql.*DataApiProbes/)]);
    expect(render(probes[0].statement.Resource)).toBe(
      'arn:<AWS::Partition>:secretsmanager:us-east-1:123456789012:secret:rotation-probe/*',
    );
    const listing = statements(planned.shards).filter((s) =>
      list(s.statement.Action).includes('secretsmanager:ListSecrets'),
    );
    expect(listing.map((s) => s.where)).toEqual([expect.stringMatching(/Rotationmysql.*DataApiProbes/)]);
  });

  it('grants IAM key actions only on the named user', () => {
    const iam = statements(planned.all).filter((s) => list(s.statement.Action).some((a) => a.startsWith('iam:')));
    // The rotation function's role and the revocation sweeper's role.
    expect(iam).toHaveLength(2);
    for (const { statement } of iam)
      expect(render(statement.Resource)).toBe('arn:<AWS::Partition>:iam::123456789012:user/ci/ci-deployer');
    const sweeper = iam.find((s) => /RevocationSweeper/.test(s.where));
    expect(sweeper?.statement.Action).toEqual(['iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey']);
  });

  it('lets the revocation sweeper read the values of the revocable secrets only', () => {
    const sweeper = statements(planned.all).filter((s) => /RevocationSweeper/.test(s.where));
    const reads = sweeper.filter((s) => list(s.statement.Action).some((a) => a.startsWith('secretsmanager:')));
    expect(reads.map((s) => s.statement.Action).sort()).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:ListSecrets',
    ]);
    const values = reads.find((s) => s.statement.Action === 'secretsmanager:GetSecretValue');
    expect(render(values?.statement.Resource)).toBe(
      'arn:<AWS::Partition>:secretsmanager:us-east-1:123456789012:secret:ci/deployer-key-??????',
    );
  });

  it('grants network-interface actions only to the function in a VPC', () => {
    const ec2 = statements(planned.all).filter((s) => list(s.statement.Action).some((a) => a.startsWith('ec2:')));
    expect(ec2.map((s) => s.where)).toEqual([expect.stringMatching(/Rotationpostgres/)]);
    expect(statements(example.all).some((s) => list(s.statement.Action).some((a) => a.startsWith('ec2:')))).toBe(false);
  });

  it('lets the alternating-users function read its master secret and nothing more of it', () => {
    const master = roleStatements(planned.shards, /Rotationpostgres/).find((s) => s.Sid === 'ReadMasterSecrets');
    expect(master?.Action).toBe('secretsmanager:GetSecretValue');
    expect(render(master?.Resource)).toBe(
      'arn:<AWS::Partition>:secretsmanager:us-east-1:123456789012:secret:db/admin-??????',
    );
  });
});
