import { KMS_KEY_ARN, readDatabaseTargets } from './database-targets';
import type { FieldReader } from './field-reader';
import { DEFAULT_RISK_TIER, DEFAULT_WINDOW, RISK_TIER_SCHEDULES, RISK_TIERS } from './risk-tiers';
import { longestGapHours, scheduleProblem } from './schedule-rules';
import type { RiskTier, SecretConfig } from './schema';
import { readIamUser, readInitialFields, readSettings } from './secret-parts';
import { TYPE_PROFILES, type TypeProfile } from './type-profiles';

/** Secret names as Secrets Manager allows them (AWS-BEHAVIOUR.md section 2). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A complete secret ARN, with the 6-character suffix Secrets Manager appends. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const WINDOW = /^[0-9]{1,2}h$/;
const CONSTRUCT_ID = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const SECRET_FIELDS = [
  'id',
  'name',
  'arn',
  'create',
  'type',
  'description',
  'schedule',
  'riskTier',
  'window',
  'rotateOnDeploy',
  'kmsKeyArn',
  'owner',
  'consumers',
  'settings',
  'masterSecret',
  'masterSecretKmsKeyArn',
  'dataApi',
  'iamUser',
  'initialFields',
];

/** Defaults a secret inherits from the config's `defaults` block. */
export interface SecretDefaults {
  readonly riskTier?: RiskTier;
  readonly window?: string;
  readonly rotateOnDeploy: boolean;
}

/** `app/db-main` -> `AppDbMain`: a stable construct id derived from the secret's name or ARN. */
export function deriveSecretId(nameOrArn: string): string {
  const name = nameOrArn.startsWith('arn:')
    ? nameOrArn.replace(/^.*:secret:/, '').replace(/-[A-Za-z0-9]{6}$/, '')
    : nameOrArn;
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const id = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z]/.test(id) ? id : `Secret${id}`;
}

/** Schedule of a secret: its own, else its tier's; checked as Secrets Manager checks it. */
function readSchedule(
  reader: FieldReader,
  obj: Record<string, unknown>,
  path: string,
  defaults: SecretDefaults,
): { scheduleExpression: string; window: string; riskTier?: RiskTier } | undefined {
  const riskTier = reader.oneOf(obj.riskTier, `${path}.riskTier`, RISK_TIERS) ?? defaults.riskTier;
  const window =
    reader.string(obj.window, `${path}.window`, WINDOW, 'a window in hours such as "4h"') ?? defaults.window;
  const own = reader.string(
    obj.schedule,
    `${path}.schedule`,
    /^(rate|cron)\(.*\)$/,
    'a rate(...) or cron(...) expression',
  );
  if (obj.schedule !== undefined && own === undefined) return undefined;
  const scheduleExpression = own ?? RISK_TIER_SCHEDULES[riskTier ?? DEFAULT_RISK_TIER].schedule;
  const effectiveWindow = window ?? DEFAULT_WINDOW;
  const problem = scheduleProblem(scheduleExpression, effectiveWindow);
  if (problem !== undefined) {
    const where = own !== undefined ? `${path}.schedule` : `${path}.window`;
    reader.reportText(
      where,
      'a schedule and window Secrets Manager accepts',
      `${JSON.stringify(scheduleExpression)} with window "${effectiveWindow}" (${problem})`,
    );
    return undefined;
  }
  if (own !== undefined && riskTier !== undefined) {
    const hours = longestGapHours(own);
    const maxDays = RISK_TIER_SCHEDULES[riskTier].days;
    if (hours > maxDays * 24) {
      reader.reportText(
        `${path}.schedule`,
        `a schedule at least every ${maxDays} days (risk tier "${riskTier}")`,
        `${JSON.stringify(own)}, up to ${Math.round(hours / 24)} days between rotations`,
      );
    }
  }
  return { scheduleExpression, window: effectiveWindow, ...(riskTier ? { riskTier } : {}) };
}

/**
 * Validates one entry of `secrets`. Returns undefined when the entry has problems (all recorded on `reader`).
 * `registered` is the list of credential types that have a rotation function.
 */
export function validateSecret(
  reader: FieldReader,
  raw: unknown,
  path: string,
  registered: readonly string[],
  defaults: SecretDefaults,
): SecretConfig | undefined {
  const before = reader.issues.length;
  const obj = reader.object(raw, path);
  if (obj === undefined) return undefined;
  reader.onlyKeys(obj, SECRET_FIELDS, path);

  const type = reader.requiredString(
    obj.type,
    `${path}.type`,
    undefined,
    `a credential type (${registered.join(', ')})`,
  );
  let profile: TypeProfile | undefined;
  if (type !== undefined && !registered.includes(type)) {
    const planned = TYPE_PROFILES[type] !== undefined ? ' (this type is planned but has no rotation function yet)' : '';
    reader.reportText(`${path}.type`, `a registered credential type (${registered.join(', ')})`, `"${type}"${planned}`);
  } else if (type !== undefined) {
    profile = TYPE_PROFILES[type];
    if (profile === undefined)
      reader.reportText(`${path}.type`, 'a type with a config profile in lib/config/type-profiles.ts', `"${type}"`);
  }

  const create = reader.boolean(obj.create, `${path}.create`) ?? false;
  const name = reader.string(
    obj.name,
    `${path}.name`,
    SECRET_NAME,
    'a secret name (1-512 of A-Z a-z 0-9 / _ + = . @ -)',
  );
  const arn = reader.string(obj.arn, `${path}.arn`, SECRET_ARN, 'a full secret ARN ending in -XXXXXX');
  if (obj.name === undefined && obj.arn === undefined)
    reader.report(`${path}.name`, 'a secret name, or an ARN in "arn"', undefined);
  if (obj.name !== undefined && obj.arn !== undefined)
    reader.report(`${path}.arn`, 'either "name" or "arn", not both', obj.arn);
  if (create && profile?.needsRealFirstValue) {
    reader.report(
      `${path}.create`,
      `no "create": true for type "${type}" (its first value must be a working credential: create the secret ` +
        'yourself with the real one, then name it here)',
      obj.create,
    );
  }
  if (create && obj.arn !== undefined)
    reader.report(`${path}.arn`, 'no ARN for a secret the stack creates (give "name")', obj.arn);
  if (!create && obj.initialFields !== undefined)
    reader.report(`${path}.initialFields`, 'initialFields only with "create": true', obj.initialFields);

  const schedule = readSchedule(reader, obj, path, defaults);
  const rotateOnDeploy = reader.boolean(obj.rotateOnDeploy, `${path}.rotateOnDeploy`) ?? defaults.rotateOnDeploy;
  const kmsKeyArn = reader.string(obj.kmsKeyArn, `${path}.kmsKeyArn`, KMS_KEY_ARN, 'a KMS key ARN');
  const description = reader.string(obj.description, `${path}.description`, /^.{0,2048}$/su, 'at most 2048 characters');
  const owner = reader.string(obj.owner, `${path}.owner`, /^.{1,256}$/su, 'an owner of 1-256 characters');
  const consumers = reader.stringList(
    obj.consumers,
    `${path}.consumers`,
    /^[A-Za-z0-9 _.:/=+@-]{1,128}$/,
    'consumer names',
  );
  if (consumers.join(' ').length > 256)
    reader.report(`${path}.consumers`, 'consumers that fit one tag value (256 characters)', obj.consumers);
  const id = reader.string(obj.id, `${path}.id`, CONSTRUCT_ID, 'a construct id: a letter, then letters and digits');
  const initialFields = readInitialFields(reader, obj.initialFields, `${path}.initialFields`);
  const settings = profile ? readSettings(reader, profile, obj.settings, `${path}.settings`) : { tags: {}, values: {} };

  const targets = profile?.targets ?? {};
  const database = readDatabaseTargets(reader, obj, path, type, profile, settings.values.strategy);
  const iamUser = readIamUser(reader, obj.iamUser, `${path}.iamUser`);
  if (profile && obj.iamUser !== undefined && !targets.iamUser)
    reader.report(`${path}.iamUser`, `no iamUser for type "${type}"`, obj.iamUser);
  if (profile && targets.iamUser && obj.iamUser === undefined)
    reader.report(`${path}.iamUser`, `the IAM user whose keys the secret holds (type "${type}")`, undefined);

  const tags: Record<string, string> = { ...settings.tags, ...database.tags };
  if (reader.issues.length > before || type === undefined || schedule === undefined || (name ?? arn) === undefined)
    return undefined;
  return {
    id: id ?? deriveSecretId((name ?? arn) as string),
    ...(name !== undefined ? { name } : {}),
    ...(arn !== undefined ? { arn } : {}),
    create,
    type,
    ...(description !== undefined ? { description } : {}),
    ...schedule,
    rotateOnDeploy,
    ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    ...(owner !== undefined ? { owner } : {}),
    consumers,
    rotationTags: tags,
    ...(profile?.generatedField(settings.values) !== undefined
      ? { generatedField: profile.generatedField(settings.values) }
      : {}),
    ...(database.masterSecret !== undefined ? { masterSecret: database.masterSecret } : {}),
    ...(database.masterSecretKmsKeyArn !== undefined ? { masterSecretKmsKeyArn: database.masterSecretKmsKeyArn } : {}),
    ...(database.dataApi !== undefined ? { dataApi: database.dataApi } : {}),
    ...(iamUser !== undefined ? { iamUser } : {}),
    initialFields,
  };
}
