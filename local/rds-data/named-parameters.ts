import type { Engine } from './cluster-spec';

/** A `:name` placeholder found in SQL. */
export interface Placeholder {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/** End index (exclusive) of a quoted run starting at `start`; `backslash` honours MySQL's \-escapes. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** End of a PostgreSQL dollar-quoted string (`$tag$ ... $tag$`), or undefined when `$` starts no such quote. */
function skipDollarQuoted(sql: string, start: number): number | undefined {
  const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start))?.[0];
  if (tag === undefined) return undefined;
  const close = sql.indexOf(tag, start + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}

/**
 * Finds the `:name` placeholders of a statement, skipping string literals, quoted identifiers, comments,
 * PostgreSQL dollar quotes and `::type` casts, as the Data API does before handing the statement to the
 * database driver.
 */
export function findPlaceholders(sql: string, engine: Engine): Placeholder[] {
  const found: Placeholder[] = [];
  const mysql = engine === 'mysql';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'") {
      // PostgreSQL E'...' strings honour backslashes too.
      const escaped = mysql || (i > 0 && /[eE]/.test(sql[i - 1] as string));
      i = skipQuoted(sql, i, "'", escaped);
    } else if (c === '"' || (mysql && c === '`')) {
      i = skipQuoted(sql, i, c, mysql && c === '"');
    } else if ((c === '-' && next === '-') || (mysql && c === '#')) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (!mysql && c === '$') {
      i = skipDollarQuoted(sql, i) ?? i + 1;
    } else if (c === ':' && next === ':') {
      i += 2;
    } else if (c === ':' && next !== undefined && IDENT_START.test(next)) {
      let end = i + 2;
      while (end < sql.length && IDENT_PART.test(sql[end] as string)) end++;
      found.push({ name: sql.slice(i + 1, end), start: i, end });
      i = end;
    } else {
      i++;
    }
  }
  return found;
}

/**
 * Rewrites the placeholders whose name `replace` knows (returns the driver's marker, e.g. `$1` or `?`);
 * unknown names stay as written so the database reports them, as it would on AWS.
 */
export function rewritePlaceholders(
  sql: string,
  engine: Engine,
  replace: (name: string) => string | undefined,
): string {
  let out = '';
  let last = 0;
  for (const placeholder of findPlaceholders(sql, engine)) {
    const marker = replace(placeholder.name);
    if (marker === undefined) continue;
    out += sql.slice(last, placeholder.start) + marker;
    last = placeholder.end;
  }
  return out + sql.slice(last);
}
