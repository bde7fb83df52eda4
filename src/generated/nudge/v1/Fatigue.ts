// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface Fatigue {
  /**
   * At most this many impressions per customer per offer per window; 0 = no cap.
   */
  'maxPerOffer'?: (number);
  /**
   * At most this many impressions per customer for the campaign per window; 0 = no cap.
   */
  'maxPerCampaign'?: (number);
  'windowMs'?: (number | string | Long);
  /**
   * After this many ignored impressions in a row, the offer rests for cooldown_ms; 0 = never.
   */
  'cooldownAfterIgnored'?: (number);
  'cooldownMs'?: (number | string | Long);
}

export interface Fatigue__Output {
  /**
   * At most this many impressions per customer per offer per window; 0 = no cap.
   */
  'maxPerOffer': (number);
  /**
   * At most this many impressions per customer for the campaign per window; 0 = no cap.
   */
  'maxPerCampaign': (number);
  'windowMs': (number);
  /**
   * After this many ignored impressions in a row, the offer rests for cooldown_ms; 0 = never.
   */
  'cooldownAfterIgnored': (number);
  'cooldownMs': (number);
}
