/**
 * Rewrites positional placeholders (`$1, $2 ...` for PostgreSQL, `?` for MySQL) into the Data API's named parameters
 * (`:p1, :p2 ...`). A small lexer finds the placeholders that the database would see, skipping everything it would
 * not: string literals, quoted identifiers, comments and, for PostgreSQL, dollar-quoted and E'' strings.
 */

export type PlaceholderDialect = 'postgres' | 'mysql';

/** A positional placeholder found in SQL: `$n` (PostgreSQL, n from 1) or the n-th `?` (MySQL). */
export interface PositionalPlaceholder {
  /** 1-based parameter number. */
  readonly index: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** What the lexer found outside literals, identifiers and comments. */
export interface ScanResult {
  readonly placeholders: readonly PositionalPlaceholder[];
  /** `:name` tokens: the Data API would read them as named parameters, so SQL sent through it must not have any. */
  readonly colonNames: readonly string[];
}

/** SQL whose placeholders do not fit its parameters. The message quotes no parameter value. */
export class PlaceholderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaceholderError';
  }
}

/** Name of the Data API parameter for positional parameter `index` (1-based). */
export const parameterName = (index: number): string => `p${index}`;

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const COLON_NAME_START = /[A-Za-z_]/;
const COLON_NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** End (exclusive) of a run quoted by `quote`, where a doubled quote is one character and `\` escapes if asked. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** End of a block comment; PostgreSQL's nest, MySQL's do not. */
function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  while (i < sql.length) {
    if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0 || !nested) return i;
    } else if (nested && sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

function skipLine(sql: string, start: number): number {
  const eol = sql.indexOf('\n', start);
  return eol < 0 ? sql.length : eol + 1;
}

/** The `$tag$` that opens a PostgreSQL dollar quote at `start`, if one does. */
function dollarTag(sql: string, start: number): string | undefined {
  return /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(start, start + 128))?.[0];
}

/** True when the character before `at` continues an identifier or number (so `$`, `E'` there are not tokens). */
function afterWordChar(sql: string, at: number): boolean {
  return at > 0 && IDENT_PART.test(sql[at - 1] as string);
}

/**
 * Lists the positional placeholders and `:name` tokens of `sql` as the database's lexer would see them.
 * PostgreSQL: `'...'` (`''` escapes; backslashes literal, standard_conforming_strings), `E'...'` (backslash
 * escapes), `"..."`, `--` and nested `/* *\/` comments, `$tag$...$tag$`, `::` casts; `$n` only where it starts a
 * token (`a$1` is an identifier). MySQL: `'...'` and `"..."` (backslash and doubled-quote escapes), `` `...` ``,
 * `#`, `-- ` and `/* *\/` comments; every other `?` is a placeholder, numbered from 1.
 * Unterminated quotes and comments run to the end, as the database would read them (and then refuse the statement).
 */
export function scanPlaceholders(sql: string, dialect: PlaceholderDialect): ScanResult {
  const postgres = dialect === 'postgres';
  const placeholders: PositionalPlaceholder[] = [];
  const colonNames: string[] = [];
  let questionMarks = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'") {
      const escaped = !postgres || isEscapeStringPrefix(sql, i);
      i = skipQuoted(sql, i, "'", escaped);
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', !postgres);
    } else if (!postgres && c === '`') {
      i = skipQuoted(sql, i, '`', false);
    } else if (c === '-' && next === '-' && (postgres || isMySqlDashComment(sql, i))) {
      i = skipLine(sql, i);
    } else if (!postgres && c === '#') {
      i = skipLine(sql, i);
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i, postgres);
    } else if (postgres && c === '$' && !afterWordChar(sql, i)) {
      i = postgresDollar(sql, i, placeholders);
    } else if (!postgres && c === '?') {
      questionMarks++;
      placeholders.push({ index: questionMarks, start: i, end: i + 1 });
      i++;
    } else if (c === ':' && next === ':') {
      i += 2;
    } else if (c === ':' && next !== undefined && COLON_NAME_START.test(next)) {
      let end = i + 2;
      while (end < sql.length && COLON_NAME_PART.test(sql[end] as string)) end++;
      colonNames.push(sql.slice(i, end));
      i = end;
    } else if (IDENT_START.test(c) || DIGIT.test(c)) {
      // A whole word at once, so that `$` inside `a$1` is never read as a token start.
      let end = i + 1;
      while (end < sql.length && IDENT_PART.test(sql[end] as string)) end++;
      i = end;
    } else {
      i++;
    }
  }
  return { placeholders, colonNames };
}

/** A PostgreSQL `'` preceded by a standalone `E`/`e` (an escape string constant). */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === 'E' || prefix === 'e') && !afterWordChar(sql, quote - 1);
}

/** MySQL needs whitespace or a control character (or the end) after `--` for a comment. */
function isMySqlDashComment(sql: string, at: number): boolean {
  const after = sql[at + 2];
  return after === undefined || after <= ' ';
}

/** Handles a PostgreSQL `$` at a token start: a `$n` placeholder, a dollar-quoted string, or a lone `$`. */
function postgresDollar(sql: string, at: number, out: PositionalPlaceholder[]): number {
  let end = at + 1;
  while (end < sql.length && DIGIT.test(sql[end] as string)) end++;
  if (end > at + 1) {
    out.push({ index: Number(sql.slice(at + 1, end)), start: at, end });
    return end;
  }
  const tag = dollarTag(sql, at);
  if (tag === undefined) return at + 1;
  const close = sql.indexOf(tag, at + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}

/**
 * Rewrites `sql` for the Data API: each positional placeholder becomes `:p<n>`; SQL without parameters is passed as it
 * is. Throws PlaceholderError when the
 * placeholders do not match `parameterCount` (a missing or an unused parameter), or when the SQL already holds a
 * `:name` token (the Data API would bind it as a parameter).
 *
 * @example
 * toNamedParameters('SELECT $1::text, $1, $2', 'postgres', 2) // 'SELECT :p1::text, :p1, :p2'
 * toNamedParameters("SELECT ? AS a, '?' AS b", 'mysql', 1)    // "SELECT :p1 AS a, '?' AS b"
 */
export function toNamedParameters(sql: string, dialect: PlaceholderDialect, parameterCount: number): string {
  // Without parameters there is nothing to rewrite, and the scanner's idea of a literal (backslash escapes on) must
  // not decide whether a statement the dialect quoted for the session's own sql_mode may run.
  if (parameterCount === 0) return sql;
  const { placeholders, colonNames } = scanPlaceholders(sql, dialect);
  if (colonNames.length > 0) {
    throw new PlaceholderError(
      `SQL for the Data API must not contain ${colonNames[0]} outside quotes: the Data API would read it as a ` +
        'named parameter; use positional parameters instead',
    );
  }
  const used = new Set(placeholders.map((p) => p.index));
  const missing = [...used].filter((index) => index < 1 || index > parameterCount);
  if (missing.length > 0) {
    const marker = dialect === 'postgres' ? `$${missing[0]}` : `placeholder number ${missing[0]}`;
    throw new PlaceholderError(`SQL uses ${marker} but ${parameterCount} parameter(s) were given`);
  }
  for (let index = 1; index <= parameterCount; index++) {
    if (!used.has(index)) {
      throw new PlaceholderError(
        `parameter ${index} of ${parameterCount} is not used by the SQL (expected ${
          dialect === 'postgres' ? `$${index}` : `${parameterCount} ? placeholder(s)`
        })`,
      );
    }
  }
  let out = '';
  let last = 0;
  for (const placeholder of placeholders) {
    // `?AND` is `? AND` to MySQL, but `:p1AND` would be one parameter name to the Data API: keep the boundary.
    const glued = COLON_NAME_PART.test(sql[placeholder.end] ?? '') ? ' ' : '';
    out += `${sql.slice(last, placeholder.start)}:${parameterName(placeholder.index)}${glued}`;
    last = placeholder.end;
  }
  return out + sql.slice(last);
}
