import { ConfigurationError } from '../../../lambdas/core/errors';
import { DEFAULT_PASSWORD_OPTIONS, type PasswordOptions } from '../../../lambdas/core/password';
import { type Environment, Settings } from '../../../lambdas/core/settings';

const SECRET = 'prod/db';
const settings = (tags: Record<string, string> = {}, env: Environment = {}) => new Settings(SECRET, tags, env);

/** The error `fn` throws, or undefined. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Settings', () => {
  describe('precedence', () => {
    it('takes the tag rotation:<name> over the environment variable', () => {
      const s = settings({ 'rotation:mode': 'from-tag' }, { MODE: 'from-env' });

      expect(s.string('mode', 'MODE')).toBe('from-tag');
    });

    it('takes the environment variable when there is no tag', () => {
      expect(settings({}, { MODE: 'from-env' }).string('mode', 'MODE')).toBe('from-env');
    });

    it('ignores a tag without the rotation: prefix', () => {
      expect(settings({ mode: 'bare' }, { MODE: 'from-env' }).string('mode', 'MODE')).toBe('from-env');
    });

    it('treats an empty environment variable as unset', () => {
      expect(settings({}, { PASSWORD_LENGTH: '' }).integer('password-length', 'PASSWORD_LENGTH', 1, 4096, 32)).toBe(32);
    });

    it('reads no environment variable when none is named', () => {
      expect(settings({}, { MODE: 'x' }).string('mode')).toBeUndefined();
    });

    it('falls back to the default when neither is set', () => {
      const s = settings();

      expect(s.integer('n', 'N', 1, 10, 7)).toBe(7);
      expect(s.boolean('b', 'B', true)).toBe(true);
      expect(s.oneOf('m', 'M', ['a', 'b'] as const, 'b')).toBe('b');
      expect(s.string('x', 'X')).toBeUndefined();
    });
  });

  describe('integer', () => {
    it.each([
      ['12', 12],
      [' 12 ', 12],
      ['\t7\n', 7],
      ['007', 7],
      ['1', 1],
      ['4096', 4096],
    ])('parses %p as %p', (raw, expected) => {
      expect(settings({ 'rotation:n': raw }).integer('n', 'N', 1, 4096, 32)).toBe(expected);
    });

    it.each(['abc', '', ' ', '1.5', '1e3', '0x10', '+5', '12abc', '0', '-1', '4097', '99999999999999999999'])(
      'refuses tag value %p naming the tag, the range and the value',
      (raw) => {
        const error = thrownBy(() =>
          settings({ 'rotation:password-length': raw }).integer('password-length', 'PASSWORD_LENGTH', 1, 4096, 32),
        );

        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).message).toBe(
          `secret prod/db tag "rotation:password-length" must be an integer 1-4096, got "${raw}"`,
        );
        expect((error as ConfigurationError).secretId).toBe(SECRET);
      },
    );

    it('refuses an environment variable naming the variable', () => {
      expect(() =>
        settings({}, { PASSWORD_LENGTH: 'abc' }).integer('password-length', 'PASSWORD_LENGTH', 1, 4096, 32),
      ).toThrow(
        new ConfigurationError(
          'secret prod/db environment variable PASSWORD_LENGTH must be an integer 1-4096, got "abc"',
        ),
      );
    });

    it('accepts negative integers when the range allows them', () => {
      expect(settings({ 'rotation:offset': '-3' }).integer('offset', undefined, -5, 5, 0)).toBe(-3);
    });
  });

  describe('boolean', () => {
    it.each(['true', 'TRUE', 'True', ' yes ', 'Y', 'on', 'ON', '1'])('reads %p as true', (raw) => {
      expect(settings({ 'rotation:flag': raw }).boolean('flag', 'FLAG', false)).toBe(true);
    });

    it.each(['false', 'FALSE', 'False', ' no ', 'N', 'off', 'Off', '0'])('reads %p as false', (raw) => {
      expect(settings({}, { FLAG: raw }).boolean('flag', 'FLAG', true)).toBe(false);
    });

    it.each(['maybe', '2', 't', 'yes please', ' '])('refuses %p', (raw) => {
      expect(() =>
        settings({ 'rotation:include-space': raw }).boolean('include-space', 'INCLUDE_SPACE', false),
      ).toThrow(
        new ConfigurationError(`secret prod/db tag "rotation:include-space" must be true or false, got "${raw}"`),
      );
    });

    it('names the environment variable in its error', () => {
      expect(() =>
        settings({}, { INCLUDE_SPACE: 'sometimes' }).boolean('include-space', 'INCLUDE_SPACE', false),
      ).toThrow(
        new ConfigurationError(
          'secret prod/db environment variable INCLUDE_SPACE must be true or false, got "sometimes"',
        ),
      );
    });
  });

  describe('oneOf', () => {
    const modes = ['single', 'alternating'] as const;

    it.each([
      ['single', 'single'],
      [' Alternating ', 'alternating'],
      ['SINGLE', 'single'],
    ])('reads %p as %p', (raw, expected) => {
      expect(settings({ 'rotation:mode': raw }).oneOf('mode', 'MODE', modes, 'single')).toBe(expected);
    });

    it('refuses a value outside the list, listing the allowed values', () => {
      expect(() => settings({}, { MODE: 'both' }).oneOf('mode', 'MODE', modes, 'single')).toThrow(
        new ConfigurationError(
          'secret prod/db environment variable MODE must be one of single, alternating, got "both"',
        ),
      );
    });
  });

  describe('passwordOptions', () => {
    type Case = [keyof PasswordOptions, string, string, string, PasswordOptions[keyof PasswordOptions]];
    const cases: Case[] = [
      ['length', 'password-length', 'PASSWORD_LENGTH', '20', 20],
      ['excludeCharacters', 'exclude-characters', 'EXCLUDE_CHARACTERS', '"\'\\/@ ', '"\'\\/@ '],
      ['excludeNumbers', 'exclude-numbers', 'EXCLUDE_NUMBERS', 'true', true],
      ['excludePunctuation', 'exclude-punctuation', 'EXCLUDE_PUNCTUATION', 'true', true],
      ['excludeUppercase', 'exclude-uppercase', 'EXCLUDE_UPPERCASE', 'true', true],
      ['excludeLowercase', 'exclude-lowercase', 'EXCLUDE_LOWERCASE', 'true', true],
      ['includeSpace', 'include-space', 'INCLUDE_SPACE', 'true', true],
      ['requireEachIncludedType', 'require-each-included-type', 'REQUIRE_EACH_INCLUDED_TYPE', 'false', false],
    ];

    it('gives the GetRandomPassword defaults with no tags and no environment', () => {
      expect(settings().passwordOptions()).toEqual(DEFAULT_PASSWORD_OPTIONS);
    });

    it.each(cases)('maps %s from environment variable %s', (field, _tag, envName, raw, expected) => {
      expect(settings({}, { [envName]: raw }).passwordOptions()).toEqual({
        ...DEFAULT_PASSWORD_OPTIONS,
        [field]: expected,
      });
    });

    it.each(cases)('maps %s from tag rotation:%s', (field, tag, _envName, raw, expected) => {
      expect(settings({ [`rotation:${tag}`]: raw }).passwordOptions()).toEqual({
        ...DEFAULT_PASSWORD_OPTIONS,
        [field]: expected,
      });
    });

    it.each(cases)('lets the tag for %s win over the environment variable', (field, tag, envName, raw, expected) => {
      const envValue = typeof expected === 'boolean' ? String(!expected) : field === 'length' ? '99' : 'xyz';

      expect(settings({ [`rotation:${tag}`]: raw }, { [envName]: envValue }).passwordOptions()[field]).toEqual(
        expected,
      );
    });

    it('reads every environment variable at once', () => {
      const env = Object.fromEntries(cases.map(([, , envName, raw]) => [envName, raw]));
      const expected = Object.fromEntries(cases.map(([field, , , , value]) => [field, value]));

      expect(settings({}, env).passwordOptions()).toEqual(expected);
    });

    it('starts from the caller defaults, which settings override', () => {
      const s = settings({ 'rotation:exclude-numbers': 'true' });

      expect(s.passwordOptions({ length: 64, excludeNumbers: false, excludeCharacters: 'x' })).toEqual({
        ...DEFAULT_PASSWORD_OPTIONS,
        length: 64,
        excludeNumbers: true,
        excludeCharacters: 'x',
      });
    });

    it('keeps exclude-characters exactly, spaces included', () => {
      expect(settings({ 'rotation:exclude-characters': ' ab ' }).passwordOptions().excludeCharacters).toBe(' ab ');
    });

    it('names the tag when the tagged length is invalid', () => {
      expect(() => settings({ 'rotation:password-length': 'abc' }).passwordOptions()).toThrow(
        new ConfigurationError('secret prod/db tag "rotation:password-length" must be an integer 1-4096, got "abc"'),
      );
    });

    it('names the environment variable when its length is invalid', () => {
      expect(() => settings({}, { PASSWORD_LENGTH: 'abc' }).passwordOptions()).toThrow(
        new ConfigurationError(
          'secret prod/db environment variable PASSWORD_LENGTH must be an integer 1-4096, got "abc"',
        ),
      );
    });

    it('names the tag when a tagged flag is invalid', () => {
      expect(() => settings({ 'rotation:require-each-included-type': 'perhaps' }).passwordOptions()).toThrow(
        new ConfigurationError(
          'secret prod/db tag "rotation:require-each-included-type" must be true or false, got "perhaps"',
        ),
      );
    });
  });
});
