// Original file: proto/nudge/v1/nudge.proto

import type { Campaign as _nudge_v1_Campaign, Campaign__Output as _nudge_v1_Campaign__Output } from '../../nudge/v1/Campaign';

export interface ListCampaignsResponse {
  'campaigns'?: (_nudge_v1_Campaign)[];
}

export interface ListCampaignsResponse__Output {
  'campaigns': (_nudge_v1_Campaign__Output)[];
}
