import { NudgeError } from '../errors';
import type { TaskItemResult } from '../engine/types';

type Run<Req> = (batch: Req[]) => Promise<TaskItemResult[]>;

interface Pending {
  resolve: (r: TaskItemResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Requests that arrive in the same event-loop turn go to the pool as one task: one message each way
 * instead of one per request, which is most of the pool's overhead at small per-decision cost. A batch
 * is sent when it reaches maxBatch, or at setImmediate (after the I/O callbacks of this turn).
 */
export class MicroBatcher<Req> {
  private items: Req[] = [];
  private waiters: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly run: Run<Req>,
    private readonly maxBatch: number,
  ) {
    if (typeof run !== 'function') throw new TypeError('run must be a function');
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
  }

  /** Resolves with the item's result, or rejects with its NudgeError (or the task's failure). */
  submit(req: Req): Promise<TaskItemResult> {
    return new Promise<TaskItemResult>((resolve, reject) => {
      this.items.push(req);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    this.run(items).then(
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
  };
}

