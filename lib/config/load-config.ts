import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigValidationError } from './config-validation-error';
import type { RotationConfig } from './schema';
import { type ValidateConfigOptions, validateConfig } from './validate-config';

/** Parses config text: YAML for `.yaml`/`.yml`, JSON otherwise. Syntax errors become validation errors. */
export function parseConfigText(text: string, source: string): unknown {
  const yaml = ['.yaml', '.yml'].includes(extname(source).toLowerCase());
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigValidationError(source, [
      { path: '(file)', expected: yaml ? 'valid YAML' : 'valid JSON', found: reason },
    ]);
  }
}

/** Reads, parses and validates a config file (JSON or YAML). */
export function loadConfig(path: string, options: Omit<ValidateConfigOptions, 'source'> = {}): RotationConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigValidationError(path, [{ path: '(file)', expected: 'a readable config file', found: reason }]);
  }
  return validateConfig(parseConfigText(text, path), { ...options, source: path });
}
