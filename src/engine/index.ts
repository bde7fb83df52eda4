export { DecisionEngine } from './engine';
export type { EngineDeps } from './engine';
export { BoxCampaignSource } from './box-campaigns';
export { ScratchArmsView } from './arms-view';
export { isTaskError } from './types';
export type { CampaignSource, EngineOffer, EngineRequest, EngineResult, TaskError, TaskItemResult } from './types';
