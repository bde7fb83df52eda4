import type * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../errors';
import type { Outcome__Output } from '../generated/nudge/v1/Outcome';
import type { OutcomeAck } from '../generated/nudge/v1/OutcomeAck';
import type { OutcomeSummary } from '../generated/nudge/v1/OutcomeSummary';
import type { LearningStore, OutcomeInput, OutcomeStatus } from '../store/types';
import { outcomeInput, outcomeProblem } from './validate';

/** Stream tuning: a commit groups up to CHUNK outcomes; above HIGH pending the stream is paused. */
export const STREAM_LIMITS = Object.freeze({ chunk: 1000, highWater: 5000, lowWater: 1000 });

export function outcomeHandlers(store: LearningStore) {
  return {
    ReportOutcome(call: grpc.ServerUnaryCall<Outcome__Output, OutcomeAck>, callback: grpc.sendUnaryData<OutcomeAck>): void {
      const problem = outcomeProblem(call.request);
      if (problem !== null) {
        callback(null, { status: 'INVALID', delta: 0, detail: problem });
        return;
      }
      store.applyOutcomes([outcomeInput(call.request)]).then(
        ([r]) => callback(null, { status: r!.status, delta: r!.delta, detail: r!.detail }),
        (err: unknown) => callback(toServiceError(err)),
      );
    },

    StreamOutcomes(call: grpc.ServerReadableStream<Outcome__Output, OutcomeSummary>, callback: grpc.sendUnaryData<OutcomeSummary>): void {
      new OutcomeStream(store, call, callback).start();
    },
  };
}

type Counts = Record<OutcomeStatus, number>;

/**
 * One client stream of outcomes: collected into chunks (full ones at once, the rest at the end of the
 * event-loop turn) and handed to the store without waiting for the previous chunk's commit: the store
 * applies submissions in order and merges those that arrive during a commit into the next transaction,
 * so a stream is not limited to one chunk per disk sync. Back-pressure pauses the stream above
 * highWater uncommitted outcomes. The summary is sent only after every commit, so each counted APPLIED
 * is durable.
 */
class OutcomeStream {
  private chunk: OutcomeInput[] = [];
  private pending = 0;
  private paused = false;
  private scheduled = false;
  private failed: unknown = null;
  private received = 0;
  private readonly counts: Counts = { APPLIED: 0, DUPLICATE: 0, UNKNOWN_DECISION: 0, EXPIRED: 0, INVALID: 0 };
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly store: LearningStore,
    private readonly call: grpc.ServerReadableStream<Outcome__Output, OutcomeSummary>,
    private readonly callback: grpc.sendUnaryData<OutcomeSummary>,
  ) {}

  start(): void {
    this.call.on('data', (o: Outcome__Output) => this.onData(o));
    this.call.on('end', () => this.onEnd());
    // A cancelled stream: the outcomes already committed stay committed; there is no one to reply to.
    this.call.on('error', () => undefined);
  }

  private onData(o: Outcome__Output): void {
    this.received++;
    const problem = outcomeProblem(o);
    if (problem !== null) {
      this.counts.INVALID++;
      return;
    }
    this.chunk.push(outcomeInput(o));
    this.pending++;
    if (this.chunk.length >= STREAM_LIMITS.chunk) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    if (!this.paused && this.pending > STREAM_LIMITS.highWater) {
      this.paused = true;
      this.call.pause();
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.chunk.length === 0) return;
    const batch = this.chunk;
    this.chunk = [];
    const done: Promise<void> = this.store.applyOutcomes(batch).then(
      (results) => {
        for (const r of results) this.counts[r.status]++;
      },
      (err: unknown) => {
        this.failed ??= err;
      },
    ).finally(() => {
      this.inflight.delete(done);
      this.pending -= batch.length;
      if (this.paused && this.pending <= STREAM_LIMITS.lowWater) {
        this.paused = false;
        this.call.resume();
      }
    });
    this.inflight.add(done);
  };

  private onEnd(): void {
    this.flush();
    void Promise.all(this.inflight).then(() => {
      if (this.failed !== null) {
        this.callback(toServiceError(this.failed));
        return;
      }
      const c = this.counts;
      this.callback(null, {
        applied: c.APPLIED,
        duplicate: c.DUPLICATE,
        unknownDecision: c.UNKNOWN_DECISION,
        expired: c.EXPIRED,
        invalid: c.INVALID,
        received: this.received,
      });
    });
  }
}
