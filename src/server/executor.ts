import * as fs from 'node:fs';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { ExecutionMode } from '../config';
import type { DecisionEngine } from '../engine/engine';
import { toTaskError, unwrap } from '../engine/run-task';
import type { EngineRequest, EngineResult, TaskItemResult } from '../engine/types';
import { NudgeError } from '../errors';
import { packageRoot } from '../proto';
import { MicroBatcher } from './batcher';
import type { WorkerInit } from './worker';

/** Where decisions are computed: on the main thread, or in a Piscina pool fed by micro-batches. */
export interface DecideExecutor {
  readonly mode: ExecutionMode;
  readonly threads: number;
  decide(req: EngineRequest): Promise<EngineResult>;
  /**
   * The same decision computed synchronously, when this executor computes on the calling thread: the
   * handler then answers in the same turn, without a promise and a microtask per request.
   */
  decideNow?(req: EngineRequest): EngineResult;
  close(): Promise<void>;
  /** Pool figures for metrics (pool mode only). */
  poolStats?(): { utilization: number; queueSize: number; threads: number };
}

export class InlineExecutor implements DecideExecutor {
  readonly mode = 'inline' as const;
  readonly threads = 0;

  constructor(private readonly engine: DecisionEngine) {}

  decide(req: EngineRequest): Promise<EngineResult> {
    try {
      return Promise.resolve(this.engine.decide(req));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  decideNow(req: EngineRequest): EngineResult {
    return this.engine.decide(req);
  }

  async close(): Promise<void> {}
}

/**
 * The compiled worker. Piscina loads it with require() in a fresh thread, which cannot execute
 * TypeScript, so even under vitest (src/*.ts) the pool points at dist/ (`npm run build` first).
 */
export function workerFile(): string {
  const file = path.join(packageRoot(), 'dist', 'src', 'server', 'worker.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" before starting the server in pool mode`);
  return file;
}

function workerFailed(err: unknown): TaskItemResult {
  return toTaskError(new NudgeError('NUDGE_WORKER_FAILED', `worker task failed: ${err instanceof Error ? err.message : String(err)}`));
}

export class PoolExecutor implements DecideExecutor {
  readonly mode = 'pool' as const;
  readonly threads: number;
  private readonly pool: Piscina;
  private readonly batcher: MicroBatcher<EngineRequest>;

  constructor(init: WorkerInit, threads: number, maxBatch: number) {
    this.threads = threads;
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: threads,
      maxThreads: threads,
      workerData: init,
    });
    this.batcher = new MicroBatcher<EngineRequest>((batch) => this.runTask(batch), maxBatch);
  }

  decide(req: EngineRequest): Promise<EngineResult> {
    return this.batcher.submit(req).then(unwrap);
  }

  private async runTask(batch: EngineRequest[]): Promise<TaskItemResult[]> {
    try {
      return (await this.pool.run(batch)) as TaskItemResult[];
    } catch (err) {
      // Piscina replaces a crashed worker by itself. A micro-batch is an accident of arrival times, so
      // its requests are retried once each on their own: a poison request then fails alone instead of
      // taking its batch-mates down with it.
      if (batch.length === 1) return [workerFailed(err)];
      return Promise.all(
        batch.map((req) =>
          this.pool.run([req]).then(
            (r) => (r as TaskItemResult[])[0] ?? workerFailed(new Error('the worker returned no result')),
            (e: unknown) => workerFailed(e),
          ),
        ),
      );
    }
  }

  poolStats(): { utilization: number; queueSize: number; threads: number } {
    return { utilization: this.pool.utilization, queueSize: this.pool.queueSize, threads: this.pool.threads.length };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
