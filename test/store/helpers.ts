import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CampaignConfig, OfferConfig } from '../../src/campaigns/types';
import { newDecisionId } from '../../src/decisions/id';
import type { DecisionRecord } from '../../src/store/types';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nudge-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function offer(id: string, priorAlpha = 1, priorBeta = 1): OfferConfig {
  return { id, attributes: {}, priorAlpha, priorBeta, value: 1, weight: 1, eligibility: null };
}

export function campaign(name: string, over: Partial<CampaignConfig> = {}): CampaignConfig {
  return {
    name,
    description: '',
    policy: 'thompson',
    policyParams: {},
    offers: [offer('a'), offer('b'), offer('c')],
    controlShare: 0,
    defaultOffer: 'a',
    rewardWaitMs: 0,
    defaultReward: 0,
    decay: { halfLife: 0, unit: 'events' },
    segmentBy: [],
    routing: [{ name: 'default', when: null, policy: 'thompson', params: {} }],
    fatigue: { maxPerOffer: 0, maxPerCampaign: 0, windowMs: 0, cooldownAfterIgnored: 0, cooldownMs: 0 },
    salt: 's',
    version: 1,
    ...over,
  };
}

export function decision(campaignName: string, offers: string[], over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id: newDecisionId(),
    ts: Date.now(),
    campaign: campaignName,
    customerId: 'cust-1',
    channel: 'web',
    segment: 'all',
    route: 'default',
    policy: 'thompson',
    configVersion: 1,
    modelVersion: '',
    control: false,
    offers: offers.map((offerId) => ({ offerId, score: 0.5, probability: 0.25, propensity: 1 / offers.length })),
    ...over,
  };
}

/** Offer counters without their calibration sums, for comparing the counts alone. */
export function withoutCalibration<T extends { calibration?: unknown }>(o: T): Omit<T, 'calibration'> {
  const { calibration: _calibration, ...rest } = o;
  return rest;
}
