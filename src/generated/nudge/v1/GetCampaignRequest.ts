// Original file: proto/nudge/v1/nudge.proto


export interface GetCampaignRequest {
  'name'?: (string);
}

export interface GetCampaignRequest__Output {
  'name': (string);
}
