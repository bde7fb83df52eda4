/** The library surface: embed the server, or use the engine directly. */
export { startServer, type RunningServer, type ServerLogger } from './server/server';
export { DEFAULT_OPTIONS, optionsFromEnv, resolveOptions, type ExecutionMode, type ServerOptions } from './config';
export { DecisionEngine, type EngineDeps } from './engine/engine';
export type { CampaignSource, EngineOffer, EngineRequest, EngineResult } from './engine/types';
export { loadNudgeProto, PROTO_LOADER_OPTIONS } from './proto';
export { NudgeError, ERROR_CODES, type ErrorCode } from './errors';
