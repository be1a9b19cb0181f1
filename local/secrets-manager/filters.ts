import type { Input } from './input';
import type { SecretRecord } from './model';

const KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
type FilterKey = (typeof KEYS)[number];
const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

/** A ListSecrets / BatchGetSecretValue filter: a key and values, each optionally negated with `!`. */
export interface SecretFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

export function readFilters(input: Input): SecretFilter[] | undefined {
  return input.objList('Filters', 0, 10)?.map((filter) => {
    const key = filter.oneOf('Key', KEYS) ?? 'all';
    const values = filter.strList('Values', 1, 10, { max: 512, pattern: VALUE_PATTERN }) ?? [];
    return { key, values };
  });
}

/** The attribute strings a filter key looks at, and whether matching ignores case. */
function attributes(secret: SecretRecord, key: FilterKey, region: string): { texts: string[]; caseless: boolean } {
  switch (key) {
    case 'name':
      return { texts: [secret.name], caseless: false };
    case 'description':
      return { texts: secret.description === undefined ? [] : [secret.description], caseless: true };
    case 'tag-key':
      return { texts: secret.tags.map((t) => t.Key), caseless: false };
    case 'tag-value':
      return { texts: secret.tags.map((t) => t.Value), caseless: false };
    case 'primary-region':
      return { texts: [region], caseless: false };
    case 'owning-service':
      return { texts: secret.owningService === undefined ? [] : [secret.owningService], caseless: false };
    case 'all': {
      const texts = [secret.name, secret.description ?? '', region, secret.owningService ?? ''];
      for (const tag of secret.tags) texts.push(tag.Key, tag.Value);
      return { texts: texts.flatMap((t) => [t, ...t.split(/[\s/_+=.@:-]+/)]), caseless: true };
    }
  }
}

function prefixMatch(texts: readonly string[], value: string, caseless: boolean): boolean {
  const wanted = caseless ? value.toLowerCase() : value;
  return texts.some((t) => (caseless ? t.toLowerCase() : t).startsWith(wanted));
}

/**
 * Prefix matching as documented per key (description and all ignore case); `all` splits the value into words that
 * must each match. Values of one filter are alternatives, filters combine with AND, `!value` negates.
 */
export function matchesFilters(secret: SecretRecord, filters: readonly SecretFilter[], region: string): boolean {
  return filters.every((filter) => {
    const { texts, caseless } = attributes(secret, filter.key, region);
    return filter.values.some((raw) => {
      const negated = raw.startsWith('!');
      const value = negated ? raw.slice(1) : raw;
      const words = filter.key === 'all' ? value.split(/\s+/).filter((w) => w !== '') : [value];
      const hit = words.every((word) => prefixMatch(texts, word, caseless));
      return negated ? !hit : hit;
    });
  });
}
