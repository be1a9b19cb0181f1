import type { SecretConfig } from './config/schema';

/**
 * Characters one secret adds to its shard's role policy and failure-event pattern: its name plus the ARN
 * around it. EventBridge patterns are the tighter limit (4,096 characters), so shards stop at
 * `SHARD_CHARACTER_BUDGET`, which leaves room for the rest of the pattern.
 */
export function secretFootprint(secret: SecretConfig): number {
  return (secret.name ?? secret.arn ?? '').length + 80;
}

export const SHARD_CHARACTER_BUDGET = 3300;

/**
 * Splits secrets into shards in config order: a new shard starts when the current one holds `maxPerShard`
 * secrets or its footprint would pass the budget. Config order keeps a secret in its shard when others are
 * appended, so adding secrets at the end never moves (and so never replaces) existing ones.
 */
export function planShards(secrets: readonly SecretConfig[], maxPerShard: number): SecretConfig[][] {
  const shards: SecretConfig[][] = [];
  let current: SecretConfig[] = [];
  let used = 0;
  for (const secret of secrets) {
    const footprint = secretFootprint(secret);
    if (current.length > 0 && (current.length >= maxPerShard || used + footprint > SHARD_CHARACTER_BUDGET)) {
      shards.push(current);
      current = [];
      used = 0;
    }
    current.push(secret);
    used += footprint;
  }
  if (current.length > 0) shards.push(current);
  return shards;
}
