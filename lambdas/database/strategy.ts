import { ApplyFailedError, SecretFormatError, VerificationFailedError } from '../core/errors';
import type { PasswordOptions } from '../core/password';
import { redactText } from '../core/redaction';
import type { RotationContext, RotationStrategy } from '../core/strategy';
import { connectionMode, connectorFor, sweepLeftoverProbes } from './connectors';
import {
  type DatabaseSecret,
  type EngineSpec,
  parseDatabaseSecret,
  parseMasterSecret,
  withCredentials,
} from './db-secret';
import type { Connector, DatabaseDialect, DirectDriver, LoginAs, SqlSession } from './types';

/** An engine's parts: how to read its secrets, its SQL, and its driver for direct connections. */
export interface DatabaseEngine {
  /** Credential type name, as in the registry: 'postgres' or 'mysql'. */
  readonly type: string;
  readonly spec: EngineSpec;
  readonly dialect: DatabaseDialect;
  readonly driver: DirectDriver;
  /** Placeholder style and error texts over the Data API. */
  readonly dataApiEngine: 'postgres' | 'mysql';
  /** Characters left out of generated passwords unless the secret's settings say otherwise. */
  readonly defaultExcludeCharacters: string;
}

export type UserStrategy = 'single-user' | 'alternating-users';

/**
 * Database passwords in AWS's RDS secret format, for PostgreSQL and MySQL/MariaDB, over a direct connection or the RDS
 * Data API (see docs/postgres.md, docs/mysql.md, docs/data-api.md).
 *
 * Single user (no `masterarn`): the user changes its own password.
 * - createSecret: a new password; every other field kept.
 * - setSecret: log in with AWSCURRENT and change the password. If AWSCURRENT is refused: nothing to do when the pending
 *   password logs in (a retried step), else log in with AWSPREVIOUS (a rotation whose finishSecret never ran).
 * - testSecret: log in with AWSPENDING and run `SELECT 1`.
 *
 * Alternating users (`masterarn` set): two users, `<name>` and `<name>_clone`; each rotation gives the one that is not
 * AWSCURRENT a new password and switches to it, so the current user's password is never changed under a running
 * application.
 * - createSecret: the other user's name and a new password.
 * - setSecret: as the master (the AWSCURRENT value of `masterarn`), create the other user if missing (else set its
 *   password) and make its privileges identical to the current user's, on every rotation.
 * - testSecret: log in as the pending user.
 */
export class DatabaseRotationStrategy implements RotationStrategy {
  readonly type: string;
  readonly passwordDefaults: Partial<PasswordOptions>;

  constructor(
    private readonly engine: DatabaseEngine,
    private readonly connect: (
      ctx: RotationContext,
      secret: DatabaseSecret,
      engine: DatabaseEngine,
    ) => Connector = connectorFor,
  ) {
    this.type = engine.type;
    this.passwordDefaults = { excludeCharacters: engine.defaultExcludeCharacters };
  }

  async createCredential(ctx: RotationContext): Promise<string> {
    const current = this.parse(ctx, (await ctx.current()).secretString, 'AWSCURRENT');
    const strategy = this.userStrategy(ctx, current);
    const username = strategy === 'single-user' ? current.username : await this.otherUser(ctx, current);
    const password = ctx.generatePassword();
    ctx.registerSecret(password);
    return withCredentials(current, username, password);
  }

  async applyCredential(ctx: RotationContext): Promise<void> {
    const current = this.parse(ctx, (await ctx.current()).secretString, 'AWSCURRENT');
    const pending = this.parse(ctx, (await ctx.pending()).secretString, 'AWSPENDING');
    const connector = this.connect(ctx, current, this.engine);
    if (this.userStrategy(ctx, current) === 'single-user') {
      await this.applySingleUser(ctx, connector, current, pending);
    } else {
      await this.applyAlternating(ctx, connector, current, pending);
    }
  }

  async verifyCredential(ctx: RotationContext): Promise<void> {
    const pending = this.parse(ctx, (await ctx.pending()).secretString, 'AWSPENDING');
    const connector = this.connect(ctx, pending, this.engine);
    const result = await connector.login({ secret: pending, secretArn: ctx.secretArn, stage: 'AWSPENDING' });
    if (result.session === undefined) {
      throw new VerificationFailedError(
        `testSecret for secret ${ctx.secretName}: cannot log into ${this.engine.spec.name} at ${where(pending)} as ` +
          `${pending.username} with the pending password over ${connector.mode} (${result.reason})`,
        { secretId: ctx.secretName },
      );
    }
    await using(result.session, async (session) => {
      try {
        await session.query('SELECT 1');
      } catch (error) {
        throw new VerificationFailedError(
          `testSecret for secret ${ctx.secretName}: SELECT 1 as ${pending.username} failed: ${describe(error)}`,
          { secretId: ctx.secretName },
        );
      }
    });
    ctx.logger.info('the pending password logs in', { user: pending.username, mode: connector.mode });
  }

  /**
   * finishSecret: nothing to revoke (single user: the old password stopped working at setSecret; alternating users:
   * the previous user keeps its password until the next rotation, which is the point). Over the Data API, deletes
   * probe secrets that a crashed invocation left behind.
   */
  async revokePrevious(ctx: RotationContext): Promise<void> {
    if (connectionMode(ctx) === 'data-api') await sweepLeftoverProbes(ctx);
  }

  private async applySingleUser(
    ctx: RotationContext,
    connector: Connector,
    current: DatabaseSecret,
    pending: DatabaseSecret,
  ): Promise<void> {
    sameTarget(ctx, pending, current, 'AWSCURRENT', true);
    const previous = await this.previous(ctx);
    if (previous !== undefined) {
      sameTarget(ctx, pending, previous, 'AWSPREVIOUS', true);
    }
    // AWSCURRENT first: in a normal rotation it is the login that works, and every refused login costs a password
    // hash on both sides (and a probe secret over the Data API). A retried setSecret finds AWSCURRENT refused and
    // AWSPENDING accepted: then there is nothing to set.
    const attempts: LoginAs[] = [
      { secret: current, secretArn: ctx.secretArn, stage: 'AWSCURRENT' },
      { secret: pending, secretArn: ctx.secretArn, stage: 'AWSPENDING' },
    ];
    // As AWS's functions do: the previous password, with the current TLS choice.
    if (previous !== undefined) {
      attempts.push({ secret: { ...previous, ssl: current.ssl }, secretArn: ctx.secretArn, stage: 'AWSPREVIOUS' });
    }
    const reasons: string[] = [];
    for (const attempt of attempts) {
      const result = await connector.login(attempt);
      if (result.session === undefined) {
        reasons.push(`${attempt.stage}: ${result.reason}`);
        continue;
      }
      if (attempt.stage === 'AWSPENDING') {
        await result.session.close();
        ctx.logger.info('the AWSPENDING password already logs in; nothing to set', { user: pending.username });
        return;
      }
      await using(result.session, async (session) => {
        try {
          await this.engine.dialect.setOwnPassword(session, pending.password);
        } catch (error) {
          throw new ApplyFailedError(
            `setSecret for secret ${ctx.secretName}: changing the password of ${pending.username} (logged in with ` +
              `${attempt.stage}) failed: ${describe(error)}`,
            { secretId: ctx.secretName },
          );
        }
      });
      ctx.logger.info('set the new password', { user: pending.username, via: attempt.stage, mode: connector.mode });
      return;
    }
    throw new ApplyFailedError(
      `setSecret for secret ${ctx.secretName}: cannot log into ${this.engine.spec.name} at ${where(current)} as ` +
        `${current.username} with the pending, current or previous password over ${connector.mode} ` +
        `(${reasons.join('; ')})`,
      { secretId: ctx.secretName },
    );
  }

  private async applyAlternating(
    ctx: RotationContext,
    connector: Connector,
    current: DatabaseSecret,
    pending: DatabaseSecret,
  ): Promise<void> {
    sameTarget(ctx, pending, current, 'AWSCURRENT', false);
    if (pending.username === current.username) {
      throw new ApplyFailedError(
        `setSecret for secret ${ctx.secretName}: AWSPENDING is for user ${pending.username}, the AWSCURRENT user; ` +
          'alternating-users rotation sets the other user. Cancel this rotation (aws secretsmanager ' +
          'cancel-rotate-secret) and rotate again',
        { secretId: ctx.secretName },
      );
    }
    const masterArn = current.masterarn as string;
    const masterValue = await ctx.otherSecret(masterArn);
    const master = parseMasterSecret(this.engine.spec, masterValue.secretString, masterArn, current, ctx.secretName);
    ctx.registerSecret(master.password);
    const result = await connector.login({ secret: master, secretArn: masterArn, stage: 'AWSCURRENT' });
    if (result.session === undefined) {
      throw new ApplyFailedError(
        `setSecret for secret ${ctx.secretName}: cannot log into ${this.engine.spec.name} at ${where(current)} as the ` +
          `master user ${master.username} (secret ${masterArn}) over ${connector.mode} (${result.reason})`,
        { secretId: ctx.secretName },
      );
    }
    const { dialect } = this.engine;
    await using(result.session, async (admin) => {
      let step = `creating or updating user ${pending.username}`;
      try {
        const outcome = await admin.transaction(async (tx) => {
          const upsert = await dialect.upsertUser(tx, pending.username, pending.password, current.username);
          step = `copying the privileges of ${current.username} to ${pending.username}`;
          const sync = await dialect.syncPrivileges(tx, current.username, pending.username, ctx.logger);
          return { upsert, ...sync };
        });
        ctx.logger.info('set the other user of the pair', {
          user: pending.username,
          from: current.username,
          user_was: outcome.upsert,
          granted: outcome.granted,
          revoked: outcome.revoked,
          mode: connector.mode,
        });
      } catch (error) {
        if (error instanceof ApplyFailedError) throw error;
        throw new ApplyFailedError(
          `setSecret for secret ${ctx.secretName}: ${step} as ${master.username} failed: ${describe(error)}`,
          { secretId: ctx.secretName },
        );
      }
    });
  }

  /** The other user of the pair. A cut `_clone` name maps back to the name in AWSPREVIOUS when there is one. */
  private async otherUser(ctx: RotationContext, current: DatabaseSecret): Promise<string> {
    const previous = await this.previous(ctx);
    if (
      previous !== undefined &&
      previous.username !== current.username &&
      this.engine.dialect.cloneUsername(previous.username, current.engine) === current.username
    ) {
      return previous.username;
    }
    return this.engine.dialect.cloneUsername(current.username, current.engine);
  }

  private userStrategy(ctx: RotationContext, current: DatabaseSecret): UserStrategy {
    const chosen = ctx.settings.oneOf<UserStrategy>(
      'strategy',
      'ROTATION_STRATEGY',
      ['single-user', 'alternating-users'],
      current.masterarn === undefined ? 'single-user' : 'alternating-users',
    );
    if (chosen === 'alternating-users' && current.masterarn === undefined) {
      throw new SecretFormatError(
        `secret ${ctx.secretName} (AWSCURRENT) field "masterarn" must be the ARN of the master secret for ` +
          'alternating-users rotation (tag rotation:strategy), got no such field',
        { secretId: ctx.secretName },
      );
    }
    return chosen;
  }

  private parse(ctx: RotationContext, secretString: string, stage: string): DatabaseSecret {
    const secret = parseDatabaseSecret(this.engine.spec, secretString, ctx.secretName, stage);
    ctx.registerSecret(secret.password);
    return secret;
  }

  /** AWSPREVIOUS, or undefined when there is none or it is not a usable secret (then it cannot help). */
  private async previous(ctx: RotationContext): Promise<DatabaseSecret | undefined> {
    const version = await ctx.previous();
    if (version === undefined) return undefined;
    try {
      return this.parse(ctx, version.secretString, 'AWSPREVIOUS');
    } catch (error) {
      ctx.logger.warn('AWSPREVIOUS is not a usable database secret; not using it', {
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }
}

function where(secret: DatabaseSecret): string {
  return `${secret.host}:${secret.port}`;
}

/** The pending version must be on the same host (single user: and for the same user) as `other`. */
function sameTarget(
  ctx: RotationContext,
  pending: DatabaseSecret,
  other: DatabaseSecret,
  stage: string,
  singleUser: boolean,
): void {
  if ((singleUser && pending.username !== other.username) || pending.host !== other.host) {
    const why = singleUser
      ? 'single-user rotation changes only its own user'
      : 'both users of an alternating pair live on one database';
    throw new ApplyFailedError(
      `setSecret for secret ${ctx.secretName}: AWSPENDING is for user ${pending.username} on ${pending.host} but ` +
        `${stage} is for user ${other.username} on ${other.host}; ${why}`,
      { secretId: ctx.secretName },
    );
  }
}

/** A driver or Data API error as one redacted line. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return redactText(String(error));
  const code = (error as { code?: unknown }).code;
  const name = error.name !== 'Error' ? `${error.name}: ` : '';
  return redactText(typeof code === 'string' ? `${name}${error.message} (${code})` : `${name}${error.message}`);
}

async function using<T>(session: SqlSession, work: (session: SqlSession) => Promise<T>): Promise<T> {
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
