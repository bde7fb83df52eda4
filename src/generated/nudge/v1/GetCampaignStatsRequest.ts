// Original file: proto/nudge/v1/nudge.proto


export interface GetCampaignStatsRequest {
  'campaign'?: (string);
  /**
   * Segment to report; empty means all segments pooled.
   */
  'segment'?: (string);
}

export interface GetCampaignStatsRequest__Output {
  'campaign': (string);
  /**
   * Segment to report; empty means all segments pooled.
   */
  'segment': (string);
}
