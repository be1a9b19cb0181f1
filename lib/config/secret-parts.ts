import type { FieldReader } from './field-reader';
import type { IamUserConfig } from './schema';
import { type SettingSpec, settingTagName, type TypeProfile } from './type-profiles';

/** Readers for the parts of a secret entry: type settings, first-value fields and targets. */

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/([\x21-\x7e]*\/)?$/;

function readSetting(reader: FieldReader, spec: SettingSpec, value: unknown, path: string): string | undefined {
  switch (spec.kind) {
    case 'integer':
      return reader.integer(value, path, spec.min, spec.max)?.toString();
    case 'boolean':
      return reader.boolean(value, path)?.toString();
    case 'enum':
      return reader.oneOf(value, path, spec.values);
    case 'string':
      return reader.string(value, path, spec.pattern, spec.describe);
  }
}

/** A secret's `settings`, checked against its type's profile; each becomes a `rotation:*` tag. */
export function readSettings(
  reader: FieldReader,
  profile: TypeProfile,
  raw: unknown,
  path: string,
): { tags: Record<string, string>; values: Record<string, unknown> } {
  const tags: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const obj = reader.object(raw, path, false);
  if (obj === undefined) return { tags, values };
  const known = Object.keys(profile.settings);
  for (const [key, value] of Object.entries(obj)) {
    const spec = profile.settings[key];
    if (spec === undefined) {
      reader.report(`${path}.${key}`, known.length ? `one of the settings ${known.join(', ')}` : 'no settings', key);
      continue;
    }
    const tagValue = readSetting(reader, spec, value, `${path}.${key}`);
    if (tagValue !== undefined) {
      tags[settingTagName(key)] = tagValue;
      values[key] = value;
    }
  }
  return { tags, values };
}

/** Non-secret fields of a created secret's first value. */
export function readInitialFields(
  reader: FieldReader,
  raw: unknown,
  path: string,
): Record<string, string | number | boolean> {
  const obj = reader.object(raw, path, false) ?? {};
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else reader.report(`${path}.${key}`, 'a string, number or boolean (non-secret field)', value);
  }
  return out;
}

/** `iamUser`: the user whose access keys a secret holds. */
export function readIamUser(reader: FieldReader, raw: unknown, path: string): IamUserConfig | undefined {
  const obj = reader.object(raw, path, false);
  if (obj === undefined) return undefined;
  reader.onlyKeys(obj, ['userName', 'path'], path);
  const userName = reader.requiredString(obj.userName, `${path}.userName`, IAM_USER_NAME, 'an IAM user name');
  const userPath = reader.string(obj.path, `${path}.path`, IAM_PATH, 'an IAM path such as "/" or "/ci/"') ?? '/';
  return userName === undefined ? undefined : { userName, path: userPath };
}
