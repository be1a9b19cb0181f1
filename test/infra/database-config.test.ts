import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { ConfigValidationError, formatIssue } from '../../lib/config/config-validation-error';
import { synthesize, synthesizeExample, validateWithPlanned, WITH_PLANNED_TYPES } from './synth-helpers';

const REPORTS = 'arn:aws:rds:us-east-1:123456789012:cluster:reports';
const ORDERS = 'arn:aws:rds:us-east-1:123456789012:cluster:orders';
const MASTER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/master-key';
const PROBES = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:rotation-probe/*'],
  ],
};

const dbSecret = (extra: Record<string, unknown> = {}) => ({ name: 'db/app', type: 'mysql', ...extra });

/** The formatted problems of a config that must fail validation. */
function problemsOf(secrets: unknown[]): string[] {
  try {
    validateWithPlanned({ secrets });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('config was accepted');
}

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The logical id of the only resource of `type` in `template` whose logical id matches `id`. */
function logicalId(template: Template, type: string, id: RegExp): string {
  const ids = Object.keys(template.findResources(type)).filter((k) => id.test(k));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Inline statements of the rotation role of `typeName`. */
function roleStatements(template: Template, typeName: string): Statement[] {
  const id = logicalId(template, 'AWS::IAM::Role', new RegExp(`^Rotation${typeName}Role`));
  const role = template.findResources('AWS::IAM::Role')[id];
  return role.Properties.Policies.flatMap(
    (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
  );
}

/** The separate policies attached to the rotation role of `typeName`. */
function attachedPolicies(template: Template, typeName: string): Array<{ id: string; statements: Statement[] }> {
  const roleId = logicalId(template, 'AWS::IAM::Role', new RegExp(`^Rotation${typeName}Role`));
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .map(([id, p]) => ({ id, statements: p.Properties.PolicyDocument.Statement }));
}

const actionsOf = (statements: readonly Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('database secrets in the config', () => {
  it('turn dataApi into the connection and cluster tags the function reads', () => {
    const config = validateWithPlanned({ secrets: [dbSecret({ dataApi: { clusterArn: REPORTS } })] });
    expect(config.secrets[0].rotationTags).toEqual({
      'rotation:connection': 'data-api',
      'rotation:cluster-arn': REPORTS,
    });
  });

  it('tag a secret without dataApi for a direct connection, next to its settings', () => {
    const config = validateWithPlanned({
      secrets: [dbSecret({ type: 'postgres', settings: { strategy: 'single-user', passwordLength: 32 } })],
    });
    expect(config.secrets[0].rotationTags).toEqual({
      'rotation:strategy': 'single-user',
      'rotation:password-length': '32',
      'rotation:connection': 'direct',
    });
  });

  it('give no connection tag to a type that reaches no database', () => {
    const config = validateWithPlanned({ secrets: [{ name: 'app/key', type: 'random-secret' }] });
    expect(config.secrets[0].rotationTags).toEqual({});
  });

  it('keep the master secret and its key for the role', () => {
    const config = validateWithPlanned({
      secrets: [dbSecret({ masterSecret: 'db/admin', masterSecretKmsKeyArn: MASTER_KEY })],
    });
    expect(config.secrets[0]).toMatchObject({ masterSecret: 'db/admin', masterSecretKmsKeyArn: MASTER_KEY });
  });

  it('still let the stack create a random-secret', () => {
    const config = validateWithPlanned({ secrets: [{ name: 'app/key', type: 'random-secret', create: true }] });
    expect(config.secrets[0].create).toBe(true);
  });

  it.each(['postgres', 'mysql'])('refuse "create": true for a %s secret, whose first value must log in', (type) => {
    expect(problemsOf([dbSecret({ type, create: true })])).toEqual([
      `secrets[0].create: expected no "create": true for type "${type}" (its first value must be a working ` +
        'credential: create the secret yourself with the real one, then name it here), found boolean true',
    ]);
  });

  it('refuse "create": true for an IAM access key secret', () => {
    const problems = problemsOf([
      { name: 'ci/key', type: 'iam-access-key', create: true, iamUser: { userName: 'ci-deployer' } },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^secrets\[0\]\.create: expected no "create": true for type "iam-access-key"/),
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'alternating users without a master secret',
      dbSecret({ settings: { strategy: 'alternating-users' } }),
      'secrets[0].masterSecret: expected the name or ARN of the admin secret (settings.strategy is "alternating-users"), found nothing',
    ],
    [
      'a master secret for single-user rotation',
      dbSecret({ settings: { strategy: 'single-user' }, masterSecret: 'db/admin' }),
      'secrets[0].masterSecret: expected no masterSecret with settings.strategy "single-user" (only alternating users log in as the admin), found "db/admin"',
    ],
    [
      'a master secret key without a master secret',
      dbSecret({ masterSecretKmsKeyArn: MASTER_KEY }),
      `secrets[0].masterSecretKmsKeyArn: expected masterSecretKmsKeyArn only with "masterSecret" (the key of the admin secret), found "${MASTER_KEY}"`,
    ],
    [
      'a master secret key that is not a key ARN',
      dbSecret({ masterSecret: 'db/admin', masterSecretKmsKeyArn: 'alias/db' }),
      'secrets[0].masterSecretKmsKeyArn: expected a KMS key ARN, found "alias/db"',
    ],
    [
      'a database name in dataApi, which the function would ignore',
      dbSecret({ dataApi: { clusterArn: REPORTS, database: 'app' } }),
      'secrets[0].dataApi.database: expected no database here (the function uses the secret\'s "dbname" field), found "app"',
    ],
    [
      'a Data API target that is a DB instance',
      dbSecret({ dataApi: { clusterArn: 'arn:aws:rds:us-east-1:123456789012:db:single' } }),
      'secrets[0].dataApi.clusterArn: expected an Aurora cluster ARN (arn:aws:rds:<region>:<account>:cluster:<name>), found "arn:aws:rds:us-east-1:123456789012:db:single"',
    ],
    [
      'dataApi for a type that reaches no database',
      { name: 'app/key', type: 'random-secret', dataApi: { clusterArn: REPORTS } },
      'secrets[0].dataApi: expected no dataApi for type "random-secret", found an object',
    ],
    [
      'a master secret for a type that has none',
      { name: 'app/key', type: 'random-secret', masterSecret: 'db/admin' },
      'secrets[0].masterSecret: expected no masterSecret for type "random-secret", found "db/admin"',
    ],
  ])('refuse %s', (_, entry, problem) => {
    expect(problemsOf([entry])).toEqual([problem]);
  });
});

describe('database rotation functions in the template', () => {
  const config = validateWithPlanned({
    secrets: [
      { name: 'pg/app', type: 'postgres', settings: { strategy: 'single-user' } },
      {
        name: 'pg/reports',
        type: 'postgres',
        settings: { strategy: 'alternating-users' },
        masterSecret: 'pg/admin',
        masterSecretKmsKeyArn: MASTER_KEY,
      },
      { name: 'my/app', type: 'mysql', dataApi: { clusterArn: REPORTS } },
      {
        name: 'my/orders',
        type: 'mysql',
        settings: { strategy: 'alternating-users' },
        masterSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:my/admin-AbC123',
        dataApi: { clusterArn: ORDERS },
      },
      { name: 'ci/key', type: 'iam-access-key', iamUser: { userName: 'ci-deployer' } },
    ],
  });
  const { stack, shards } = synthesize(config, { credentialTypes: WITH_PLANNED_TYPES });
  const shard = shards[0];
  const singleUserOnly = synthesize(
    validateWithPlanned({ secrets: [{ name: 'pg/app', type: 'postgres', settings: { strategy: 'single-user' } }] }),
    { credentialTypes: WITH_PLANNED_TYPES },
  ).shards[0];

  it('grants the four Data API actions on the configured clusters only', () => {
    const dataApi = roleStatements(shard, 'mysql').filter((s) => s.Sid === 'DataApi');
    expect(dataApi).toEqual([
      {
        Sid: 'DataApi',
        Effect: 'Allow',
        Action: [
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:ExecuteStatement',
          'rds-data:RollbackTransaction',
        ],
        Resource: [REPORTS, ORDERS],
      },
    ]);
  });

  it('gives the Data API function its probe secrets and ListSecrets in a policy of their own', () => {
    expect(attachedPolicies(shard, 'mysql').map((p) => p.statements)).toEqual([
      [
        {
          Sid: 'DataApiLoginProbes',
          Effect: 'Allow',
          Action: [
            'secretsmanager:CreateSecret',
            'secretsmanager:DeleteSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:TagResource',
          ],
          Resource: PROBES,
        },
        { Sid: 'FindLeftoverProbes', Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: '*' },
      ],
    ]);
  });

  it('starts the Data API function only once its probe policy exists', () => {
    const [policy] = attachedPolicies(shard, 'mysql');
    const fnId = logicalId(shard, 'AWS::Lambda::Function', /^RotationmysqlFunction/);
    expect(shard.findResources('AWS::Lambda::Function')[fnId].DependsOn).toContain(policy.id);
  });

  it('gives a function whose secrets connect directly no Data API and no probe permissions', () => {
    const actions = actionsOf(roleStatements(shard, 'postgres'));
    expect(actions.filter((a) => a.startsWith('rds-data:'))).toEqual([]);
    expect(actions).not.toContain('secretsmanager:CreateSecret');
    expect(actions).not.toContain('secretsmanager:ListSecrets');
    expect(attachedPolicies(shard, 'postgres')).toEqual([]);
    expect(attachedPolicies(shard, 'iamaccesskey')).toEqual([]);
  });

  it('lets an alternating-users function read its master secrets, decrypting only the key the config names', () => {
    const postgres = roleStatements(shard, 'postgres');
    expect(postgres.find((s) => s.Sid === 'ReadMasterSecrets')).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:pg/admin-??????'],
        ],
      },
    });
    expect(postgres.find((s) => s.Sid === 'DecryptMasterSecretsThroughSecretsManager')).toEqual({
      Sid: 'DecryptMasterSecretsThroughSecretsManager',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: MASTER_KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    const mysql = roleStatements(shard, 'mysql');
    expect(mysql.find((s) => s.Sid === 'ReadMasterSecrets')?.Resource).toBe(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:my/admin-AbC123',
    );
    expect(actionsOf(mysql).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('gives a single-user function no master secret and no KMS', () => {
    const statements = roleStatements(singleUserOnly, 'postgres');
    expect(statements.map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'RotateManagedSecrets']);
  });

  it('prints the connection tags to put on each existing database secret', () => {
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('tag-resource --secret-id my/'));
    const commands = infos.map((i) => String(i.entry.data));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toContain('--secret-id my/app ');
    expect(commands[0]).toContain(
      `{"Key":"rotation:connection","Value":"data-api"},{"Key":"rotation:cluster-arn","Value":"${REPORTS}"}`,
    );
    expect(commands[1]).toContain(`{"Key":"rotation:cluster-arn","Value":"${ORDERS}"}`);
    const direct = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('--secret-id pg/app '));
    expect(String(direct[0].entry.data)).toContain('{"Key":"rotation:connection","Value":"direct"}');
  });
});

describe('the example config', () => {
  const shard = synthesizeExample().shards[0];

  it('reaches its alternating-users MySQL secret over the Data API on the example cluster only', () => {
    const mysql = roleStatements(shard, 'mysql');
    expect(mysql.find((s) => s.Sid === 'DataApi')?.Resource).toBe(
      'arn:aws:rds:us-east-1:123456789012:cluster:analytics-aurora-mysql',
    );
    expect(mysql.find((s) => s.Sid === 'ReadMasterSecrets')?.Resource).toBe(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:analytics/db-admin-Mn0pQr',
    );
    expect(mysql.find((s) => s.Sid === 'DecryptMasterSecretsThroughSecretsManager')?.Resource).toBe(
      'arn:aws:kms:us-east-1:123456789012:key/5678efgh-56ef-78gh-90ij-5678901234ef',
    );
    expect(attachedPolicies(shard, 'mysql').map((p) => p.statements.map((s) => s.Sid))).toEqual([
      ['DataApiLoginProbes', 'FindLeftoverProbes'],
    ]);
  });

  it('keeps the direct PostgreSQL function away from the Data API and master secrets', () => {
    expect(roleStatements(shard, 'postgres').map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'RotateManagedSecrets']);
    expect(attachedPolicies(shard, 'postgres')).toEqual([]);
  });
});
