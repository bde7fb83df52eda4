import { threadId, workerData } from 'node:worker_threads';
import { BoxCampaignSource } from '../engine/box-campaigns';
import { DecisionEngine } from '../engine/engine';
import { runTask } from '../engine/run-task';
import type { EngineRequest, TaskItemResult } from '../engine/types';
import { openFeatureReader } from '../features/store';
import type { FeatureReader } from '../features/types';
import { getKernel } from '../kernel/index';
import { ArenaReader } from '../store/arena';
import type { ArenaHandles } from '../store/types';

/** What the main thread hands each worker (see executor.ts). */
export interface WorkerInit {
  readonly handles: ArenaHandles;
  readonly campaignsBox: SharedArrayBuffer;
  readonly dataDir: string;
  readonly seed: number | null;
}

let engine: DecisionEngine | null = null;
let features: FeatureReader | null = null;
/** How often a task makes the feature reader look again (the reader's own default interval). */
const FEATURE_POLL_MS = 200;
let lastPoll = 0;

/** Built on the first task rather than at import: Piscina imports the file before any task exists. */
function getEngine(): DecisionEngine {
  if (engine !== null) return engine;
  const init = workerData as WorkerInit;
  const kernel = getKernel();
  // Each worker its own stream: the same seed in every thread would make workers draw in lockstep.
  if (init.seed !== null) kernel.seed(init.seed + threadId);
  engine = new DecisionEngine({
    kernel,
    features: (features = openFeatureReader(init.dataDir)),
    arms: new ArenaReader(init.handles),
    campaigns: new BoxCampaignSource(init.campaignsBox),
  });
  return engine;
}

/**
 * Fault-injection hook for tests: a worker that meets this customer id exits, as a crashing worker
 * would. Honoured only with NODE_ENV=test, so a production environment cannot trigger it.
 */
const CRASH_CUSTOMER = process.env['NODE_ENV'] === 'test' ? (process.env['NUDGE_TEST_CRASH_CUSTOMER'] ?? '') : '';

/** A task is a micro-batch of requests; the result array is in the same order. */
export default function decideTask(task: EngineRequest[]): TaskItemResult[] {
  if (CRASH_CUSTOMER !== '' && task.some((r) => r.customerId === CRASH_CUSTOMER)) process.exit(70);
  const e = getEngine();
  // Piscina's workers wait for tasks in Atomics.wait, so their event loop (the reader's refresh timer,
  // lmdb-js's read-snapshot reset) may not turn for as long as tasks keep coming: one clock read per
  // task (a micro-batch) instead, so new snapshots and removed rows are seen within FEATURE_POLL_MS.
  const now = Date.now();
  if (now - lastPoll >= FEATURE_POLL_MS) {
    lastPoll = now;
    features?.poll?.();
  }
  return runTask(e, task);
}
