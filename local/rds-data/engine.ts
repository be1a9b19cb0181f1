import type { ColumnMetadata, Field, ParameterValue, ResultSetOptions } from './wire-types';

/** Login for one database session, from the secret's AWSCURRENT value. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** What one statement produced, already in Data API shapes. */
export interface StatementResult {
  /** Present when the statement returned a result set (SELECT, ... RETURNING, SHOW). */
  readonly columns?: readonly ColumnMetadata[];
  readonly rows?: readonly (readonly Field[])[];
  readonly numberOfRecordsUpdated: number;
  /** MySQL auto-increment keys of an INSERT; PostgreSQL has none (use RETURNING). */
  readonly generatedFields?: readonly Field[];
}

/** One database connection of an engine. */
export interface DbSession {
  execute(
    sql: string,
    parameters: ReadonlyMap<string, ParameterValue>,
    options: ResultSetOptions,
  ): Promise<StatementResult>;
  close(): Promise<void>;
}

/**
 * Failures while connecting or running SQL, already sorted into what the Data API reports. The message is the
 * database's own (formatted like the service's) and not yet redacted.
 */
export class DbFailure extends Error {
  constructor(
    readonly kind: 'database' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'DbFailure';
  }
}
