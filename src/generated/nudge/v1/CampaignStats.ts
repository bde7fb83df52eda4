// Original file: proto/nudge/v1/nudge.proto

import type { OfferStats as _nudge_v1_OfferStats, OfferStats__Output as _nudge_v1_OfferStats__Output } from '../../nudge/v1/OfferStats';
import type { GroupStats as _nudge_v1_GroupStats, GroupStats__Output as _nudge_v1_GroupStats__Output } from '../../nudge/v1/GroupStats';
import type { SrmCheck as _nudge_v1_SrmCheck, SrmCheck__Output as _nudge_v1_SrmCheck__Output } from '../../nudge/v1/SrmCheck';
import type { Calibration as _nudge_v1_Calibration, Calibration__Output as _nudge_v1_Calibration__Output } from '../../nudge/v1/Calibration';
import type { ModelCalibration as _nudge_v1_ModelCalibration, ModelCalibration__Output as _nudge_v1_ModelCalibration__Output } from '../../nudge/v1/ModelCalibration';
import type { FeatureDrift as _nudge_v1_FeatureDrift, FeatureDrift__Output as _nudge_v1_FeatureDrift__Output } from '../../nudge/v1/FeatureDrift';
import type { Long } from '@grpc/proto-loader';

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
   * Calibration over every offer's outcomes in the window (treatment only: control decisions
   * predict nothing). Campaign-wide even when a segment is asked for.
   */
  'calibration'?: (_nudge_v1_Calibration | null);
  /**
   * The window calibration covers, ms.
   */
  'calibrationWindowMs'?: (number | string | Long);
  /**
   * Calibration per model version of the decisions ("" = the offers' priors, no model).
   */
  'modelCalibration'?: (_nudge_v1_ModelCalibration)[];
  /**
   * Population stability index per campaign feature: the loaded feature snapshot (reference)
   * against the features of this process's recent decisions.
   */
  'drift'?: (_nudge_v1_FeatureDrift)[];
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
   * Calibration over every offer's outcomes in the window (treatment only: control decisions
   * predict nothing). Campaign-wide even when a segment is asked for.
   */
  'calibration': (_nudge_v1_Calibration__Output | null);
  /**
   * The window calibration covers, ms.
   */
  'calibrationWindowMs': (number);
  /**
   * Calibration per model version of the decisions ("" = the offers' priors, no model).
   */
  'modelCalibration': (_nudge_v1_ModelCalibration__Output)[];
  /**
   * Population stability index per campaign feature: the loaded feature snapshot (reference)
   * against the features of this process's recent decisions.
   */
  'drift': (_nudge_v1_FeatureDrift__Output)[];
}
