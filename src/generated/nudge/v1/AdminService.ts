// Original file: proto/nudge/v1/nudge.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateModelRequest as _nudge_v1_ActivateModelRequest, ActivateModelRequest__Output as _nudge_v1_ActivateModelRequest__Output } from '../../nudge/v1/ActivateModelRequest';
import type { Campaign as _nudge_v1_Campaign, Campaign__Output as _nudge_v1_Campaign__Output } from '../../nudge/v1/Campaign';
import type { CampaignStats as _nudge_v1_CampaignStats, CampaignStats__Output as _nudge_v1_CampaignStats__Output } from '../../nudge/v1/CampaignStats';
import type { DeleteCampaignRequest as _nudge_v1_DeleteCampaignRequest, DeleteCampaignRequest__Output as _nudge_v1_DeleteCampaignRequest__Output } from '../../nudge/v1/DeleteCampaignRequest';
import type { DeleteCampaignResponse as _nudge_v1_DeleteCampaignResponse, DeleteCampaignResponse__Output as _nudge_v1_DeleteCampaignResponse__Output } from '../../nudge/v1/DeleteCampaignResponse';
import type { ForgetCustomerRequest as _nudge_v1_ForgetCustomerRequest, ForgetCustomerRequest__Output as _nudge_v1_ForgetCustomerRequest__Output } from '../../nudge/v1/ForgetCustomerRequest';
import type { ForgetCustomerResponse as _nudge_v1_ForgetCustomerResponse, ForgetCustomerResponse__Output as _nudge_v1_ForgetCustomerResponse__Output } from '../../nudge/v1/ForgetCustomerResponse';
import type { GetCampaignRequest as _nudge_v1_GetCampaignRequest, GetCampaignRequest__Output as _nudge_v1_GetCampaignRequest__Output } from '../../nudge/v1/GetCampaignRequest';
import type { GetCampaignStatsRequest as _nudge_v1_GetCampaignStatsRequest, GetCampaignStatsRequest__Output as _nudge_v1_GetCampaignStatsRequest__Output } from '../../nudge/v1/GetCampaignStatsRequest';
import type { ListCampaignsRequest as _nudge_v1_ListCampaignsRequest, ListCampaignsRequest__Output as _nudge_v1_ListCampaignsRequest__Output } from '../../nudge/v1/ListCampaignsRequest';
import type { ListCampaignsResponse as _nudge_v1_ListCampaignsResponse, ListCampaignsResponse__Output as _nudge_v1_ListCampaignsResponse__Output } from '../../nudge/v1/ListCampaignsResponse';
import type { ListModelsRequest as _nudge_v1_ListModelsRequest, ListModelsRequest__Output as _nudge_v1_ListModelsRequest__Output } from '../../nudge/v1/ListModelsRequest';
import type { ListModelsResponse as _nudge_v1_ListModelsResponse, ListModelsResponse__Output as _nudge_v1_ListModelsResponse__Output } from '../../nudge/v1/ListModelsResponse';
import type { ModelInfo as _nudge_v1_ModelInfo, ModelInfo__Output as _nudge_v1_ModelInfo__Output } from '../../nudge/v1/ModelInfo';
import type { PutModelRequest as _nudge_v1_PutModelRequest, PutModelRequest__Output as _nudge_v1_PutModelRequest__Output } from '../../nudge/v1/PutModelRequest';
import type { RollbackModelRequest as _nudge_v1_RollbackModelRequest, RollbackModelRequest__Output as _nudge_v1_RollbackModelRequest__Output } from '../../nudge/v1/RollbackModelRequest';

export interface AdminServiceClient extends grpc.Client {
  ActivateModel(argument: _nudge_v1_ActivateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  ActivateModel(argument: _nudge_v1_ActivateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  ActivateModel(argument: _nudge_v1_ActivateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  ActivateModel(argument: _nudge_v1_ActivateModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  activateModel(argument: _nudge_v1_ActivateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  activateModel(argument: _nudge_v1_ActivateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  activateModel(argument: _nudge_v1_ActivateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  activateModel(argument: _nudge_v1_ActivateModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  DeleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  deleteCampaign(argument: _nudge_v1_DeleteCampaignRequest, callback: grpc.requestCallback<_nudge_v1_DeleteCampaignResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Erases one customer (docs/privacy.md): features, contact history, the id in kept decisions.
   */
  ForgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Erases one customer (docs/privacy.md): features, contact history, the id in kept decisions.
   */
  forgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _nudge_v1_ForgetCustomerRequest, callback: grpc.requestCallback<_nudge_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  ListModels(argument: _nudge_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nudge_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nudge_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _nudge_v1_ListModelsRequest, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nudge_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nudge_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nudge_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _nudge_v1_ListModelsRequest, callback: grpc.requestCallback<_nudge_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  PutCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  PutCampaign(argument: _nudge_v1_Campaign, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  putCampaign(argument: _nudge_v1_Campaign, callback: grpc.requestCallback<_nudge_v1_Campaign__Output>): grpc.ClientUnaryCall;
  
  /**
   * Model registry (per campaign): store a model version, list them, make one active, go back.
   */
  PutModel(argument: _nudge_v1_PutModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  PutModel(argument: _nudge_v1_PutModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  PutModel(argument: _nudge_v1_PutModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  PutModel(argument: _nudge_v1_PutModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Model registry (per campaign): store a model version, list them, make one active, go back.
   */
  putModel(argument: _nudge_v1_PutModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  putModel(argument: _nudge_v1_PutModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  putModel(argument: _nudge_v1_PutModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  putModel(argument: _nudge_v1_PutModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  RollbackModel(argument: _nudge_v1_RollbackModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RollbackModel(argument: _nudge_v1_RollbackModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RollbackModel(argument: _nudge_v1_RollbackModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RollbackModel(argument: _nudge_v1_RollbackModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  rollbackModel(argument: _nudge_v1_RollbackModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  rollbackModel(argument: _nudge_v1_RollbackModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  rollbackModel(argument: _nudge_v1_RollbackModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  rollbackModel(argument: _nudge_v1_RollbackModelRequest, callback: grpc.requestCallback<_nudge_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  ActivateModel: grpc.handleUnaryCall<_nudge_v1_ActivateModelRequest__Output, _nudge_v1_ModelInfo>;
  
  DeleteCampaign: grpc.handleUnaryCall<_nudge_v1_DeleteCampaignRequest__Output, _nudge_v1_DeleteCampaignResponse>;
  
  /**
   * Erases one customer (docs/privacy.md): features, contact history, the id in kept decisions.
   */
  ForgetCustomer: grpc.handleUnaryCall<_nudge_v1_ForgetCustomerRequest__Output, _nudge_v1_ForgetCustomerResponse>;
  
  GetCampaign: grpc.handleUnaryCall<_nudge_v1_GetCampaignRequest__Output, _nudge_v1_Campaign>;
  
  GetCampaignStats: grpc.handleUnaryCall<_nudge_v1_GetCampaignStatsRequest__Output, _nudge_v1_CampaignStats>;
  
  ListCampaigns: grpc.handleUnaryCall<_nudge_v1_ListCampaignsRequest__Output, _nudge_v1_ListCampaignsResponse>;
  
  ListModels: grpc.handleUnaryCall<_nudge_v1_ListModelsRequest__Output, _nudge_v1_ListModelsResponse>;
  
  PutCampaign: grpc.handleUnaryCall<_nudge_v1_Campaign__Output, _nudge_v1_Campaign>;
  
  /**
   * Model registry (per campaign): store a model version, list them, make one active, go back.
   */
  PutModel: grpc.handleUnaryCall<_nudge_v1_PutModelRequest__Output, _nudge_v1_ModelInfo>;
  
  RollbackModel: grpc.handleUnaryCall<_nudge_v1_RollbackModelRequest__Output, _nudge_v1_ModelInfo>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  ActivateModel: MethodDefinition<_nudge_v1_ActivateModelRequest, _nudge_v1_ModelInfo, _nudge_v1_ActivateModelRequest__Output, _nudge_v1_ModelInfo__Output>
  DeleteCampaign: MethodDefinition<_nudge_v1_DeleteCampaignRequest, _nudge_v1_DeleteCampaignResponse, _nudge_v1_DeleteCampaignRequest__Output, _nudge_v1_DeleteCampaignResponse__Output>
  ForgetCustomer: MethodDefinition<_nudge_v1_ForgetCustomerRequest, _nudge_v1_ForgetCustomerResponse, _nudge_v1_ForgetCustomerRequest__Output, _nudge_v1_ForgetCustomerResponse__Output>
  GetCampaign: MethodDefinition<_nudge_v1_GetCampaignRequest, _nudge_v1_Campaign, _nudge_v1_GetCampaignRequest__Output, _nudge_v1_Campaign__Output>
  GetCampaignStats: MethodDefinition<_nudge_v1_GetCampaignStatsRequest, _nudge_v1_CampaignStats, _nudge_v1_GetCampaignStatsRequest__Output, _nudge_v1_CampaignStats__Output>
  ListCampaigns: MethodDefinition<_nudge_v1_ListCampaignsRequest, _nudge_v1_ListCampaignsResponse, _nudge_v1_ListCampaignsRequest__Output, _nudge_v1_ListCampaignsResponse__Output>
  ListModels: MethodDefinition<_nudge_v1_ListModelsRequest, _nudge_v1_ListModelsResponse, _nudge_v1_ListModelsRequest__Output, _nudge_v1_ListModelsResponse__Output>
  PutCampaign: MethodDefinition<_nudge_v1_Campaign, _nudge_v1_Campaign, _nudge_v1_Campaign__Output, _nudge_v1_Campaign__Output>
  PutModel: MethodDefinition<_nudge_v1_PutModelRequest, _nudge_v1_ModelInfo, _nudge_v1_PutModelRequest__Output, _nudge_v1_ModelInfo__Output>
  RollbackModel: MethodDefinition<_nudge_v1_RollbackModelRequest, _nudge_v1_ModelInfo, _nudge_v1_RollbackModelRequest__Output, _nudge_v1_ModelInfo__Output>
}
