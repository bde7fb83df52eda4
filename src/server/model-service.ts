import type { ActivateModelRequest__Output } from '../generated/nudge/v1/ActivateModelRequest';
import type { ListModelsRequest__Output } from '../generated/nudge/v1/ListModelsRequest';
import type { ListModelsResponse } from '../generated/nudge/v1/ListModelsResponse';
import type { ModelInfo } from '../generated/nudge/v1/ModelInfo';
import type { PutModelRequest__Output } from '../generated/nudge/v1/PutModelRequest';
import type { RollbackModelRequest__Output } from '../generated/nudge/v1/RollbackModelRequest';
import type { ModelInfoData, ModelRegistry } from '../models/registry';
import { unary } from './unary';


function toProto(m: ModelInfoData): ModelInfo {
  return { campaign: m.campaign, version: m.version, format: m.format, createdMs: m.createdMs, active: m.active, numFeatures: m.numFeatures };
}

/** AdminService's model registry RPCs (merged into the AdminService handlers by server.ts). */
export function modelHandlers(models: ModelRegistry) {
  return {
    PutModel: unary<PutModelRequest__Output, ModelInfo>(async (req) =>
      toProto(await models.put(req.campaign, req.version, req.format, req.json, req.activate)),
    ),
    ListModels: unary<ListModelsRequest__Output, ListModelsResponse>((req) => {
      const { models: list, active } = models.list(req.campaign);
      return { models: list.map(toProto), active };
    }),
    ActivateModel: unary<ActivateModelRequest__Output, ModelInfo>(async (req) => toProto(await models.activate(req.campaign, req.version))),
    RollbackModel: unary<RollbackModelRequest__Output, ModelInfo>(async (req) => toProto(await models.rollback(req.campaign))),
  };
}
