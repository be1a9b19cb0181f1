import { type MysqlSessionInfo, quoteName, quoteString } from './quote';

/**
 * SHOW GRANTS output, parsed into privileges that can be compared between two accounts and re-issued for another
 * one. Handles names quoted with backticks (or " under ANSI_QUOTES) or left bare, column lists, routine and package
 * grants, PROXY, role grants (MariaDB and MySQL 8), WITH GRANT / ADMIN OPTION, SET DEFAULT ROLE (MariaDB) and partial
 * revokes (MySQL 8). What follows the grantee (IDENTIFIED BY PASSWORD '<hash>', IDENTIFIED VIA, REQUIRE, resource
 * limits) is never copied: the password is the target's own, REQUIRE and limits are copied by upsertUser.
 */

interface Token {
  readonly kind: 'word' | 'name' | 'string' | 'punct';
  /** The word as written, the unquoted name or string, or the punctuation character. */
  readonly value: string;
  readonly start: number;
}

/** One unit of privilege, without the grantee. */
export type GrantAtom =
  | { readonly kind: 'privilege'; readonly privilege: string; readonly object: string }
  | { readonly kind: 'grant-option'; readonly object: string }
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'admin-option'; readonly role: string }
  | { readonly kind: 'default-role'; readonly role: string }
  | { readonly kind: 'restriction'; readonly privilege: string; readonly object: string };

/** One SHOW GRANTS line. */
export interface GrantLine {
  readonly atoms: readonly GrantAtom[];
  /** The same statement for `account` (already quoted), without anything that followed the grantee but the option. */
  replay(account: string): string;
  /** What the line grants, for messages: the statement up to the grantee (no password is ever in that part). */
  readonly summary: string;
}

export class GrantParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantParseError';
  }
}

const WORD = /[\p{L}\p{N}_$]/u;

function tokenize(text: string, info: MysqlSessionInfo): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '`' || (char === '"' && info.ansiQuotes)) {
      const [value, end] = readQuoted(text, i, char, false);
      tokens.push({ kind: 'name', value, start: i });
      i = end;
    } else if (char === "'" || char === '"') {
      const [value, end] = readQuoted(text, i, char, true);
      tokens.push({ kind: 'string', value, start: i });
      i = end;
    } else if (WORD.test(char)) {
      let end = i;
      while (end < text.length && WORD.test(text[end])) end += 1;
      tokens.push({ kind: 'word', value: text.slice(i, end), start: i });
      i = end;
    } else {
      tokens.push({ kind: 'punct', value: char, start: i });
      i += 1;
    }
  }
  return tokens;
}

/** Reads a quoted token starting at `start`; the quote doubled is one quote; strings also take backslash escapes. */
function readQuoted(text: string, start: number, quote: string, backslash: boolean): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (backslash && char === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      value += { 0: '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' }[next] ?? next;
      i += 2;
    } else if (char === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
      } else {
        return [value, i + 1];
      }
    } else {
      value += char;
      i += 1;
    }
  }
  throw new GrantParseError('unterminated quoted name or string');
}

const isWord = (token: Token | undefined, word: string): boolean =>
  token?.kind === 'word' && token.value.toUpperCase() === word;

/** Index of the first top-level (outside parentheses) keyword `word` at or after `from`. */
function findWord(tokens: readonly Token[], word: string, from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.kind === 'punct' && token.value === '(') depth += 1;
    else if (token.kind === 'punct' && token.value === ')') depth -= 1;
    else if (depth === 0 && isWord(token, word)) return i;
  }
  return -1;
}

/** Canonical text of a token run: names in backticks, strings quoted, keywords upper case. */
function render(tokens: readonly Token[], info: MysqlSessionInfo): string {
  let out = '';
  let glue = true; // no space at the start, after '.', '@' or '('
  for (const token of tokens) {
    const punct = token.kind === 'punct' ? token.value : '';
    if (!glue && !['.', '@', ',', ')'].includes(punct)) out += ' ';
    if (token.kind === 'name') out += quoteName(token.value);
    else if (token.kind === 'string') out += quoteString(token.value, info);
    else out += token.value;
    glue = ['.', '@', '('].includes(punct);
  }
  return out;
}

/** Splits at top-level commas. */
function splitList(tokens: readonly Token[]): Token[][] {
  const items: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.value === '(') depth += 1;
    if (token.kind === 'punct' && token.value === ')') depth -= 1;
    if (depth === 0 && token.kind === 'punct' && token.value === ',') items.push([]);
    else items[items.length - 1].push(token);
  }
  return items.filter((item) => item.length > 0);
}

/** `SELECT (a, b)` -> ['SELECT (`a`)', 'SELECT (`b`)']; `ALTER ROUTINE` -> ['ALTER ROUTINE']. */
function privilegesOf(item: readonly Token[]): string[] {
  const open = item.findIndex((token) => token.kind === 'punct' && token.value === '(');
  const words = (open === -1 ? item : item.slice(0, open)).map((token) => {
    if (token.kind !== 'word') throw new GrantParseError(`unexpected ${token.kind} in a privilege name`);
    return token.value.toUpperCase();
  });
  const name = words.join(' ');
  if (open === -1) return [name];
  const columns = item.slice(open + 1, -1).filter((token) => token.kind !== 'punct');
  return columns.map((column) => `${name} (${quoteName(column.value)})`);
}

/** Where the grantee starts and what follows it. */
function afterGrantee(tokens: readonly Token[], at: number): { grantOption: boolean; adminOption: boolean } {
  let i = at + 1; // user
  if (tokens[i] === undefined || tokens[i].kind === 'punct') {
    throw new GrantParseError('no grantee after TO / FOR / FROM');
  }
  i += 1;
  if (tokens[i]?.kind === 'punct' && tokens[i].value === '@') i += 2;
  const tail = tokens.slice(i);
  const has = (first: string): boolean =>
    tail.some((token, index) => isWord(token, first) && isWord(tail[index + 1], 'OPTION'));
  return { grantOption: has('GRANT'), adminOption: has('ADMIN') };
}

/** Parses one line of SHOW GRANTS output. Throws GrantParseError for a statement it does not know. */
export function parseGrantLine(text: string, info: MysqlSessionInfo): GrantLine {
  const tokens = tokenize(text, info);
  const head = (end: number): string => render(tokens.slice(0, end), info);
  if (isWord(tokens[0], 'SET') && isWord(tokens[1], 'DEFAULT') && isWord(tokens[2], 'ROLE')) {
    const forAt = findWord(tokens, 'FOR', 3);
    if (forAt === -1) throw new GrantParseError('SET DEFAULT ROLE without FOR');
    const role = render(tokens.slice(3, forAt), info);
    return {
      atoms: isWord(tokens[3], 'NONE') ? [] : [{ kind: 'default-role', role }],
      replay: (account) => `SET DEFAULT ROLE ${role} FOR ${account}`,
      summary: head(forAt),
    };
  }
  if (isWord(tokens[0], 'REVOKE')) {
    const on = findWord(tokens, 'ON', 1);
    const from = findWord(tokens, 'FROM', 1);
    if (on === -1 || from === -1 || on > from) throw new GrantParseError('REVOKE without ON ... FROM');
    const object = render(tokens.slice(on + 1, from), info);
    const atoms = splitList(tokens.slice(1, on))
      .flatMap(privilegesOf)
      .map((privilege): GrantAtom => ({ kind: 'restriction', privilege, object }));
    return { atoms, replay: (account) => `${head(from)} FROM ${account}`, summary: head(from) };
  }
  if (!isWord(tokens[0], 'GRANT')) throw new GrantParseError(`a statement that starts with ${tokens[0]?.value}`);
  const to = findWord(tokens, 'TO', 1);
  if (to === -1) throw new GrantParseError('GRANT without TO');
  const { grantOption, adminOption } = afterGrantee(tokens, to);
  const on = findWord(tokens, 'ON', 1);
  if (on === -1 || on > to) {
    // GRANT role[, role] TO account [WITH ADMIN OPTION]
    const roles = splitList(tokens.slice(1, to)).map((role) => render(role, info));
    const atoms: GrantAtom[] = roles.map((role) => ({ kind: 'role', role }));
    if (adminOption) atoms.push(...roles.map((role): GrantAtom => ({ kind: 'admin-option', role })));
    const option = adminOption ? ' WITH ADMIN OPTION' : '';
    return { atoms, replay: (account) => `${head(to)} TO ${account}${option}`, summary: head(to) };
  }
  const object = render(tokens.slice(on + 1, to), info);
  const atoms: GrantAtom[] = splitList(tokens.slice(1, on))
    .flatMap(privilegesOf)
    .filter((privilege) => privilege !== 'USAGE')
    .map((privilege) => ({ kind: 'privilege', privilege, object }));
  if (grantOption) atoms.push({ kind: 'grant-option', object });
  const option = grantOption ? ' WITH GRANT OPTION' : '';
  return { atoms, replay: (account) => `${head(to)} TO ${account}${option}`, summary: head(to) };
}

/** A key that is equal for equal atoms. */
export function atomKey(atom: GrantAtom): string {
  switch (atom.kind) {
    case 'privilege':
    case 'restriction':
      return `${atom.kind}|${atom.privilege}|${atom.object}`;
    case 'grant-option':
      return `${atom.kind}|${atom.object}`;
    default:
      return `${atom.kind}|${atom.role}`;
  }
}

/** The statement that takes `atom` away from `account` (a privilege the source does not have). */
export function revokeStatement(atom: GrantAtom, account: string): string {
  switch (atom.kind) {
    case 'privilege':
      return `REVOKE ${atom.privilege} ON ${atom.object} FROM ${account}`;
    case 'grant-option':
      return `REVOKE GRANT OPTION ON ${atom.object} FROM ${account}`;
    case 'role':
      return `REVOKE ${atom.role} FROM ${account}`;
    case 'admin-option':
      return `REVOKE ADMIN OPTION FOR ${atom.role} FROM ${account}`;
    case 'default-role':
      return `SET DEFAULT ROLE NONE FOR ${account}`;
    case 'restriction':
      // A partial revoke (MySQL 8) the source does not have: lift it.
      return `GRANT ${atom.privilege} ON ${atom.object} TO ${account}`;
  }
}

/** Revoke order: the default role before the role itself, admin options before roles. */
export function revokeOrder(atom: GrantAtom): number {
  return { 'default-role': 0, 'admin-option': 1, 'grant-option': 2, privilege: 3, restriction: 4, role: 5 }[atom.kind];
}
