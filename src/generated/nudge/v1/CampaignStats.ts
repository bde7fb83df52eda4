// Original file: proto/nudge/v1/nudge.proto

import type { OfferStats as _nudge_v1_OfferStats, OfferStats__Output as _nudge_v1_OfferStats__Output } from '../../nudge/v1/OfferStats';
import type { GroupStats as _nudge_v1_GroupStats, GroupStats__Output as _nudge_v1_GroupStats__Output } from '../../nudge/v1/GroupStats';
import type { SrmCheck as _nudge_v1_SrmCheck, SrmCheck__Output as _nudge_v1_SrmCheck__Output } from '../../nudge/v1/SrmCheck';
import type { Calibration as _nudge_v1_Calibration, Calibration__Output as _nudge_v1_Calibration__Output } from '../../nudge/v1/Calibration';

export interface CampaignStats {
  'campaign'?: (string);
  'offers'?: (_nudge_v1_OfferStats)[];
  'control'?: (_nudge_v1_GroupStats | null);
  'treatment'?: (_nudge_v1_GroupStats | null);
  /**
   * treatment reward rate minus control reward rate.
   */
  'uplift'?: (number | string);
  /**
   * uplift / control reward rate (0 when the control rate is 0).
   */
  'relativeUplift'?: (number | string);
  /**
   * 95% interval of the uplift (difference of reward rates, normal approximation).
   */
  'upliftCiLow'?: (number | string);
  'upliftCiHigh'?: (number | string);
  /**
   * "better", "worse" or "inconclusive" (the interval spans 0, or a group has too few decisions).
   */
  'upliftVerdict'?: (string);
  /**
   * Sample ratio mismatch checks: the control group against control_share, and for `fixed` campaigns
   * the offers' impressions against their weights.
   */
  'srm'?: (_nudge_v1_SrmCheck)[];
  /**
   * Calibration over every offer's outcomes (treatment only: control decisions predict nothing).
   */
  'calibration'?: (_nudge_v1_Calibration | null);
}

export interface CampaignStats__Output {
  'campaign': (string);
  'offers': (_nudge_v1_OfferStats__Output)[];
  'control': (_nudge_v1_GroupStats__Output | null);
  'treatment': (_nudge_v1_GroupStats__Output | null);
  /**
   * treatment reward rate minus control reward rate.
   */
  'uplift': (number);
  /**
   * uplift / control reward rate (0 when the control rate is 0).
   */
  'relativeUplift': (number);
  /**
   * 95% interval of the uplift (difference of reward rates, normal approximation).
   */
  'upliftCiLow': (number);
  'upliftCiHigh': (number);
  /**
   * "better", "worse" or "inconclusive" (the interval spans 0, or a group has too few decisions).
   */
  'upliftVerdict': (string);
  /**
   * Sample ratio mismatch checks: the control group against control_share, and for `fixed` campaigns
   * the offers' impressions against their weights.
   */
  'srm': (_nudge_v1_SrmCheck__Output)[];
  /**
   * Calibration over every offer's outcomes (treatment only: control decisions predict nothing).
   */
  'calibration': (_nudge_v1_Calibration__Output | null);
}
