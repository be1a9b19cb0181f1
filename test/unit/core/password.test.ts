import fc from 'fast-check';
import {
  DEFAULT_PASSWORD_OPTIONS,
  generatePassword,
  type PasswordOptions,
  PasswordOptionsError,
  PUNCTUATION,
  validatePasswordOptions,
} from '../../../lambdas/core/password';

// The expected classes are written out here rather than imported, so that a wrong constant in the module fails.
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** GetRandomPassword's ExcludePunctuation documentation lists these, separated by spaces. */
const AWS_PUNCTUATION = '! " # $ % & \' ( ) * + , - . / : ; < = > ? @ [ \\ ] ^ _ ` { | } ~'.split(' ').join('');
/** Printable ASCII, space included (0x20-0x7e). */
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

interface Expectation {
  /** Why the options must be refused, or undefined when a password must be generated. */
  readonly refusal?: 'length' | 'empty alphabet' | 'too short';
  /** Included classes after exclusions, each non-empty. */
  readonly classes: readonly string[];
  readonly alphabet: ReadonlySet<string>;
}

const REFUSAL_MESSAGE: Record<NonNullable<Expectation['refusal']>, RegExp> = {
  length: /^password length must be an integer 1-4096, got /,
  'empty alphabet': /exclude every character/,
  'too short': /^password length \d+ is too short for the [1-4] required character types$/,
};

/** An independent model of GetRandomPassword's rules. */
function expectationFor(options: PasswordOptions): Expectation {
  const excluded = new Set(options.excludeCharacters);
  const classes = [
    [UPPER, options.excludeUppercase],
    [LOWER, options.excludeLowercase],
    [DIGITS, options.excludeNumbers],
    [AWS_PUNCTUATION, options.excludePunctuation],
  ]
    .filter(([, off]) => !off)
    .map(([chars]) => [...(chars as string)].filter((c) => !excluded.has(c)).join(''))
    .filter((chars) => chars.length > 0);
  const alphabet = new Set(classes.join(''));
  if (options.includeSpace && !excluded.has(' ')) alphabet.add(' ');
  const { length } = options;
  let refusal: Expectation['refusal'];
  if (!Number.isInteger(length) || length < 1 || length > 4096) refusal = 'length';
  else if (alphabet.size === 0) refusal = 'empty alphabet';
  else if (options.requireEachIncludedType && length < classes.length) refusal = 'too short';
  return { refusal, classes, alphabet };
}

/** The error `fn` throws, or undefined. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const validLength = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 201, max: 4096 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 3, 4, 4096) },
);
const invalidLength = fc.oneof(
  fc.integer({ min: -50, max: 0 }),
  fc.integer({ min: 4097, max: 100_000 }),
  fc.double({ min: 0, max: 5000, noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, 4096.5),
);
/** Random printable characters, sometimes with whole classes added so that empty classes and alphabets occur. */
const excludeCharacters = fc
  .tuple(
    fc.subarray([UPPER, LOWER, DIGITS, AWS_PUNCTUATION, ' ']),
    fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 60 }),
  )
  .map(([whole, some]) => whole.join('') + some);

const options: fc.Arbitrary<PasswordOptions> = fc.record({
  length: fc.oneof({ weight: 9, arbitrary: validLength }, { weight: 1, arbitrary: invalidLength }),
  excludeCharacters: fc.oneof(fc.constant(''), excludeCharacters),
  excludeNumbers: fc.boolean(),
  excludePunctuation: fc.boolean(),
  excludeUppercase: fc.boolean(),
  excludeLowercase: fc.boolean(),
  includeSpace: fc.boolean(),
  requireEachIncludedType: fc.boolean(),
});

describe('generatePassword', () => {
  it('honours every combination of options exactly, or refuses them with PasswordOptionsError', () => {
    fc.assert(
      fc.property(options, (opts) => {
        const expected = expectationFor(opts);
        const validationError = thrownBy(() => validatePasswordOptions(opts));
        if (expected.refusal !== undefined) {
          expect(validationError).toBeInstanceOf(PasswordOptionsError);
          expect((validationError as Error).message).toMatch(REFUSAL_MESSAGE[expected.refusal]);
          const generationError = thrownBy(() => generatePassword(opts));
          expect(generationError).toBeInstanceOf(PasswordOptionsError);
          expect((generationError as Error).message).toBe((validationError as Error).message);
          return;
        }
        expect(validationError).toBeUndefined();
        const password = generatePassword(opts);
        const chars = [...password];
        expect(chars).toHaveLength(opts.length);
        // Plain checks in the loops, one expect each: thousands of expect calls per run would make this slow.
        expect(chars.filter((c) => !expected.alphabet.has(c) || opts.excludeCharacters.includes(c))).toEqual([]);
        if (opts.requireEachIncludedType) {
          expect(expected.classes.filter((cls) => !chars.some((c) => cls.includes(c)))).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('uses only the allowed alphabet and keeps every class when only the length varies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 200 }), (length) => {
        const password = generatePassword({ length });
        expect(password).toHaveLength(length);
        expect(password).toMatch(/^[A-Za-z0-9!-/:-@[-`{-~]+$/);
        for (const cls of [UPPER, LOWER, DIGITS, AWS_PUNCTUATION]) {
          expect([...password].some((c) => cls.includes(c))).toBe(true);
        }
      }),
    );
  });

  it('gives 32 characters with an uppercase letter, a lowercase letter, a digit and punctuation by default', () => {
    const password = generatePassword();

    expect(password).toHaveLength(32);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[0-9]/);
    expect([...password].some((c) => AWS_PUNCTUATION.includes(c))).toBe(true);
    expect(password).not.toContain(' ');
  });

  it('gives 200 distinct passwords in 200 calls', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()));

    expect(passwords.size).toBe(200);
  });

  it('includes a space only when includeSpace is set', () => {
    const password = generatePassword({
      length: 50,
      excludeUppercase: true,
      excludeLowercase: true,
      excludeNumbers: true,
      excludePunctuation: true,
      includeSpace: true,
    });

    expect(password).toBe(' '.repeat(50));
  });

  it('fills one required class per position when length equals the number of classes', () => {
    const password = generatePassword({ length: 4 });

    for (const cls of [UPPER, LOWER, DIGITS, AWS_PUNCTUATION]) {
      expect([...password].filter((c) => cls.includes(c))).toHaveLength(1);
    }
  });

  it('does not require every class when requireEachIncludedType is false', () => {
    expect(generatePassword({ length: 1, requireEachIncludedType: false })).toHaveLength(1);
  });
});

describe('validatePasswordOptions', () => {
  const valid = (partial: Partial<PasswordOptions>): PasswordOptions => ({ ...DEFAULT_PASSWORD_OPTIONS, ...partial });

  it.each([0, -1, 4097, 3.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses length %p', (length) => {
    expect(() => validatePasswordOptions(valid({ length }))).toThrow(
      new PasswordOptionsError(`password length must be an integer 1-4096, got ${length}`),
    );
  });

  it.each([1, 4096])('accepts length %p without required classes', (length) => {
    expect(() => validatePasswordOptions(valid({ length, requireEachIncludedType: false }))).not.toThrow();
  });

  it('refuses a length shorter than the number of required classes', () => {
    expect(() => validatePasswordOptions(valid({ length: 3 }))).toThrow(
      /password length 3 is too short for the 4 required character types/,
    );
  });

  it('counts only classes left after excludeCharacters empties some of them', () => {
    expect(() => validatePasswordOptions(valid({ length: 3, excludeCharacters: DIGITS }))).not.toThrow();
  });

  it('refuses options that exclude every character', () => {
    const opts = valid({ excludeCharacters: UPPER + LOWER + DIGITS, excludePunctuation: true, includeSpace: true });

    expect(() => validatePasswordOptions({ ...opts, excludeCharacters: `${opts.excludeCharacters} ` })).toThrow(
      PasswordOptionsError,
    );
    expect(() => generatePassword({ ...opts, excludeCharacters: `${opts.excludeCharacters} ` })).toThrow(
      /exclude every character/,
    );
  });
});

describe('PUNCTUATION', () => {
  it('is the documented AWS set of 32 characters', () => {
    expect(PUNCTUATION).toBe(AWS_PUNCTUATION);
    expect(PUNCTUATION).toHaveLength(32);
    expect(new Set(PUNCTUATION).size).toBe(32);
  });
});
