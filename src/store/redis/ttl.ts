/**
 * How long Redis keeps a decision's join record and its idempotency marks. Outcomes can arrive until
 * the reward wait has passed, so a record lives until its default reward was applied plus the grace
 * period (the sweeper shortens it then, see RedisLearning.sweep); the bound below only applies to
 * records no sweeper reached (every replica down, or the campaign deleted), so that a long outage
 * delays default rewards instead of losing them. Campaigns without a reward wait keep records for
 * decisionTtlMs.
 */
export function joinExpiresAt(ts: number, rewardWaitMs: number, decisionTtlMs: number): number {
  return ts + (rewardWaitMs > 0 ? rewardWaitMs : 0) + decisionTtlMs;
}
