// Original file: proto/nudge/v1/nudge.proto

import type { Calibration as _nudge_v1_Calibration, Calibration__Output as _nudge_v1_Calibration__Output } from '../../nudge/v1/Calibration';
import type { Long } from '@grpc/proto-loader';

export interface OfferStats {
  'offerId'?: (string);
  'impressions'?: (number | string | Long);
  'rewards'?: (number | string);
  /**
   * Posterior mean and 95% credible interval.
   */
  'mean'?: (number | string);
  'ciLow'?: (number | string);
  'ciHigh'?: (number | string);
  /**
   * Probability of being the best offer.
   */
  'pBest'?: (number | string);
  /**
   * Mean of (reward - predicted probability) over applied outcomes.
   */
  'meanDelta'?: (number | string);
  'outcomes'?: (number | string | Long);
  /**
   * Expected loss of choosing this offer: E[max_j theta_j - theta_i] under the posteriors (reward
   * rate given up, on average, if this offer is not the best).
   */
  'expectedLoss'?: (number | string);
  /**
   * Predicted probability against observed reward rate, over this offer's outcomes in the
   * calibration window (CampaignStats.calibration_window_ms).
   */
  'calibration'?: (_nudge_v1_Calibration | null);
}

export interface OfferStats__Output {
  'offerId': (string);
  'impressions': (number);
  'rewards': (number);
  /**
   * Posterior mean and 95% credible interval.
   */
  'mean': (number);
  'ciLow': (number);
  'ciHigh': (number);
  /**
   * Probability of being the best offer.
   */
  'pBest': (number);
  /**
   * Mean of (reward - predicted probability) over applied outcomes.
   */
  'meanDelta': (number);
  'outcomes': (number);
  /**
   * Expected loss of choosing this offer: E[max_j theta_j - theta_i] under the posteriors (reward
   * rate given up, on average, if this offer is not the best).
   */
  'expectedLoss': (number);
  /**
   * Predicted probability against observed reward rate, over this offer's outcomes in the
   * calibration window (CampaignStats.calibration_window_ms).
   */
  'calibration': (_nudge_v1_Calibration__Output | null);
}
