// Original file: proto/nudge/v1/nudge.proto


export interface DeleteCampaignRequest {
  'name'?: (string);
}

export interface DeleteCampaignRequest__Output {
  'name': (string);
}
