/** Public surface of the learning store. */
export * from './types';
export { openLmdbStore, LmdbStore, type ExportedDecision, type LmdbStoreOptions, type StoreMetrics } from './lmdb-store';
export { ArenaReader } from './arena-reader';
export { ArenaWriter, type OfferPrior } from './arena';
