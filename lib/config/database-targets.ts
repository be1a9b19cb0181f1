import type { FieldReader } from './field-reader';
import type { DataApiConfig } from './schema';
import { settingTagName, type TypeProfile } from './type-profiles';

/** A customer managed KMS key ARN. */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
const SECRET_NAME_OR_ARN = /^(arn:aws[a-z-]*:secretsmanager:.+|[A-Za-z0-9/_+=.@-]{1,512})$/;

/** What a database secret names besides itself, and the connection tags the function reads. */
export interface DatabaseTargets {
  readonly masterSecret?: string;
  readonly masterSecretKmsKeyArn?: string;
  readonly dataApi?: DataApiConfig;
  /** `rotation:connection` (and `rotation:cluster-arn` for the Data API) for the types that reach a database. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * `dataApi`: the Aurora cluster a database secret is reached through. Whether the cluster is Aurora cannot be
 * checked here (the config does not know the engine of an existing secret); the Data API refuses other clusters.
 */
export function readDataApi(reader: FieldReader, raw: unknown, path: string): DataApiConfig | undefined {
  const obj = reader.object(raw, path, false);
  if (obj === undefined) return undefined;
  const { database, ...rest } = obj;
  reader.onlyKeys(rest, ['clusterArn'], path);
  // The function reads the database from the secret's `dbname`, so a name here would be silently ignored.
  if (database !== undefined)
    reader.report(`${path}.database`, 'no database here (the function uses the secret\'s "dbname" field)', database);
  const clusterArn = reader.requiredString(
    obj.clusterArn,
    `${path}.clusterArn`,
    CLUSTER_ARN,
    'an Aurora cluster ARN (arn:aws:rds:<region>:<account>:cluster:<name>)',
  );
  return clusterArn === undefined ? undefined : { clusterArn };
}

/**
 * `masterSecret`, `masterSecretKmsKeyArn` and `dataApi` of one secret entry, checked against its type and its
 * `settings.strategy`. Alternating users (the strategy, or a master secret with no strategy: the function's default
 * follows the secret's `masterarn`) need the master secret so that the role may read it; single user must not name
 * one, since the role would then read an admin secret nothing uses.
 */
export function readDatabaseTargets(
  reader: FieldReader,
  obj: Record<string, unknown>,
  path: string,
  type: string | undefined,
  profile: TypeProfile | undefined,
  strategy: unknown,
): DatabaseTargets {
  const targets = profile?.targets ?? {};
  const masterSecret = reader.string(
    obj.masterSecret,
    `${path}.masterSecret`,
    SECRET_NAME_OR_ARN,
    'a secret name or ARN',
  );
  if (profile && obj.masterSecret !== undefined && !targets.masterSecret)
    reader.report(`${path}.masterSecret`, `no masterSecret for type "${type}"`, obj.masterSecret);
  if (strategy === 'alternating-users' && obj.masterSecret === undefined) {
    reader.report(
      `${path}.masterSecret`,
      'the name or ARN of the admin secret (settings.strategy is "alternating-users")',
      undefined,
    );
  }
  if (strategy === 'single-user' && obj.masterSecret !== undefined) {
    reader.report(
      `${path}.masterSecret`,
      'no masterSecret with settings.strategy "single-user" (only alternating users log in as the admin)',
      obj.masterSecret,
    );
  }
  const masterSecretKmsKeyArn = reader.string(
    obj.masterSecretKmsKeyArn,
    `${path}.masterSecretKmsKeyArn`,
    KMS_KEY_ARN,
    'a KMS key ARN',
  );
  if (obj.masterSecretKmsKeyArn !== undefined && obj.masterSecret === undefined) {
    reader.report(
      `${path}.masterSecretKmsKeyArn`,
      'masterSecretKmsKeyArn only with "masterSecret" (the key of the admin secret)',
      obj.masterSecretKmsKeyArn,
    );
  }

  const dataApi = readDataApi(reader, obj.dataApi, `${path}.dataApi`);
  if (profile && obj.dataApi !== undefined && !targets.dataApi)
    reader.report(`${path}.dataApi`, `no dataApi for type "${type}"`, obj.dataApi);

  // Written for direct connections too: the tag command for an existing secret then also undoes an earlier data-api.
  const tags: Record<string, string> = {};
  if (targets.dataApi) {
    tags[settingTagName('connection')] = dataApi ? 'data-api' : 'direct';
    if (dataApi) tags[settingTagName('clusterArn')] = dataApi.clusterArn;
  }
  return {
    ...(masterSecret !== undefined ? { masterSecret } : {}),
    ...(masterSecretKmsKeyArn !== undefined ? { masterSecretKmsKeyArn } : {}),
    ...(dataApi !== undefined ? { dataApi } : {}),
    tags,
  };
}
