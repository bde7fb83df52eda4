/** Public surface of the learning store. */
export * from './types';
export { openLmdbStore, LmdbStore, type LmdbStoreOptions, type StoreMetrics } from './lmdb-store';
export { exportDecisionLog, readDecisions, type DecisionRange, type ExportedDecision } from './export';
export { ArenaReader } from './arena-reader';
export { ArenaWriter, type OfferPrior } from './arena';
