import { NudgeError } from '../errors';
import type { TaskItemResult } from '../engine/types';

import { TurnQueue } from './turn-queue';

type Run<Req> = (batch: Req[]) => Promise<TaskItemResult[]>;

interface Pending<Req> {
  readonly req: Req;
  resolve(r: TaskItemResult): void;
  reject(e: unknown): void;
}

/**
 * Requests that arrive in the same event-loop turn go to the pool as one task: one message each way
 * instead of one per request, which is most of the pool's overhead at small per-decision cost. A batch
 * is sent when it reaches maxBatch, or at the end of the turn (TurnQueue, as the inline Decide).
 */
export class MicroBatcher<Req> {
  private readonly queue: TurnQueue<Pending<Req>>;

  constructor(
    private readonly run: Run<Req>,
    maxBatch: number,
  ) {
    if (typeof run !== 'function') throw new TypeError('run must be a function');
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.queue = new TurnQueue((items) => this.send(items), maxBatch);
  }

  /** Resolves with the item's result, or rejects with its NudgeError (or the task's failure). */
  submit(req: Req): Promise<TaskItemResult> {
    return new Promise<TaskItemResult>((resolve, reject) => this.queue.push({ req, resolve, reject }));
  }

  private send(waiters: readonly Pending<Req>[]): void {
    this.run(waiters.map((w) => w.req)).then(
      (results) => {
        for (let i = 0; i < waiters.length; i++) {
          const r = results[i];
          if (r === undefined) waiters[i]!.reject(new NudgeError('NUDGE_INTERNAL', 'the worker returned fewer results than requests'));
          else waiters[i]!.resolve(r);
        }
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
