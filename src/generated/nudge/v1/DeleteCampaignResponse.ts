// Original file: proto/nudge/v1/nudge.proto


export interface DeleteCampaignResponse {
  'deleted'?: (boolean);
}

export interface DeleteCampaignResponse__Output {
  'deleted': (boolean);
}
