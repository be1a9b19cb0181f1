/**
 * AWS Secrets Manager's per-account, per-Region request quotas (AWS-BEHAVIOUR.md section 7), enforced with
 * token buckets on real time (not the emulator clock: advancing the clock must not refill buckets).
 * Operations in one group share one bucket, e.g. the 50-TPS write bucket of PutSecretValue, UpdateSecret
 * and UpdateSecretVersionStage.
 */
export const SECRETS_MANAGER_QUOTAS: ReadonlyArray<{ readonly rate: number; readonly operations: readonly string[] }> =
  [
    { rate: 10_000, operations: ['GetSecretValue'] },
    { rate: 40_000, operations: ['DescribeSecret'] },
    {
      rate: 50,
      operations: [
        'PutSecretValue',
        'UpdateSecret',
        'UpdateSecretVersionStage',
        'RemoveRegionsFromReplication',
        'ReplicateSecretToRegions',
        'StopReplicationToReplica',
      ],
    },
    { rate: 50, operations: ['RotateSecret', 'CancelRotateSecret'] },
    { rate: 50, operations: ['GetRandomPassword'] },
    { rate: 50, operations: ['CreateSecret'] },
    { rate: 50, operations: ['DeleteSecret'] },
    { rate: 50, operations: ['RestoreSecret'] },
    { rate: 50, operations: ['TagResource', 'UntagResource'] },
    {
      rate: 50,
      operations: ['GetResourcePolicy', 'PutResourcePolicy', 'DeleteResourcePolicy', 'ValidateResourcePolicy'],
    },
    { rate: 100, operations: ['ListSecrets'] },
    { rate: 50, operations: ['ListSecretVersionIds'] },
    { rate: 100, operations: ['BatchGetSecretValue'] },
  ];

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    now: number,
  ) {
    this.tokens = rate;
    this.last = now;
  }

  /** Takes one token if there is one; a bucket holds at most one second's worth (no longer bursts). */
  take(now: number): boolean {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Decides whether a call is within its quota. Disabled by default, as most tests want unlimited rates. */
export class QuotaEnforcer {
  private enabled = false;
  private buckets = new Map<string, TokenBucket>();
  private readonly bucketOf = new Map<string, { key: string; rate: number }>();

  constructor(private readonly realNow: () => number = Date.now) {
    SECRETS_MANAGER_QUOTAS.forEach((group, index) => {
      for (const operation of group.operations) {
        this.bucketOf.set(`secretsmanager:${operation}`, { key: `secretsmanager#${index}`, rate: group.rate });
      }
    });
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turns enforcement on or off; turning it on starts with full buckets. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.buckets = new Map();
  }

  /** True if the call may proceed; false means answer ThrottlingException "Rate exceeded". */
  allow(service: string, operation: string): boolean {
    if (!this.enabled) return true;
    const quota = this.bucketOf.get(`${service}:${operation}`);
    if (quota === undefined) return true;
    const now = this.realNow();
    let bucket = this.buckets.get(quota.key);
    if (bucket === undefined) {
      bucket = new TokenBucket(quota.rate, now);
      this.buckets.set(quota.key, bucket);
    }
    return bucket.take(now);
  }
}
