/**
 * What the database strategies (single-user, alternating-users) need from an engine (PostgreSQL, MySQL/MariaDB)
 * and from a way to reach it (a direct TLS connection, or the RDS Data API). The strategies are written once
 * against these interfaces; `lambdas/postgres` and `lambdas/mysql` supply the engine parts.
 */
import type { Logger } from '../core/logger';
import type { DatabaseSecret } from './db-secret';

/** A value bound to a statement parameter. */
export type SqlValue = string | number | boolean | null;

/** One result row, by column name. */
export type SqlRow = Readonly<Record<string, unknown>>;

/**
 * A logged-in session. Over a direct connection it is one connection; over the Data API it is a login bound to
 * one secret ARN (each statement is its own Data API call).
 */
export interface SqlSession {
  /** Which user this session is logged in as (the secret's `username`). */
  readonly username: string;
  /**
   * Runs one statement. Parameters are positional, written in the engine's own style: `$1, $2 ...` for
   * PostgreSQL, `?` for MySQL. Never splice user input into `sql`: bind it, or quote it with the dialect.
   * Result columns should be plain scalars (cast to text, boolean or int4 in the SQL) so that both transports return
   * the same JavaScript values (pg returns int8 as a string; the Data API's JSON records return numbers).
   * Rejects with the driver's error (callers describe it with `describeDbError`, which redacts).
   */
  query(sql: string, params?: readonly SqlValue[]): Promise<readonly SqlRow[]>;
  /**
   * Runs `work` in one transaction: BEGIN / COMMIT / ROLLBACK on a direct connection, BeginTransaction /
   * CommitTransaction / RollbackTransaction over the Data API (where a plain `BEGIN` statement would not span calls).
   * Rolls back and rethrows when `work` throws. (MySQL commits implicitly after CREATE USER / GRANT: there it only
   * groups statements.)
   */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Closes the connection (direct) or deletes the temporary probe secret (Data API). Never throws. */
  close(): Promise<void>;
}

/** A login attempt: a session, or why it failed (one line, redacted, no password). */
export type LoginResult =
  | { readonly session: SqlSession; readonly reason?: undefined }
  | {
      readonly session?: undefined;
      readonly reason: string;
      /** True when the server refused the user name / password (as opposed to a network, TLS or server error). */
      readonly authFailure: boolean;
    };

/** Which version of which secret a login uses. The Data API needs to know; a direct connection only needs `secret`. */
export interface LoginAs {
  /** The parsed value to log in with. */
  readonly secret: DatabaseSecret;
  /** The ARN of the secret that holds `secret`. */
  readonly secretArn: string;
  /** Which version of that secret `secret` is. 'AWSCURRENT' of `secretArn` is what the Data API can use directly. */
  readonly stage: 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';
}

/** A way to reach the database: direct (pg / mysql2 with verified TLS) or the RDS Data API. */
export interface Connector {
  /** 'direct' or 'data-api', for logs and messages. */
  readonly mode: 'direct' | 'data-api';
  /** Logs in. Never throws for a refused or failed login: returns the reason instead. */
  login(as: LoginAs): Promise<LoginResult>;
}

/** TLS settings for a direct connection. `false` only when the secret says `"ssl": false`. */
export interface TlsTrust {
  /** PEM certificates to trust: the shipped Amazon RDS CA bundle, Node's roots and the configured extra CA file. */
  readonly ca: string;
}

/** Opens a direct connection with an engine's driver (`pg` or `mysql2`). */
export interface DirectDriver {
  connect(target: DirectTarget, tls: TlsTrust | false): Promise<LoginResult>;
}

export interface DirectTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Database to connect to; undefined means none (MySQL) or the engine's default. */
  readonly dbname: string | undefined;
}

/** The SQL an engine needs. Every method takes an open session; none of them logs a password. */
export interface DatabaseDialect {
  /**
   * The other user of an alternating pair: `<username>_clone`, shortened to fit the engine's limit for `engine` (the
   * secret's `engine` field: MySQL and MariaDB differ), or `<username>` without `_clone`.
   */
  cloneUsername(username: string, engine: string): string;
  /** Single-user: the session's own user changes its password. */
  setOwnPassword(session: SqlSession, password: string): Promise<void>;
  /**
   * Alternating users, as the master: creates `user` with `password` if it does not exist (for MySQL: on every host
   * that `like` exists on), otherwise sets its password. Idempotent.
   */
  upsertUser(admin: SqlSession, user: string, password: string, like: string): Promise<'created' | 'updated'>;
  /**
   * Alternating users, as the master: makes the privileges of `target` identical to those of `source` (grants what is
   * missing, revokes what is extra). Idempotent. Returns how many grants and revokes it ran.
   */
  syncPrivileges(
    admin: SqlSession,
    source: string,
    target: string,
    logger: Logger,
  ): Promise<{ readonly granted: number; readonly revoked: number }>;
  /** Whether `user` exists (on any host, for MySQL). */
  userExists(admin: SqlSession, user: string): Promise<boolean>;
}
