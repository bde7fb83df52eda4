import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateModelRequest as _nudge_v1_ActivateModelRequest, ActivateModelRequest__Output as _nudge_v1_ActivateModelRequest__Output } from './nudge/v1/ActivateModelRequest';
import type { AdminServiceClient as _nudge_v1_AdminServiceClient, AdminServiceDefinition as _nudge_v1_AdminServiceDefinition } from './nudge/v1/AdminService';
import type { AppliedLever as _nudge_v1_AppliedLever, AppliedLever__Output as _nudge_v1_AppliedLever__Output } from './nudge/v1/AppliedLever';
import type { Calibration as _nudge_v1_Calibration, Calibration__Output as _nudge_v1_Calibration__Output } from './nudge/v1/Calibration';
import type { Campaign as _nudge_v1_Campaign, Campaign__Output as _nudge_v1_Campaign__Output } from './nudge/v1/Campaign';
import type { CampaignStats as _nudge_v1_CampaignStats, CampaignStats__Output as _nudge_v1_CampaignStats__Output } from './nudge/v1/CampaignStats';
import type { Decay as _nudge_v1_Decay, Decay__Output as _nudge_v1_Decay__Output } from './nudge/v1/Decay';
import type { DecideBatchRequest as _nudge_v1_DecideBatchRequest, DecideBatchRequest__Output as _nudge_v1_DecideBatchRequest__Output } from './nudge/v1/DecideBatchRequest';
import type { DecideBatchResponse as _nudge_v1_DecideBatchResponse, DecideBatchResponse__Output as _nudge_v1_DecideBatchResponse__Output } from './nudge/v1/DecideBatchResponse';
import type { DecideError as _nudge_v1_DecideError, DecideError__Output as _nudge_v1_DecideError__Output } from './nudge/v1/DecideError';
import type { DecideRequest as _nudge_v1_DecideRequest, DecideRequest__Output as _nudge_v1_DecideRequest__Output } from './nudge/v1/DecideRequest';
import type { DecideResponse as _nudge_v1_DecideResponse, DecideResponse__Output as _nudge_v1_DecideResponse__Output } from './nudge/v1/DecideResponse';
import type { DecisionServiceClient as _nudge_v1_DecisionServiceClient, DecisionServiceDefinition as _nudge_v1_DecisionServiceDefinition } from './nudge/v1/DecisionService';
import type { DeleteCampaignRequest as _nudge_v1_DeleteCampaignRequest, DeleteCampaignRequest__Output as _nudge_v1_DeleteCampaignRequest__Output } from './nudge/v1/DeleteCampaignRequest';
import type { DeleteCampaignResponse as _nudge_v1_DeleteCampaignResponse, DeleteCampaignResponse__Output as _nudge_v1_DeleteCampaignResponse__Output } from './nudge/v1/DeleteCampaignResponse';
import type { DriftBin as _nudge_v1_DriftBin, DriftBin__Output as _nudge_v1_DriftBin__Output } from './nudge/v1/DriftBin';
import type { Event as _nudge_v1_Event, Event__Output as _nudge_v1_Event__Output } from './nudge/v1/Event';
import type { EventAck as _nudge_v1_EventAck, EventAck__Output as _nudge_v1_EventAck__Output } from './nudge/v1/EventAck';
import type { EventProblem as _nudge_v1_EventProblem, EventProblem__Output as _nudge_v1_EventProblem__Output } from './nudge/v1/EventProblem';
import type { EventSummary as _nudge_v1_EventSummary, EventSummary__Output as _nudge_v1_EventSummary__Output } from './nudge/v1/EventSummary';
import type { Explanation as _nudge_v1_Explanation, Explanation__Output as _nudge_v1_Explanation__Output } from './nudge/v1/Explanation';
import type { Fatigue as _nudge_v1_Fatigue, Fatigue__Output as _nudge_v1_Fatigue__Output } from './nudge/v1/Fatigue';
import type { Feature as _nudge_v1_Feature, Feature__Output as _nudge_v1_Feature__Output } from './nudge/v1/Feature';
import type { FeatureContribution as _nudge_v1_FeatureContribution, FeatureContribution__Output as _nudge_v1_FeatureContribution__Output } from './nudge/v1/FeatureContribution';
import type { FeatureDrift as _nudge_v1_FeatureDrift, FeatureDrift__Output as _nudge_v1_FeatureDrift__Output } from './nudge/v1/FeatureDrift';
import type { ForgetCustomerRequest as _nudge_v1_ForgetCustomerRequest, ForgetCustomerRequest__Output as _nudge_v1_ForgetCustomerRequest__Output } from './nudge/v1/ForgetCustomerRequest';
import type { ForgetCustomerResponse as _nudge_v1_ForgetCustomerResponse, ForgetCustomerResponse__Output as _nudge_v1_ForgetCustomerResponse__Output } from './nudge/v1/ForgetCustomerResponse';
import type { GetCampaignRequest as _nudge_v1_GetCampaignRequest, GetCampaignRequest__Output as _nudge_v1_GetCampaignRequest__Output } from './nudge/v1/GetCampaignRequest';
import type { GetCampaignStatsRequest as _nudge_v1_GetCampaignStatsRequest, GetCampaignStatsRequest__Output as _nudge_v1_GetCampaignStatsRequest__Output } from './nudge/v1/GetCampaignStatsRequest';
import type { GroupStats as _nudge_v1_GroupStats, GroupStats__Output as _nudge_v1_GroupStats__Output } from './nudge/v1/GroupStats';
import type { Lever as _nudge_v1_Lever, Lever__Output as _nudge_v1_Lever__Output } from './nudge/v1/Lever';
import type { ListCampaignsRequest as _nudge_v1_ListCampaignsRequest, ListCampaignsRequest__Output as _nudge_v1_ListCampaignsRequest__Output } from './nudge/v1/ListCampaignsRequest';
import type { ListCampaignsResponse as _nudge_v1_ListCampaignsResponse, ListCampaignsResponse__Output as _nudge_v1_ListCampaignsResponse__Output } from './nudge/v1/ListCampaignsResponse';
import type { ListModelsRequest as _nudge_v1_ListModelsRequest, ListModelsRequest__Output as _nudge_v1_ListModelsRequest__Output } from './nudge/v1/ListModelsRequest';
import type { ListModelsResponse as _nudge_v1_ListModelsResponse, ListModelsResponse__Output as _nudge_v1_ListModelsResponse__Output } from './nudge/v1/ListModelsResponse';
import type { ModelCalibration as _nudge_v1_ModelCalibration, ModelCalibration__Output as _nudge_v1_ModelCalibration__Output } from './nudge/v1/ModelCalibration';
import type { ModelInfo as _nudge_v1_ModelInfo, ModelInfo__Output as _nudge_v1_ModelInfo__Output } from './nudge/v1/ModelInfo';
import type { Offer as _nudge_v1_Offer, Offer__Output as _nudge_v1_Offer__Output } from './nudge/v1/Offer';
import type { OfferStats as _nudge_v1_OfferStats, OfferStats__Output as _nudge_v1_OfferStats__Output } from './nudge/v1/OfferStats';
import type { Outcome as _nudge_v1_Outcome, Outcome__Output as _nudge_v1_Outcome__Output } from './nudge/v1/Outcome';
import type { OutcomeAck as _nudge_v1_OutcomeAck, OutcomeAck__Output as _nudge_v1_OutcomeAck__Output } from './nudge/v1/OutcomeAck';
import type { OutcomeSummary as _nudge_v1_OutcomeSummary, OutcomeSummary__Output as _nudge_v1_OutcomeSummary__Output } from './nudge/v1/OutcomeSummary';
import type { PutModelRequest as _nudge_v1_PutModelRequest, PutModelRequest__Output as _nudge_v1_PutModelRequest__Output } from './nudge/v1/PutModelRequest';
import type { ReliabilityBin as _nudge_v1_ReliabilityBin, ReliabilityBin__Output as _nudge_v1_ReliabilityBin__Output } from './nudge/v1/ReliabilityBin';
import type { RollbackModelRequest as _nudge_v1_RollbackModelRequest, RollbackModelRequest__Output as _nudge_v1_RollbackModelRequest__Output } from './nudge/v1/RollbackModelRequest';
import type { Route as _nudge_v1_Route, Route__Output as _nudge_v1_Route__Output } from './nudge/v1/Route';
import type { ScoredOffer as _nudge_v1_ScoredOffer, ScoredOffer__Output as _nudge_v1_ScoredOffer__Output } from './nudge/v1/ScoredOffer';
import type { SessionFeature as _nudge_v1_SessionFeature, SessionFeature__Output as _nudge_v1_SessionFeature__Output } from './nudge/v1/SessionFeature';
import type { SrmCheck as _nudge_v1_SrmCheck, SrmCheck__Output as _nudge_v1_SrmCheck__Output } from './nudge/v1/SrmCheck';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nudge: {
    v1: {
      ActivateModelRequest: MessageTypeDefinition<_nudge_v1_ActivateModelRequest, _nudge_v1_ActivateModelRequest__Output>
      AdminService: SubtypeConstructor<typeof grpc.Client, _nudge_v1_AdminServiceClient> & { service: _nudge_v1_AdminServiceDefinition }
      AppliedLever: MessageTypeDefinition<_nudge_v1_AppliedLever, _nudge_v1_AppliedLever__Output>
      Calibration: MessageTypeDefinition<_nudge_v1_Calibration, _nudge_v1_Calibration__Output>
      Campaign: MessageTypeDefinition<_nudge_v1_Campaign, _nudge_v1_Campaign__Output>
      CampaignStats: MessageTypeDefinition<_nudge_v1_CampaignStats, _nudge_v1_CampaignStats__Output>
      Decay: MessageTypeDefinition<_nudge_v1_Decay, _nudge_v1_Decay__Output>
      DecideBatchRequest: MessageTypeDefinition<_nudge_v1_DecideBatchRequest, _nudge_v1_DecideBatchRequest__Output>
      DecideBatchResponse: MessageTypeDefinition<_nudge_v1_DecideBatchResponse, _nudge_v1_DecideBatchResponse__Output>
      DecideError: MessageTypeDefinition<_nudge_v1_DecideError, _nudge_v1_DecideError__Output>
      DecideRequest: MessageTypeDefinition<_nudge_v1_DecideRequest, _nudge_v1_DecideRequest__Output>
      DecideResponse: MessageTypeDefinition<_nudge_v1_DecideResponse, _nudge_v1_DecideResponse__Output>
      DecisionService: SubtypeConstructor<typeof grpc.Client, _nudge_v1_DecisionServiceClient> & { service: _nudge_v1_DecisionServiceDefinition }
      DeleteCampaignRequest: MessageTypeDefinition<_nudge_v1_DeleteCampaignRequest, _nudge_v1_DeleteCampaignRequest__Output>
      DeleteCampaignResponse: MessageTypeDefinition<_nudge_v1_DeleteCampaignResponse, _nudge_v1_DeleteCampaignResponse__Output>
      DriftBin: MessageTypeDefinition<_nudge_v1_DriftBin, _nudge_v1_DriftBin__Output>
      Event: MessageTypeDefinition<_nudge_v1_Event, _nudge_v1_Event__Output>
      EventAck: MessageTypeDefinition<_nudge_v1_EventAck, _nudge_v1_EventAck__Output>
      EventProblem: MessageTypeDefinition<_nudge_v1_EventProblem, _nudge_v1_EventProblem__Output>
      EventSummary: MessageTypeDefinition<_nudge_v1_EventSummary, _nudge_v1_EventSummary__Output>
      Explanation: MessageTypeDefinition<_nudge_v1_Explanation, _nudge_v1_Explanation__Output>
      Fatigue: MessageTypeDefinition<_nudge_v1_Fatigue, _nudge_v1_Fatigue__Output>
      Feature: MessageTypeDefinition<_nudge_v1_Feature, _nudge_v1_Feature__Output>
      FeatureContribution: MessageTypeDefinition<_nudge_v1_FeatureContribution, _nudge_v1_FeatureContribution__Output>
      FeatureDrift: MessageTypeDefinition<_nudge_v1_FeatureDrift, _nudge_v1_FeatureDrift__Output>
      ForgetCustomerRequest: MessageTypeDefinition<_nudge_v1_ForgetCustomerRequest, _nudge_v1_ForgetCustomerRequest__Output>
      ForgetCustomerResponse: MessageTypeDefinition<_nudge_v1_ForgetCustomerResponse, _nudge_v1_ForgetCustomerResponse__Output>
      GetCampaignRequest: MessageTypeDefinition<_nudge_v1_GetCampaignRequest, _nudge_v1_GetCampaignRequest__Output>
      GetCampaignStatsRequest: MessageTypeDefinition<_nudge_v1_GetCampaignStatsRequest, _nudge_v1_GetCampaignStatsRequest__Output>
      GroupStats: MessageTypeDefinition<_nudge_v1_GroupStats, _nudge_v1_GroupStats__Output>
      Lever: MessageTypeDefinition<_nudge_v1_Lever, _nudge_v1_Lever__Output>
      ListCampaignsRequest: MessageTypeDefinition<_nudge_v1_ListCampaignsRequest, _nudge_v1_ListCampaignsRequest__Output>
      ListCampaignsResponse: MessageTypeDefinition<_nudge_v1_ListCampaignsResponse, _nudge_v1_ListCampaignsResponse__Output>
      ListModelsRequest: MessageTypeDefinition<_nudge_v1_ListModelsRequest, _nudge_v1_ListModelsRequest__Output>
      ListModelsResponse: MessageTypeDefinition<_nudge_v1_ListModelsResponse, _nudge_v1_ListModelsResponse__Output>
      ModelCalibration: MessageTypeDefinition<_nudge_v1_ModelCalibration, _nudge_v1_ModelCalibration__Output>
      ModelInfo: MessageTypeDefinition<_nudge_v1_ModelInfo, _nudge_v1_ModelInfo__Output>
      Offer: MessageTypeDefinition<_nudge_v1_Offer, _nudge_v1_Offer__Output>
      OfferStats: MessageTypeDefinition<_nudge_v1_OfferStats, _nudge_v1_OfferStats__Output>
      Outcome: MessageTypeDefinition<_nudge_v1_Outcome, _nudge_v1_Outcome__Output>
      OutcomeAck: MessageTypeDefinition<_nudge_v1_OutcomeAck, _nudge_v1_OutcomeAck__Output>
      OutcomeSummary: MessageTypeDefinition<_nudge_v1_OutcomeSummary, _nudge_v1_OutcomeSummary__Output>
      PutModelRequest: MessageTypeDefinition<_nudge_v1_PutModelRequest, _nudge_v1_PutModelRequest__Output>
      ReliabilityBin: MessageTypeDefinition<_nudge_v1_ReliabilityBin, _nudge_v1_ReliabilityBin__Output>
      RollbackModelRequest: MessageTypeDefinition<_nudge_v1_RollbackModelRequest, _nudge_v1_RollbackModelRequest__Output>
      Route: MessageTypeDefinition<_nudge_v1_Route, _nudge_v1_Route__Output>
      ScoredOffer: MessageTypeDefinition<_nudge_v1_ScoredOffer, _nudge_v1_ScoredOffer__Output>
      SessionFeature: MessageTypeDefinition<_nudge_v1_SessionFeature, _nudge_v1_SessionFeature__Output>
      SrmCheck: MessageTypeDefinition<_nudge_v1_SrmCheck, _nudge_v1_SrmCheck__Output>
    }
  }
}

