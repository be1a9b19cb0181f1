import { join } from 'node:path';
import { FunctionRunner, FunctionSpecError } from '../../../../local/functions';
import { BEHAVIOURS, FIXTURES, REPO_ROOT } from './runner-test-helpers';

describe('FunctionRunner.parseFunctionSpec', () => {
  it('parses a name, an absolute module path and an export', () => {
    expect(FunctionRunner.parseFunctionSpec(`rotation-custom=${BEHAVIOURS}#counter`)).toEqual({
      name: 'rotation-custom',
      modulePath: BEHAVIOURS,
      exportName: 'counter',
    });
  });

  it('defaults the export to handler', () => {
    expect(FunctionRunner.parseFunctionSpec(`rotation-custom=${BEHAVIOURS}`).exportName).toBe('handler');
  });

  it('resolves a relative module path against the current directory', () => {
    const relative = join('test/fixtures/functions', 'esm-handler.mjs');
    const spec = FunctionRunner.parseFunctionSpec(`esm=${relative}`);

    expect(spec.modulePath).toBe(join(process.cwd(), relative));
    expect(process.cwd()).toBe(REPO_ROOT);
  });

  it.each([
    ['no "="', `${BEHAVIOURS}#counter`, /has no "=": expected <name>=<module path>\[#<export>\]/],
    ['an empty name', `=${BEHAVIOURS}`, /name must be 1-64 letters, digits, hyphens or underscores, got ""/],
    ['a name with a space', `my fn=${BEHAVIOURS}`, /got "my fn"/],
    ['a name longer than 64', `${'a'.repeat(65)}=${BEHAVIOURS}`, /name must be 1-64/],
    ['no module path', 'fn=#handler', /has no module path/],
    [
      'an export that is not an identifier',
      `fn=${BEHAVIOURS}#not-valid`,
      /export must be a JavaScript identifier, got "not-valid"/,
    ],
    ['an empty export', `fn=${BEHAVIOURS}#`, /export must be a JavaScript identifier, got ""/],
    ['a module that does not exist', `fn=${join(FIXTURES, 'nope.js')}`, /module .*nope\.js does not exist/],
  ])('rejects %s', (_label, spec, message) => {
    expect(() => FunctionRunner.parseFunctionSpec(spec)).toThrow(FunctionSpecError);
    expect(() => FunctionRunner.parseFunctionSpec(spec)).toThrow(message);
  });
});

describe('FunctionRunner.register', () => {
  const runner = new FunctionRunner({ account: '123456789012', region: 'eu-west-1', environment: {}, cold: false });

  afterAll(() => runner.close());

  it('rejects an invalid function name', () => {
    expect(() => runner.register({ name: 'bad/name', modulePath: BEHAVIOURS, exportName: 'counter' })).toThrow(
      /got "bad\/name"/,
    );
  });

  it('rejects a timeout that is not positive', () => {
    expect(() => runner.register({ name: 'fn', modulePath: BEHAVIOURS, exportName: 'counter', timeoutMs: 0 })).toThrow(
      /timeoutMs must be positive, got 0/,
    );
  });

  it('registers rotation-<type> for each built-in credential type', () => {
    runner.registerBuiltIns(REPO_ROOT);

    expect(runner.has('rotation-random-secret')).toBe(true);
  });
});
