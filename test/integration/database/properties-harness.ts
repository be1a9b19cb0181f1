/*
 * The driver of the database property tests (properties-postgres.test.ts, properties-mysql.test.ts): the same
 * properties for every engine, a rotation driven through DatabaseRotationStrategy with an in-memory context. A test
 * file describes its engine (how to create, log in as, snapshot and drop users, its user-name rules, how it quotes a
 * password) and declares the tests with `describeProperties`.
 */
import fc from 'fast-check';
import { ApplyFailedError, VerificationFailedError } from '../../../lambdas/core/errors';
import type { RotationStep } from '../../../lambdas/core/event';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { generatePassword, PUNCTUATION } from '../../../lambdas/core/password';
import { registerSecretString, registerSecretValue } from '../../../lambdas/core/redaction';
import { Settings } from '../../../lambdas/core/settings';
import type { RotationContext, SecretVersionValue } from '../../../lambdas/core/strategy';
import type { DatabaseRotationStrategy } from '../../../lambdas/database/strategy';
import { type SnapshotOptions, snapshotDiff } from '../../support/db-snapshot';

export const SUFFIX = '_clone';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
/**
 * fast-check settings: a seed from PROPERTY_SEED; a run (shrinking included: each step is a database round trip) stops
 * after 90 s and reports the smallest counterexample found so far, inside the test's timeout, so that no sample of one
 * property still runs while the next test takes its snapshots.
 */
const FC_PARAMS = {
  ...(process.env.PROPERTY_SEED === undefined ? {} : { seed: Number(process.env.PROPERTY_SEED) }),
  interruptAfterTimeLimit: 90_000,
  markInterruptAsFailure: false,
};
const TEST_TIMEOUT_MS = 150_000;

/** What the properties need of an engine; `Setup` is what its alternating-users property varies besides the names. */
export interface PropertyEngine<Setup> {
  readonly strategy: DatabaseRotationStrategy;
  /** The rotated secret's name (`prop/pg`); its ARN and the master's derive from it. */
  readonly secretName: string;
  /** The Lambda function's name the log lines carry. */
  readonly functionName: string;
  /** The server's superuser, the master secret of the alternating-users rotation. */
  master(): { username: string; password: string };
  /** The secret's JSON value for `user`, with the engine's connection fields. */
  secretValue(user: string, password: string, extra?: Record<string, unknown>): string;
  readonly names: NameRules;
  /** Adversarial new passwords, next to the generated ones. */
  readonly fixedPasswords: readonly string[];
  /** Creates a login user; `withLimits`: with resource limits (and an expiry, where the engine has one) to keep. */
  createUser(user: string, password: string, withLimits: boolean): Promise<void>;
  /** 'ok' when `user` logs in with `password`, else what refused it. */
  tryLogin(user: string, password: string): Promise<string>;
  /** What `tryLogin` returns for a wrong password. */
  readonly refused: string;
  /** A password as the engine's string literal would hold it (beyond the forms every engine shares). */
  literalForms(password: string): string[];
  snapshot(options?: SnapshotOptions): Promise<string[]>;
  dropUsers(...users: string[]): Promise<void>;
  readonly alternating: {
    readonly setups: fc.Arbitrary<Setup>;
    /** Creates the source user, with one of every kind of privilege the sync copies. */
    createWithPrivileges(user: string, password: string, setup: Setup): Promise<void>;
    /** `user`'s privileges, comparable before and after a rotation. */
    privileges(user: string): Promise<string[]>;
    /** Asserts that `clone` holds the privileges `user` held (`source`) before the first rotation. */
    expectClonePrivileges(user: string, clone: string, source: readonly string[]): Promise<void>;
  };
}

/** User names, in the engine's unit of length (bytes, characters): its pieces, extremes and the names it rejects. */
export interface NameRules {
  /** The longest user name. */
  readonly max: number;
  readonly measure: (name: string) => number;
  /** The longest prefix of whole code points within `max` units. */
  readonly cut: (name: string, max: number) => string;
  /** Quotes, backslashes, spaces, LIKE wildcards, SQL comment and statement marks. */
  readonly marks: readonly string[];
  /** Multibyte letters, combining and invisible characters. */
  readonly letters: readonly string[];
  /** Words that mean something where a name goes. */
  readonly keywords: readonly string[];
  /** Maps random graphemes to what the engine can store. */
  readonly graphemes?: (text: string) => string;
  /** Hand-picked names at the limit. */
  readonly extremes: readonly string[];
  /** How many pieces make a name cut at the limit ('limit') or one whose clone just fits ('fits'). */
  readonly longPieces: { readonly minLength: number; readonly maxLength: number };
  /** Names the properties leave out (the engine's own users, names it cannot log in as). */
  readonly accept: (name: string) => boolean;
}

/** Pieces of user names: the engine's marks and letters, random graphemes, alphanumerics, controls and keywords. */
function namePieces(rules: NameRules): fc.Arbitrary<string> {
  const graphemes = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...rules.marks) },
    { weight: 3, arbitrary: fc.constantFrom(...rules.letters) },
    { weight: 3, arbitrary: rules.graphemes === undefined ? graphemes : graphemes.map(rules.graphemes) },
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019'), minLength: 1, maxLength: 6 }) },
    /** Control characters (MySQL escapes some with a backslash) and keywords that mean something where a name goes. */
    { weight: 2, arbitrary: fc.constantFrom('\n', '\t', '\r', '\b', '\x1a', ...rules.keywords) },
  );
}

/** 'free': any length that fits; 'limit': exactly `max` long (the clone is cut); 'fits': the clone is `max` long. */
function usernames(rules: NameRules): fc.Arbitrary<string> {
  const piece = namePieces(rules);
  return fc
    .oneof(
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...rules.extremes), fc.constant('extreme' as const)) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.constant('free' as const)),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.array(piece, rules.longPieces), fc.constantFrom('limit' as const, 'fits' as const)),
      },
    )
    .map(([pieces, size]) => {
      if (typeof pieces === 'string') return pieces;
      const joined = pieces.join('').replace(/\0/g, '0');
      if (size === 'free') return rules.cut(joined, rules.max);
      const target = size === 'limit' ? rules.max : rules.max - SUFFIX.length;
      const cut = rules.cut(joined, target);
      return cut + 'x'.repeat(target - rules.measure(cut));
    })
    .filter((name) => !name.endsWith(SUFFIX) && rules.accept(name));
}

/** The clone's name: the user's, cut so that `_clone` fits. */
export function expectedClone(rules: NameRules, user: string): string {
  return `${rules.cut(user, rules.max - SUFFIX.length)}${SUFFIX}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A password of every allowed character (the initial one: the rotation must log in with it). */
const anyPassword = fc.string({
  unit: fc.constantFrom(...`${PUNCTUATION}${ALPHANUMERIC}`),
  minLength: 8,
  maxLength: 48,
});
export type NewPassword = { kind: 'generated'; length: number; space: boolean } | { kind: 'fixed'; value: string };

const arn = (name: string): string => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;

/** Secrets Manager's side of a rotation, in memory: the versions by stage, and the master secret. */
export class Versions {
  pending: string | undefined;
  previous: string | undefined;
  readonly generated: string[] = [];

  constructor(
    private readonly engine: Pick<PropertyEngine<unknown>, 'strategy' | 'secretName' | 'functionName' | 'master'>,
    public current: string,
    private readonly password: NewPassword,
  ) {}

  private tags(): Record<string, string> {
    if (this.password.kind === 'fixed') return { 'rotation:exclude-characters': '' };
    return {
      'rotation:exclude-characters': '',
      'rotation:password-length': String(this.password.length),
      'rotation:include-space': String(this.password.space),
    };
  }

  /** A context like the engine's: every value it reads is registered for redaction, as the secrets gateway does. */
  context(step: RotationStep): RotationContext {
    const { strategy, secretName, functionName } = this.engine;
    const tags = this.tags();
    const settings = new Settings(secretName, tags, {});
    const read = (value: string | undefined, stage: string): SecretVersionValue => {
      if (value === undefined) throw new Error(`no ${stage} version`);
      registerSecretString(value);
      return { versionId: stage, secretString: value };
    };
    return {
      secretArn: arn(secretName),
      secretName,
      token: 'token-1',
      step,
      tags,
      settings,
      logger: new Logger(functionName, { step }, 'DEBUG'),
      current: async () => read(this.current, 'AWSCURRENT'),
      pending: async () => read(this.pending, 'AWSPENDING'),
      previous: async () => (this.previous === undefined ? undefined : read(this.previous, 'AWSPREVIOUS')),
      otherSecret: async (id) => {
        if (id !== arn(`${secretName}-master`)) throw new Error(`unexpected secret ${id}`);
        return read(JSON.stringify(this.engine.master()), 'AWSCURRENT');
      },
      generatePassword: (overrides) => {
        const value =
          this.password.kind === 'fixed'
            ? this.password.value
            : generatePassword({ ...settings.passwordOptions(strategy.passwordDefaults), ...overrides });
        registerSecretValue(value);
        this.generated.push(value);
        return value;
      },
      registerSecret: registerSecretValue,
    };
  }

  /**
   * createSecret -> setSecret -> testSecret, then finishSecret's label move. Returns the new value. `retried`: Secrets
   * Manager runs setSecret and testSecret a second time (a timeout, a throttled call), which must change nothing more.
   */
  async rotate(retried = false): Promise<Record<string, unknown>> {
    const { strategy } = this.engine;
    this.pending = await strategy.createCredential(this.context('createSecret'));
    for (let run = retried ? 2 : 1; run > 0; run -= 1) {
      await strategy.applyCredential(this.context('setSecret'));
      await strategy.verifyCredential(this.context('testSecret'));
    }
    await strategy.revokePrevious(this.context('finishSecret'));
    this.previous = this.current;
    this.current = this.pending;
    this.pending = undefined;
    return JSON.parse(this.current);
  }
}

/**
 * The properties of one engine. Create it at the top level of the test file: it captures the log lines from its
 * beforeAll to its afterAll.
 */
export class PropertyHarness<Setup> {
  private readonly logLines: string[] = [];
  private readonly engine: PropertyEngine<Setup>;
  private readonly masterArn: string;
  private readonly usernames: fc.Arbitrary<string>;
  private readonly newPassword: fc.Arbitrary<NewPassword>;

  constructor(engine: PropertyEngine<Setup>) {
    this.engine = engine;
    this.masterArn = arn(`${engine.secretName}-master`);
    this.usernames = usernames(engine.names);
    /** How the new password comes: generated with every character allowed (tags), or fixed adversarial ones. */
    this.newPassword = fc.oneof(
      fc.record({
        kind: fc.constant('generated' as const),
        length: fc.integer({ min: 8, max: 128 }),
        space: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('fixed' as const), value: fc.constantFrom(...engine.fixedPasswords) }),
    );
    let restoreSink: ((line: string) => void) | undefined;
    beforeAll(() => {
      restoreSink = setLogSink((line) => this.logLines.push(line));
    });
    afterAll(() => {
      if (restoreSink !== undefined) setLogSink(restoreSink);
    });
  }

  versions(current: string, password: NewPassword): Versions {
    return new Versions(this.engine, current, password);
  }

  /** The forms a password could leak in: as is, JSON-escaped, quotes or backslashes doubled, the engine's literal. */
  private leakForms(password: string): string[] {
    if (password.length < 8) return [];
    return [
      ...new Set([
        password,
        JSON.stringify(password).slice(1, -1),
        password.replace(/'/g, "''"),
        password.replace(/\\/g, '\\\\'),
        ...this.engine.literalForms(password),
      ]),
    ];
  }

  /** Fails naming the form and where, never printing the log line (the password would then be in the test output). */
  expectNoPassword(texts: readonly string[], passwords: readonly string[]): void {
    for (const password of passwords) {
      for (const form of this.leakForms(password)) {
        const at = texts.findIndex((text) => text.includes(form));
        expect({ leakedIn: at === -1 ? 'nowhere' : `text #${at}`, formLength: form.length }).toEqual({
          leakedIn: 'nowhere',
          formLength: form.length,
        });
      }
    }
  }

  /** Runs `work`; a thrown error fails the sample, after its message is checked for passwords. */
  private async checked<T>(passwords: () => readonly string[], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const texts = [String(error), (error as Error).stack ?? ''];
      this.expectNoPassword(texts, passwords());
      throw error;
    }
  }

  /**
   * Declares the tests: the password settings the properties rely on, then the properties, in a describe named after
   * the engine (`label`); `alternating` names the alternating-users property, `more` adds the engine's own tests.
   */
  describeProperties(label: string, alternating: string, more: () => void = () => undefined): void {
    describe('the password settings these properties rely on', () => {
      it('generates from every punctuation character when the tag rotation:exclude-characters is empty', () =>
        this.generatesEveryPunctuation());
    });

    describe(`DatabaseRotationStrategy (${label}) with adversarial user names and passwords (property)`, () => {
      it(
        'single user: the new password logs in, the old one is refused, nothing else changes, no password is logged',
        () => this.singleUser(),
        TEST_TIMEOUT_MS,
      );
      it(alternating, () => this.alternatingUsers(), TEST_TIMEOUT_MS);
      it(
        'refused logins fail with errors that name the user and no password',
        () => this.refusedLogins(),
        TEST_TIMEOUT_MS,
      );
      more();
    });
  }

  /** An empty rotation:exclude-characters allows every punctuation character. */
  private async generatesEveryPunctuation(): Promise<void> {
    const versions = this.versions(this.engine.secretValue('app', 'Initial-pw-1'), {
      kind: 'generated',
      length: 4096,
      space: true,
    });
    const value = JSON.parse(await this.engine.strategy.createCredential(versions.context('createSecret')));
    const missing = [...`${PUNCTUATION} `].filter((char) => !String(value.password).includes(char));
    expect(missing).toEqual([]);
  }

  /** The new password logs in, the old one is refused, nothing else changes, no password is logged. */
  private async singleUser(): Promise<void> {
    const { engine, logLines } = this;
    await fc.assert(
      fc.asyncProperty(
        this.usernames,
        anyPassword,
        this.newPassword,
        fc.boolean(),
        async (user, initial, password, retried) => {
          await engine.createUser(user, initial, true);
          const versions = this.versions(engine.secretValue(user, initial, { note: 'kept' }), password);
          const secrets = () => [initial, engine.master().password, ...versions.generated];
          const logStart = logLines.length;
          try {
            const before = await engine.snapshot({ passwordChanges: [user] });
            const next = await this.checked(secrets, () => versions.rotate(retried));
            const { password: newOne, ...rest } = next;
            const { password: _old, ...restBefore } = JSON.parse(engine.secretValue(user, initial, { note: 'kept' }));
            expect(rest).toEqual(restBefore);
            expect(newOne).not.toBe(initial);
            if (password.kind === 'fixed') expect(newOne).toBe(password.value);
            else expect(String(newOne)).toHaveLength(password.length);
            expect(await engine.tryLogin(user, String(newOne))).toBe('ok');
            expect(await engine.tryLogin(user, initial)).toBe(engine.refused);
            const after = await engine.snapshot({ passwordChanges: [user] });
            expect(snapshotDiff(before, after)).toEqual({ added: [], removed: [] });
            expect(logLines.length).toBeGreaterThan(logStart);
            this.expectNoPassword(logLines.slice(logStart), secrets());
          } finally {
            await engine.dropUsers(user);
          }
        },
      ),
      { numRuns: RUNS, ...FC_PARAMS },
    );
  }

  /**
   * The clone gets the new password and the same privileges, nothing else changes; a second rotation sets the first
   * user again.
   */
  private async alternatingUsers(): Promise<void> {
    const { engine, logLines } = this;
    const { names, alternating } = engine;
    await fc.assert(
      fc.asyncProperty(
        this.usernames,
        anyPassword,
        this.newPassword,
        alternating.setups,
        fc.boolean(),
        async (user, initial, password, setup, retried) => {
          const clone = expectedClone(names, user);
          const versions = this.versions(engine.secretValue(user, initial, { masterarn: this.masterArn }), password);
          const secrets = () => [initial, engine.master().password, ...versions.generated];
          const logStart = logLines.length;
          try {
            await alternating.createWithPrivileges(user, initial, setup);
            const sourcePrivileges = await alternating.privileges(user);
            const before = await engine.snapshot({ ignoreUsers: [clone] });

            const first = await this.checked(secrets, () => versions.rotate(retried));
            expect(first.username).toBe(clone);
            expect(names.measure(clone)).toBeLessThanOrEqual(names.max);
            expect(await engine.tryLogin(clone, String(first.password))).toBe('ok');
            expect(await engine.tryLogin(user, initial)).toBe('ok');
            await alternating.expectClonePrivileges(user, clone, sourcePrivileges);
            expect(await alternating.privileges(user)).toEqual(sourcePrivileges);
            const afterFirst = await engine.snapshot({ ignoreUsers: [clone] });
            expect(snapshotDiff(before, afterFirst)).toEqual({ added: [], removed: [] });

            // Back to the first user (a cut clone name does not map back by stripping `_clone`: AWSPREVIOUS says).
            const beforeSecond = await engine.snapshot({ passwordChanges: [user] });
            const second = await this.checked(secrets, () => versions.rotate(!retried));
            expect(second.username).toBe(user);
            expect(await engine.tryLogin(user, String(second.password))).toBe('ok');
            expect(await engine.tryLogin(user, initial)).toBe(engine.refused);
            expect(await engine.tryLogin(clone, String(first.password))).toBe('ok');
            expect(await alternating.privileges(user)).toEqual(sourcePrivileges);
            const afterSecond = await engine.snapshot({ passwordChanges: [user] });
            expect(snapshotDiff(beforeSecond, afterSecond)).toEqual({ added: [], removed: [] });
            expect(logLines.length).toBeGreaterThan(logStart);
            this.expectNoPassword(logLines.slice(logStart), secrets());
          } finally {
            await engine.dropUsers(clone, user);
          }
        },
      ),
      { numRuns: RUNS, ...FC_PARAMS },
    );
  }

  private async refusedLogins(): Promise<void> {
    const { engine, logLines } = this;
    await fc.assert(
      fc.asyncProperty(this.usernames, anyPassword, anyPassword, async (user, initial, wrong) => {
        fc.pre(wrong !== initial);
        await engine.createUser(user, initial, false);
        const logStart = logLines.length;
        try {
          // setSecret when neither the current nor the pending password logs in.
          const stale = this.versions(engine.secretValue(user, wrong), { kind: 'fixed', value: `${wrong}!2` });
          stale.pending = engine.secretValue(user, `${wrong}!2`);
          const applyError = await engine.strategy.applyCredential(stale.context('setSecret')).catch((e: unknown) => e);
          expect(applyError).toBeInstanceOf(ApplyFailedError);
          expect((applyError as Error).message).toContain(user);
          // testSecret with a pending password that does not log in.
          const verifyError = await engine.strategy
            .verifyCredential(stale.context('testSecret'))
            .catch((e: unknown) => e);
          expect(verifyError).toBeInstanceOf(VerificationFailedError);
          // alternating users with a master whose password is wrong: the master's password must not leak either.
          const badMaster = this.versions(engine.secretValue(user, initial, { masterarn: this.masterArn }), {
            kind: 'fixed',
            value: wrong,
          });
          const withWrongMaster: RotationContext = {
            ...badMaster.context('setSecret'),
            otherSecret: async () => ({
              versionId: 'm',
              secretString: JSON.stringify({ username: engine.master().username, password: `${wrong}#m` }),
            }),
          };
          badMaster.pending = engine.secretValue(expectedClone(engine.names, user), wrong, {
            masterarn: this.masterArn,
          });
          const masterError = await engine.strategy.applyCredential(withWrongMaster).catch((e: unknown) => e);
          expect(masterError).toBeInstanceOf(ApplyFailedError);
          expect(await engine.tryLogin(user, initial)).toBe('ok');
          const texts = [applyError, verifyError, masterError].map((e) => `${String(e)} ${(e as Error).stack}`);
          this.expectNoPassword([...texts, ...logLines.slice(logStart)], [initial, wrong, `${wrong}!2`, `${wrong}#m`]);
        } finally {
          await engine.dropUsers(user);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2), ...FC_PARAMS },
    );
  }
}
