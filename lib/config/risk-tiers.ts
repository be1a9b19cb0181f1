import type { RiskTier } from './schema';

/**
 * Default schedule of each risk tier: the longest a credential of that tier may live. A secret that names a
 * tier and no schedule rotates on its tier's schedule; a secret that names both must rotate at least as often
 * as its tier requires.
 */
export const RISK_TIER_SCHEDULES: Readonly<Record<RiskTier, { readonly days: number; readonly schedule: string }>> = {
  high: { days: 30, schedule: 'rate(30 days)' },
  standard: { days: 90, schedule: 'rate(90 days)' },
  low: { days: 180, schedule: 'rate(180 days)' },
};

export const RISK_TIERS: readonly RiskTier[] = ['high', 'standard', 'low'];

/** Tier used when a secret names neither a schedule nor a tier (and the config's defaults name none). */
export const DEFAULT_RISK_TIER: RiskTier = 'standard';

/**
 * Default rotation window. rate() windows start at midnight UTC, so rotations run between 00:00 and 04:00 UTC;
 * AWS's own default (the rest of the day) would spread them over business hours.
 */
export const DEFAULT_WINDOW = '4h';
