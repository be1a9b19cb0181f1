/**
 * What the config accepts for each credential type: its `settings` (each becomes a `rotation:<kebab-name>` tag
 * that the function reads) and which targets it needs (master secret, Data API cluster, IAM user, VPC).
 * A profile may exist before its type is registered in `lambdas/registry.ts`; the config accepts only
 * registered types, so a planned type becomes usable by adding its registry line.
 */

export type SettingSpec =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'string'; readonly pattern?: RegExp; readonly describe?: string };

/** Targets a credential type may or must name. */
export interface TargetNeeds {
  /** The type can use an admin secret (alternating users). */
  readonly masterSecret?: boolean;
  /** The type can reach its database through the RDS Data API. */
  readonly dataApi?: boolean;
  /** The type rotates keys of an IAM user, which must be named. */
  readonly iamUser?: boolean;
  /** The type's functions may run in a VPC (direct database access). */
  readonly vpc?: boolean;
}

export interface TypeProfile {
  readonly settings: Readonly<Record<string, SettingSpec>>;
  readonly targets: TargetNeeds;
  /** The type can revoke old credentials, so the revocation sweeper applies to it. */
  readonly canRevoke: boolean;
  /**
   * The secret's first value must be a working credential (a database password, an IAM key) that rotation logs in
   * with or lists: a random value from the stack could never rotate, so `create: true` is refused.
   */
  readonly needsRealFirstValue: boolean;
  /**
   * Field holding the generated value of a secret the stack creates; undefined for a plain-string secret.
   * `settings` are the secret's validated settings.
   */
  generatedField(settings: Readonly<Record<string, unknown>>): string | undefined;
}

const PASSWORD_SETTINGS: Readonly<Record<string, SettingSpec>> = {
  passwordLength: { kind: 'integer', min: 1, max: 4096 },
  excludeCharacters: { kind: 'string', pattern: /^.{0,256}$/su, describe: 'at most 256 characters (a tag value)' },
  excludeNumbers: { kind: 'boolean' },
  excludePunctuation: { kind: 'boolean' },
  excludeUppercase: { kind: 'boolean' },
  excludeLowercase: { kind: 'boolean' },
  includeSpace: { kind: 'boolean' },
  requireEachIncludedType: { kind: 'boolean' },
};

const DATABASE_PROFILE: TypeProfile = {
  settings: { strategy: { kind: 'enum', values: ['single-user', 'alternating-users'] }, ...PASSWORD_SETTINGS },
  targets: { masterSecret: true, dataApi: true, vpc: true },
  canRevoke: false,
  needsRealFirstValue: true,
  generatedField: () => 'password',
};

export const TYPE_PROFILES: Readonly<Record<string, TypeProfile>> = {
  'random-secret': {
    settings: {
      format: { kind: 'enum', values: ['alphanumeric', 'hex', 'base64url', 'password'] },
      length: { kind: 'integer', min: 16, max: 4096 },
      prefix: {
        kind: 'string',
        pattern: /^[A-Za-z0-9_.-]{0,64}$/,
        describe: 'at most 64 characters from A-Z a-z 0-9 _ . -',
      },
      field: { kind: 'string', pattern: /^.{1,128}$/su, describe: 'a JSON field name of 1-128 characters' },
      ...PASSWORD_SETTINGS,
    },
    targets: {},
    canRevoke: false,
    needsRealFirstValue: false,
    generatedField: (settings) => (typeof settings.field === 'string' ? settings.field : undefined),
  },
  postgres: DATABASE_PROFILE,
  mysql: DATABASE_PROFILE,
  'iam-access-key': {
    // Read by lambdas/iam-access-key/strategy.ts; bounds match its own checks.
    settings: {
      verifyTimeoutSeconds: { kind: 'integer', min: 0, max: 840 },
      deleteActivePreviousKey: { kind: 'boolean' },
      emergency: { kind: 'boolean' },
    },
    targets: { iamUser: true },
    canRevoke: true,
    needsRealFirstValue: true,
    generatedField: () => undefined,
  },
};

/** `passwordLength` -> `rotation:password-length`: the tag the rotation engine reads. */
export function settingTagName(setting: string): string {
  return `rotation:${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
