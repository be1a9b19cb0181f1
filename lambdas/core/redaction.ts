/**
 * Keeps secret values out of logs. Two nets, so that one miss is not a leak:
 * - by key: any field whose name looks sensitive is replaced, whatever its value;
 * - by value: every secret value the engine reads or generates is registered here, and any string that
 *   contains one (a message, an error from a driver, a stack) has it masked.
 */
export const REDACTED = '[REDACTED]';

/** Field names whose values are never logged. */
const SENSITIVE_KEY =
  /pass(word|wd|phrase)?|pwd|secret|token|credential|private|signature|authorization|^key$|apikey|api_key|accesskey/i;
/** Field names that look sensitive but carry identifiers we want in logs. */
const SAFE_KEYS = new Set([
  'ClientRequestToken',
  'secretId',
  'SecretId',
  'secretArn',
  'secretName',
  'AccessKeyId',
  'accessKeyId',
  // The credential type's name (random-secret, postgres, ...), not a credential.
  'credentialType',
  'CredentialType',
]);

/** Values shorter than this are not masked by value (they would mask ordinary words); keys still catch them. */
const MIN_SECRET_LENGTH = 4;
/** Bound on remembered values: a warm container rotating many secrets must not grow without limit. */
const MAX_REMEMBERED = 1024;

const remembered = new Set<string>();
let sortedCache: string[] | undefined;

export function isSensitiveKey(key: string): boolean {
  return !SAFE_KEYS.has(key) && SENSITIVE_KEY.test(key);
}

/** Remembers a secret value so that it is masked wherever it appears in a log line. */
export function registerSecretValue(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || remembered.has(value)) return;
  if (remembered.size >= MAX_REMEMBERED) {
    const oldest = remembered.values().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
  remembered.add(value);
  // The same value quoted inside JSON text (a driver error echoing a request body, say) must be masked too.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) remembered.add(escaped);
  sortedCache = undefined;
}

/**
 * Registers a SecretString: the whole string and, for JSON, every string leaf under a sensitive key.
 * Other leaves (host, username, engine) stay readable in logs.
 */
export function registerSecretString(secretString: string): void {
  registerSecretValue(secretString);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return;
  }
  const visit = (node: unknown, sensitive: boolean): void => {
    if (typeof node === 'string') {
      if (sensitive) registerSecretValue(node);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, sensitive);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) visit(child, sensitive || isSensitiveKey(key));
    }
  };
  visit(parsed, false);
}

/** Masks every remembered secret value inside `text`. */
export function redactText(text: string): string {
  if (remembered.size === 0) return text;
  sortedCache ??= [...remembered].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of sortedCache) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function serializeError(error: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack) out.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause !== undefined && depth < 3) out.cause = redactValue(error.cause, depth + 1);
  return out;
}

/** A copy of `value` safe to log: sensitive keys replaced, secret values masked, errors made plain. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) return redactValue(serializeError(value, depth), depth + 1);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && child !== undefined && child !== null ? REDACTED : redactValue(child, depth + 1);
  }
  return out;
}

/** Forgets every remembered value (tests only). */
export function clearRememberedSecrets(): void {
  remembered.clear();
  sortedCache = undefined;
}
