// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface GetCampaignStatsRequest {
  'campaign'?: (string);
  /**
   * Segment to report; empty means all segments pooled.
   */
  'segment'?: (string);
  /**
   * Calibration window in ms (outcomes applied this recently); 0 = the server's
   * NUDGE_CALIBRATION_WINDOW (24 h by default). Rounded up to whole minutes, at most the buckets'
   * retention (NUDGE_MONITOR_RETENTION).
   */
  'windowMs'?: (number | string | Long);
}

export interface GetCampaignStatsRequest__Output {
  'campaign': (string);
  /**
   * Segment to report; empty means all segments pooled.
   */
  'segment': (string);
  /**
   * Calibration window in ms (outcomes applied this recently); 0 = the server's
   * NUDGE_CALIBRATION_WINDOW (24 h by default). Rounded up to whole minutes, at most the buckets'
   * retention (NUDGE_MONITOR_RETENTION).
   */
  'windowMs': (number);
}
