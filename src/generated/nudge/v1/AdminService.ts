// Original file: proto/nudge/v1/nudge.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Campaign as _nudge_v1_Campaign, Campaign__Output as _nudge_v1_Campaign__Output } from '../../nudge/v1/Campaign';
import type { CampaignStats as _nudge_v1_CampaignStats, CampaignStats__Output as _nudge_v1_CampaignStats__Output } from '../../nudge/v1/CampaignStats';
import type { DeleteCampaignRequest as _nudge_v1_DeleteCampaignRequest, DeleteCampaignRequest__Output as _nudge_v1_DeleteCampaignRequest__Output } from '../../nudge/v1/DeleteCampaignRequest';
import type { DeleteCampaignResponse as _nudge_v1_DeleteCampaignResponse, DeleteCampaignResponse__Output as _nudge_v1_DeleteCampaignResponse__Output } from '../../nudge/v1/DeleteCampaignResponse';
import type { GetCampaignRequest as _nudge_v1_GetCampaignRequest, GetCampaignRequest__Output as _nudge_v1_GetCampaignRequest__Output } from '../../nudge/v1/GetCampaignRequest';
import type { GetCampaignStatsRequest as _nudge_v1_GetCampaignStatsRequest, GetCampaignStatsRequest__Output as _nudge_v1_GetCampaignStatsRequest__Output } from '../../nudge/v1/GetCampaignStatsRequest';
import type { ListCampaignsRequest as _nudge_v1_ListCampaignsRequest, ListCampaignsRequest__Output as _nudge_v1_ListCampaignsRequest__Output } from '../../nudge/v1/ListCampaignsRequest';
import type { ListCampaignsResponse as _nudge_v1_ListCampaignsResponse, ListCampaignsResponse__Output as _nudge_v1_ListCampaignsResponse__Output } from '../../nudge/v1/ListCampaignsResponse';

export interface AdminServiceClient extends grpc.Client {
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  
  GetCampaign(argument: _nudge_v1_GetCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _nudge_v1_GetCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _nudge_v1_GetCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _nudge_v1_GetCampaignRequest, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _nudge_v1_GetCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _nudge_v1_GetCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _nudge_v1_GetCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _nudge_v1_GetCampaignRequest, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  
  GetCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  GetCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  GetCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  GetCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  getCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  getCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  getCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  getCampaignStats(argument: _nudge_v1_GetCampaignStatsRequest, callback: grpc.requestCallback<_nudge_v1_CampaignStats__Output>): grpc.ClientUnaryCall;
  
  ListCampaigns(argument: _nudge_v1_ListCampaignsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  ListCampaigns(argument: _nudge_v1_ListCampaignsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  ListCampaigns(argument: _nudge_v1_ListCampaignsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  ListCampaigns(argument: _nudge_v1_ListCampaignsRequest, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  listCampaigns(argument: _nudge_v1_ListCampaignsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  listCampaigns(argument: _nudge_v1_ListCampaignsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  listCampaigns(argument: _nudge_v1_ListCampaignsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  listCampaigns(argument: _nudge_v1_ListCampaignsRequest, callback: grpc.requestCallback<_nudge_v1_ListCampaignsResponse__Output>): grpc.ClientUnaryCall;
  
  PutCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  DeleteCampaign: grpc.handleUnaryCall<_nudge_v1_DeleteCampaignRequest__Output, _nudge_v1_DeleteCampaignResponse>;
  
  GetCampaign: grpc.handleUnaryCall<_nudge_v1_GetCampaignRequest__Output, _nudge_v1_Campaign>;
  
  GetCampaignStats: grpc.handleUnaryCall<_nudge_v1_GetCampaignStatsRequest__Output, _nudge_v1_CampaignStats>;
  
  ListCampaigns: grpc.handleUnaryCall<_nudge_v1_ListCampaignsRequest__Output, _nudge_v1_ListCampaignsResponse>;
  
  PutCampaign: grpc.handleUnaryCall<_nudge_v1_Campaign__Output, _nudge_v1_Campaign>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  DeleteCampaign: MethodDefinition<_nudge_v1_DeleteCampaignRequest, _nudge_v1_DeleteCampaignResponse, _nudge_v1_DeleteCampaignRequest__Output, _nudge_v1_DeleteCampaignResponse__Output>
  GetCampaign: MethodDefinition<_nudge_v1_GetCampaignRequest, _nudge_v1_Campaign, _nudge_v1_GetCampaignRequest__Output, _nudge_v1_Campaign__Output>
  GetCampaignStats: MethodDefinition<_nudge_v1_GetCampaignStatsRequest, _nudge_v1_CampaignStats, _nudge_v1_GetCampaignStatsRequest__Output, _nudge_v1_CampaignStats__Output>
  ListCampaigns: MethodDefinition<_nudge_v1_ListCampaignsRequest, _nudge_v1_ListCampaignsResponse, _nudge_v1_ListCampaignsRequest__Output, _nudge_v1_ListCampaignsResponse__Output>
  PutCampaign: MethodDefinition<_nudge_v1_Campaign, _nudge_v1_Campaign, _nudge_v1_Campaign__Output, _nudge_v1_Campaign__Output>
}
