import { NudgeError } from '../errors';
import type { DecisionEngine } from './engine';
import type { EngineRequest, EngineResult, TaskError, TaskItemResult } from './types';

/** Runs a micro-batch; one failing request (unknown campaign, no eligible offer) fails only itself. */
export function runTask(engine: DecisionEngine, reqs: readonly EngineRequest[]): TaskItemResult[] {
  const out = new Array<TaskItemResult>(reqs.length);
  for (let i = 0; i < reqs.length; i++) {
    try {
      out[i] = engine.decide(reqs[i]!);
    } catch (err) {
      out[i] = toTaskError(err);
    }
  }
  return out;
}

export function toTaskError(err: unknown): TaskError {
  if (err instanceof NudgeError) {
    return { error: err.field === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, field: err.field } };
  }
  return { error: { code: 'NUDGE_INTERNAL', message: err instanceof Error ? err.message : String(err) } };
}

export function fromTaskError(t: TaskError): NudgeError {
  return new NudgeError(t.error.code, t.error.message, t.error.field);
}

export function unwrap(r: TaskItemResult): EngineResult {
  if ((r as TaskError).error !== undefined) throw fromTaskError(r as TaskError);
  return r as EngineResult;
}
