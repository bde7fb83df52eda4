import type * as grpc from '@grpc/grpc-js';
import { NudgeError, toServiceError } from '../errors';
import type { Event__Output } from '../generated/nudge/v1/Event';
import type { EventAck } from '../generated/nudge/v1/EventAck';
import type { EventSummary } from '../generated/nudge/v1/EventSummary';
import type { SessionEvent, SessionInterest, SessionStore } from '../sessions/types';
import { validateEvent } from '../sessions/validate';

/**
 * TrackEvent and StreamEvents (docs/events.md). An event is INVALID (with the reason), IGNORED (no
 * campaign reads its type, or it is older than every window and session), or ACCEPTED once the
 * session store kept it, so that the next Decide on any replica sees it.
 */
export interface EventDeps {
  readonly store: SessionStore;
  /** The union of every campaign's session features (changes with the campaigns). */
  readonly interest: () => SessionInterest;
  readonly now?: () => number;
}

/** Events a stream hands to the store at once; the stream pauses while a batch is being kept. */
const STREAM_BATCH = 1024;
/** Problems listed in an EventSummary (the counts cover the rest). */
const MAX_PROBLEMS = 100;

type Checked =
  | { status: 'INVALID'; detail: string }
  | { status: 'IGNORED'; detail: string }
  | { status: 'ACCEPTED'; customerId: string; event: SessionEvent };

function check(deps: EventDeps, e: Event__Output, now: number): Checked {
  const v = validateEvent(e, now);
  if (!v.ok) return { status: 'INVALID', detail: v.reason };
  if (!deps.store.wants(v.event.type)) return { status: 'IGNORED', detail: `no campaign reads events of type "${v.event.type}"` };
  const horizon = deps.interest().horizonMs;
  if (v.event.ts < now - horizon) return { status: 'IGNORED', detail: `older than every campaign's session and window (${horizon} ms)` };
  return { status: 'ACCEPTED', customerId: v.customerId, event: v.event };
}

/** Groups a batch by customer (keeping each customer's order) and hands each group to the store. */
async function keep(store: SessionStore, batch: readonly { customerId: string; event: SessionEvent }[]): Promise<void> {
  const by = new Map<string, SessionEvent[]>();
  for (const { customerId, event } of batch) {
    const list = by.get(customerId);
    if (list === undefined) by.set(customerId, [event]);
    else list.push(event);
  }
  await Promise.all([...by].map(([id, events]) => store.append(id, events)));
}

export function eventHandlers(deps: EventDeps) {
  const now = deps.now ?? Date.now;
  return {
    TrackEvent(call: grpc.ServerUnaryCall<Event__Output, EventAck>, callback: grpc.sendUnaryData<EventAck>): void {
      const c = check(deps, call.request, now());
      if (c.status !== 'ACCEPTED') {
        callback(null, { status: c.status, detail: c.detail });
        return;
      }
      deps.store.append(c.customerId, [c.event]).then(
        () => callback(null, { status: 'ACCEPTED', detail: '' }),
        (err: unknown) => callback(toServiceError(storeError(err))),
      );
    },

    StreamEvents(call: grpc.ServerReadableStream<Event__Output, EventSummary>, callback: grpc.sendUnaryData<EventSummary>): void {
      const summary = { received: 0, accepted: 0, ignored: 0, invalid: 0, problems: [] as { index: number; detail: string }[] };
      let batch: { customerId: string; event: SessionEvent }[] = [];
      let pending: Promise<void> = Promise.resolve();
      let answered = false;
      let done = false;
      const answer = (err: unknown): void => {
        if (answered) return;
        answered = true;
        if (err !== null) callback(toServiceError(storeError(err)));
        else callback(null, summary);
      };
      const flush = (): void => {
        if (batch.length === 0) return;
        const b = batch;
        batch = [];
        call.pause();
        pending = pending
          .then(() => keep(deps.store, b))
          .then(
            () => {
              summary.accepted += b.length;
              if (!done) call.resume();
            },
            (err: unknown) => {
              // Events of earlier batches are kept; the client retries the stream (docs/events.md).
              done = true;
              answer(err);
            },
          );
      };
      call.on('data', (e: Event__Output) => {
        if (answered) return;
        const index = summary.received++;
        const c = check(deps, e, now());
        if (c.status === 'INVALID') {
          summary.invalid++;
          if (summary.problems.length < MAX_PROBLEMS) summary.problems.push({ index, detail: c.detail });
        } else if (c.status === 'IGNORED') summary.ignored++;
        else {
          batch.push({ customerId: c.customerId, event: c.event });
          if (batch.length >= STREAM_BATCH) flush();
        }
      });
      call.on('end', () => {
        done = true;
        flush();
        void pending.then(() => answer(null));
      });
      call.on('error', () => {
        done = true;
      });
    },
  };
}

/** A store failure is the client's cue to retry: events are kept at most once per append. */
function storeError(err: unknown): unknown {
  if (err instanceof NudgeError) return err;
  return new NudgeError('NUDGE_STORE_UNAVAILABLE', `session store: ${err instanceof Error ? err.message : String(err)}`);
}
