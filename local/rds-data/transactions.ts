import { randomBytes } from 'node:crypto';
import type { DbSession } from './engine';
import { dataApiError } from './errors';

/**
 * AWS: "A transaction times out if there are no calls that use its transaction ID in three minutes. If a
 * transaction times out before it's committed, it's rolled back automatically."
 */
const IDLE_TIMEOUT_MS = 3 * 60_000;

interface Transaction {
  readonly resourceArn: string;
  readonly session: DbSession;
  /** Secrets to mask in this transaction's database messages (the login password). */
  readonly secrets: readonly string[];
  /** Calls on one transaction run one after another, as on one JDBC connection. */
  tail: Promise<unknown>;
  timer: NodeJS.Timeout;
}

/** Open transactions, each on its own dedicated database connection. */
export class TransactionRegistry {
  private readonly open = new Map<string, Transaction>();

  constructor(private readonly idleTimeoutMs = IDLE_TIMEOUT_MS) {}

  /** Registers a session whose transaction is already started; returns its new id. */
  add(resourceArn: string, session: DbSession, secrets: readonly string[]): string {
    const id = randomBytes(48).toString('base64');
    const transaction: Transaction = {
      resourceArn,
      session,
      secrets,
      tail: Promise.resolve(),
      timer: this.idleTimer(id),
    };
    this.open.set(id, transaction);
    return id;
  }

  /** Secrets to redact from the transaction's messages. */
  secretsOf(id: string): readonly string[] {
    return this.open.get(id)?.secrets ?? [];
  }

  /** Runs `work` on the transaction's connection after its earlier calls; unknown ids and other clusters fail. */
  run<T>(id: string, resourceArn: string, work: (session: DbSession) => Promise<T>): Promise<T> {
    const transaction = this.open.get(id);
    if (transaction === undefined || transaction.resourceArn !== resourceArn) {
      return Promise.reject(dataApiError.transactionNotFound(id));
    }
    clearTimeout(transaction.timer);
    const result = transaction.tail.then(() => work(transaction.session));
    transaction.tail = result.catch(() => undefined);
    transaction.timer = this.idleTimer(id);
    return result;
  }

  /** Ends a transaction with COMMIT or ROLLBACK and closes its connection, whatever the outcome. */
  async end(id: string, resourceArn: string, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    try {
      await this.run(id, resourceArn, (session) => session.execute(statement, new Map(), RAW_OPTIONS));
    } finally {
      const transaction = this.open.get(id);
      if (transaction !== undefined && transaction.resourceArn === resourceArn) await this.discard(id);
    }
  }

  /** Rolls back (by closing) every open transaction. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.discard(id)));
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.discard(id), this.idleTimeoutMs);
    timer.unref();
    return timer;
  }

  /** Closing the connection makes the database roll back whatever the transaction left uncommitted. */
  private async discard(id: string): Promise<void> {
    const transaction = this.open.get(id);
    if (transaction === undefined) return;
    this.open.delete(id);
    clearTimeout(transaction.timer);
    await transaction.tail;
    await transaction.session.close();
  }
}

const RAW_OPTIONS = { decimalReturnType: 'STRING', longReturnType: 'LONG' } as const;
