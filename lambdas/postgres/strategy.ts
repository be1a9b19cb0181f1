import { ApplyFailedError, ConfigurationError, VerificationFailedError } from '../core/errors';
import type { RotationContext, RotationStrategy } from '../core/strategy';
import { alterRolePasswordSql } from './alter-role';
import { type ConnectOptions, describeError, type LoginResult, loadCa, login, withClient } from './connect';
import { type PostgresSecret, parsePostgresSecret, withPassword } from './db-secret';

/**
 * PostgreSQL (RDS, Aurora or self-managed), single user: the secret's own user changes its password. The
 * secret is AWS's documented RDS format; see docs/postgres.md.
 *
 * - createSecret: a new password from the secret's password settings; every other field is kept.
 * - setSecret: nothing to do if the pending password already logs in (a retried step). Otherwise it logs in
 *   with AWSCURRENT, else AWSPREVIOUS (a rotation whose finishSecret never ran), and runs ALTER ROLE. It refuses
 *   a pending version whose username or host differs from the version it logs in with.
 * - testSecret: logs in with the pending secret and runs `SELECT 1`.
 */
export class PostgresSingleUserStrategy implements RotationStrategy {
  readonly type = 'postgres';

  async createCredential(ctx: RotationContext): Promise<string> {
    const current = this.parse(ctx, (await ctx.current()).secretString, 'AWSCURRENT');
    const password = ctx.generatePassword();
    ctx.registerSecret(password);
    return withPassword(current, password);
  }

  async applyCredential(ctx: RotationContext): Promise<void> {
    const current = this.parse(ctx, (await ctx.current()).secretString, 'AWSCURRENT');
    const pending = this.parse(ctx, (await ctx.pending()).secretString, 'AWSPENDING');
    sameTarget(ctx, pending, current, 'AWSCURRENT');
    const options = this.connectOptions(ctx);
    const reasons: string[] = [];

    const asPending = await login(pending, options);
    if (asPending.client !== undefined) {
      await asPending.client.end().catch(() => undefined);
      ctx.logger.info('the AWSPENDING password already logs in; nothing to set', { user: pending.username });
      return;
    }
    reasons.push(`AWSPENDING: ${asPending.reason}`);

    let session: LoginResult = await login(current, options);
    if (session.client === undefined) {
      reasons.push(`AWSCURRENT: ${session.reason}`);
      const previous = await this.previous(ctx);
      if (previous !== undefined) {
        sameTarget(ctx, pending, previous, 'AWSPREVIOUS');
        // As AWS does: the previous password, with the current TLS choice.
        session = await login({ ...previous, ssl: current.ssl }, options);
        if (session.client === undefined) reasons.push(`AWSPREVIOUS: ${session.reason}`);
      }
    }
    if (session.client === undefined) {
      throw new ApplyFailedError(
        `setSecret for secret ${ctx.secretName}: cannot log into PostgreSQL at ${current.host}:${current.port} as ` +
          `${current.username} with the pending, current or previous password (${reasons.join('; ')})`,
        { secretId: ctx.secretName },
      );
    }
    await withClient(session.client, async (client) => {
      try {
        await client.query(alterRolePasswordSql(pending.username, pending.password));
      } catch (error) {
        throw new ApplyFailedError(
          `setSecret for secret ${ctx.secretName}: ALTER ROLE for ${pending.username} failed: ${describeError(error)}`,
          { secretId: ctx.secretName },
        );
      }
    });
    ctx.logger.info('set the new password in PostgreSQL', { user: pending.username, host: pending.host });
  }

  async verifyCredential(ctx: RotationContext): Promise<void> {
    const pending = this.parse(ctx, (await ctx.pending()).secretString, 'AWSPENDING');
    const session = await login(pending, this.connectOptions(ctx));
    if (session.client === undefined) {
      throw new VerificationFailedError(
        `testSecret for secret ${ctx.secretName}: cannot log into PostgreSQL at ${pending.host}:${pending.port} as ` +
          `${pending.username} with the pending password (${session.reason})`,
        { secretId: ctx.secretName },
      );
    }
    await withClient(session.client, async (client) => {
      try {
        await client.query('SELECT 1');
      } catch (error) {
        throw new VerificationFailedError(
          `testSecret for secret ${ctx.secretName}: SELECT 1 as ${pending.username} failed: ${describeError(error)}`,
          { secretId: ctx.secretName },
        );
      }
    });
  }

  private parse(ctx: RotationContext, secretString: string, stage: string): PostgresSecret {
    requireSingleUser(ctx);
    const secret = parsePostgresSecret(secretString, ctx.secretName, stage);
    ctx.registerSecret(secret.password);
    return secret;
  }

  /** AWSPREVIOUS, or undefined when there is none or it is not a PostgreSQL secret (then it cannot help). */
  private async previous(ctx: RotationContext): Promise<PostgresSecret | undefined> {
    const version = await ctx.previous();
    if (version === undefined) return undefined;
    try {
      return this.parse(ctx, version.secretString, 'AWSPREVIOUS');
    } catch (error) {
      ctx.logger.warn('AWSPREVIOUS is not a usable PostgreSQL secret; not trying it', {
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  private connectOptions(ctx: RotationContext): ConnectOptions {
    return { ca: loadCa(ctx.settings.string('ca-file', 'DB_CA_FILE'), ctx.secretName), logger: ctx.logger };
  }
}

/** Single user: the pending version must name the same user on the same host as the one we log in with. */
function sameTarget(ctx: RotationContext, pending: PostgresSecret, other: PostgresSecret, stage: string): void {
  if (pending.username !== other.username || pending.host !== other.host) {
    throw new ApplyFailedError(
      `setSecret for secret ${ctx.secretName}: AWSPENDING is for user ${pending.username} on ${pending.host} but ` +
        `${stage} is for user ${other.username} on ${other.host}; single-user rotation changes only its own user`,
      { secretId: ctx.secretName },
    );
  }
}

/** The config accepts `rotation:strategy=alternating-users` for databases; this function does not do it yet. */
function requireSingleUser(ctx: RotationContext): void {
  const strategy = ctx.settings.string('strategy', 'ROTATION_STRATEGY') ?? 'single-user';
  if (strategy !== 'single-user') {
    throw new ConfigurationError(
      `secret ${ctx.secretName} tag rotation:strategy must be single-user (alternating users is not built yet), ` +
        `got "${strategy}"`,
      { secretId: ctx.secretName },
    );
  }
}
