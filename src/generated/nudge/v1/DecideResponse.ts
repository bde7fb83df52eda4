// Original file: proto/nudge/v1/nudge.proto

import type { ScoredOffer as _nudge_v1_ScoredOffer, ScoredOffer__Output as _nudge_v1_ScoredOffer__Output } from '../../nudge/v1/ScoredOffer';
import type { Long } from '@grpc/proto-loader';

export interface DecideResponse {
  /**
   * Unique and time-ordered.
   */
  'decisionId'?: (string);
  'offers'?: (_nudge_v1_ScoredOffer)[];
  'policy'?: (string);
  /**
   * The customer is in the control group and got the campaign's default offer.
   */
  'control'?: (boolean);
  'route'?: (string);
  'segment'?: (string);
  /**
   * Campaign configuration version the decision was made with.
   */
  'configVersion'?: (number | string | Long);
  'modelVersion'?: (string);
}

export interface DecideResponse__Output {
  /**
   * Unique and time-ordered.
   */
  'decisionId': (string);
  'offers': (_nudge_v1_ScoredOffer__Output)[];
  'policy': (string);
  /**
   * The customer is in the control group and got the campaign's default offer.
   */
  'control': (boolean);
  'route': (string);
  'segment': (string);
  /**
   * Campaign configuration version the decision was made with.
   */
  'configVersion': (number);
  'modelVersion': (string);
}
