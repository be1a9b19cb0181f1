/** One problem in a config file. */
export interface ConfigIssue {
  /** Where, as a JSON path: `secrets[2].schedule`. */
  readonly path: string;
  /** What the schema accepts there. */
  readonly expected: string;
  /** What the file holds there (quoted and shortened; `nothing` when absent). */
  readonly found: string;
}

/** Renders one issue as a line a user can act on. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/**
 * A config file that does not match the schema. Every problem found is listed, not only the first, so a user
 * fixes the file in one pass.
 */
export class ConfigValidationError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`invalid rotation config ${source} (${count}):\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}

/** Short, safe rendering of a found value for an issue. Config files hold no secret values. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return typeof value === 'string' ? shown : `${typeof value} ${shown}`;
}
