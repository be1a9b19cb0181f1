import { escapeIdentifier, escapeLiteral } from 'pg';

/** NAMEDATALEN - 1: PostgreSQL's longest identifier, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 63;

/** A quoted identifier by pg's rules (double quotes, inner quotes doubled). */
export function ident(name: string): string {
  return escapeIdentifier(name);
}

/** `"schema"."name"`. */
export function qualified(schema: string, name: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
}

/**
 * A string literal by pg's rules: quotes doubled, and `E'...'` with doubled backslashes when the value holds a
 * backslash (right whatever `standard_conforming_strings` says). pg prefixes `E` literals with a space; trimmed here.
 */
export function literal(value: string): string {
  return escapeLiteral(value).trimStart();
}

/**
 * `ALTER ROLE "<name>" PASSWORD '<password>'`. A utility statement takes no bind parameters, so both parts are quoted.
 * The result holds the password: never log it.
 */
export function alterPasswordSql(username: string, password: string): string {
  return `ALTER ROLE ${ident(username)} PASSWORD ${literal(password)}`;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut between code points (never inside one). */
export function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}
