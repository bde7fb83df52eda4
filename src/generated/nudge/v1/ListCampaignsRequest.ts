// Original file: proto/nudge/v1/nudge.proto


export interface ListCampaignsRequest {
}

export interface ListCampaignsRequest__Output {
}
