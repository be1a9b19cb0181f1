import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { FunctionDefinition } from './types';

/** Lambda's function name rule: 1-64 letters, digits, hyphens or underscores. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`, the partial `<account>:function:<name>`, or a bare name. */
const FUNCTION_REFERENCE =
  /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** A `--function` value that cannot be used. */
export class FunctionSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionSpecError';
  }
}

/** Checks a function name against Lambda's rule; throws naming what was received. */
export function assertFunctionName(name: string): void {
  if (!FUNCTION_NAME.test(name)) {
    throw new FunctionSpecError(
      `function name must be 1-64 letters, digits, hyphens or underscores, got ${JSON.stringify(name)}`,
    );
  }
}

/**
 * Parses a `--function` value: `<name>=<module path>#<export>`, the export defaulting to `handler`.
 * A relative module path is resolved against the current directory; the module must exist.
 *
 * @example parseFunctionSpec('rotation-custom=./dist/custom/index.js#main')
 */
export function parseFunctionSpec(spec: string): FunctionDefinition {
  const expected = 'expected <name>=<module path>[#<export>]';
  const equals = spec.indexOf('=');
  if (equals < 0) throw new FunctionSpecError(`--function ${JSON.stringify(spec)} has no "=": ${expected}`);
  const name = spec.slice(0, equals).trim();
  if (!FUNCTION_NAME.test(name)) {
    throw new FunctionSpecError(
      `--function ${JSON.stringify(spec)}: name must be 1-64 letters, digits, hyphens or underscores, got ${JSON.stringify(name)}; ${expected}`,
    );
  }
  const target = spec.slice(equals + 1).trim();
  const hash = target.lastIndexOf('#');
  const pathPart = (hash < 0 ? target : target.slice(0, hash)).trim();
  const exportName = hash < 0 ? 'handler' : target.slice(hash + 1).trim();
  if (pathPart === '')
    throw new FunctionSpecError(`--function ${JSON.stringify(spec)} has no module path; ${expected}`);
  if (!EXPORT_NAME.test(exportName)) {
    throw new FunctionSpecError(
      `--function ${JSON.stringify(spec)}: export must be a JavaScript identifier, got ${JSON.stringify(exportName)}; ${expected}`,
    );
  }
  const modulePath = isAbsolute(pathPart) ? pathPart : resolve(pathPart);
  if (!existsSync(modulePath)) {
    throw new FunctionSpecError(`--function ${JSON.stringify(spec)}: module ${modulePath} does not exist`);
  }
  return { name, modulePath, exportName };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` */
export function functionArnOf(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/**
 * The function name a reference points at, or undefined when it is not a function reference of this
 * account and region. Accepts a full ARN (optionally with a `$LATEST`, version or alias qualifier),
 * a partial ARN `<account>:function:<name>`, or a bare name, as Lambda's Invoke does.
 */
export function functionNameOf(reference: string, region: string, account: string): string | undefined {
  const match = FUNCTION_REFERENCE.exec(reference);
  if (!match) return undefined;
  const [, arnRegion, arnAccount, partialAccount, name] = match;
  if (arnRegion !== undefined && arnRegion !== region) return undefined;
  const refAccount = arnAccount ?? partialAccount;
  if (refAccount !== undefined && refAccount !== account) return undefined;
  return name;
}
