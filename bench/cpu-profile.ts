/**
 * Where a server's main-thread CPU time goes, by component, from a V8 CPU profile (`node --cpu-prof`,
 * a `.cpuprofile` JSON file): self time of every sample in a time window, each sample attributed to
 * one component by the script URL (and, for V8's pseudo-frames, the function name) of the frame it
 * was taken in. The one table below (COMPONENT_RULES) is the whole mapping; docs/benchmarks.md lists it.
 *
 * Frames are of three kinds:
 *  - pseudo-frames: "(garbage collector)" is GC, "(idle)" is not CPU time and is left out,
 *    "(program)" (V8 or native code outside any JS frame) and "(root)" are "other";
 *  - frames a rule of the table names directly (grpc-js is transport, src/features is features, ...);
 *  - "neutral" frames: natives without a URL (JSON.parse, TypedArray methods, writev, ...) and helper
 *    libraries that several components call (lmdb, msgpackr, node:buffer, node:events, ...). Their
 *    time goes to the nearest caller that a rule names directly: lmdb's get under src/features is
 *    features, its put under src/store is log. With no such caller a neutral rule's own fallback
 *    applies (lmdb: log, since its commit callbacks run from its own code), else "other".
 *
 * Timestamps in a .cpuprofile are microseconds of the machine's monotonic clock (the one
 * process.hrtime reads), so a window measured by another process on the same machine selects the
 * samples of that window.
 */

export const COMPONENTS = ['transport', 'validation', 'features', 'engine', 'log', 'metrics', 'gc', 'other'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly scriptId?: string | number; readonly lineNumber?: number; readonly columnNumber?: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  /** Microseconds, monotonic clock. */
  readonly startTime: number;
  readonly endTime: number;
  /** Node id of each sample. */
  readonly samples: readonly number[];
  /** Microseconds from the previous sample (from startTime for the first). */
  readonly timeDeltas: readonly number[];
}

interface Rule {
  /** Matched against the frame's URL (file:///.../dist/src/features/store.js, node:internal/http2/core, ...). */
  readonly url: RegExp;
  /** The frame's component; for a neutral rule, the fallback when no caller is attributed directly. */
  readonly component: Component;
  /** Neutral: the time goes to the nearest caller a direct rule names. */
  readonly neutral?: boolean;
  readonly why: string;
}

/**
 * The mapping, first match wins. Nudge's own code is matched by its path under src/ (compiled to
 * dist/src/), only outside node_modules (packages have src/ folders too).
 */
export const COMPONENT_RULES: readonly Rule[] = [
  // Packages
  { url: /\/node_modules\/@grpc\//, component: 'transport', why: 'grpc-js (server, HTTP/2 glue) and proto-loader' },
  { url: /\/node_modules\/(protobufjs|@protobufjs)\//, component: 'transport', why: 'message (de)serialisation for grpc-js' },
  { url: /\/node_modules\/(lmdb|@lmdb|msgpackr|@msgpackr-extract|ordered-binary)\//, component: 'log', neutral: true, why: 'LMDB: feature reads under src/features, decision log and state writes under src/store' },
  { url: /\/node_modules\/(ioredis|@ioredis|redis-parser|redis-errors|cluster-key-slot|denque|standard-as-callback)\//, component: 'log', why: 'the Redis client of the shared store (NUDGE_STORE=redis://): learning-state and decision-log traffic; node:net time of its socket still counts as transport' },
  { url: /\/node_modules\/(prom-client|bintrees|tdigest)\//, component: 'metrics', why: 'Prometheus metrics' },
  { url: /\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify|@pinojs)\//, component: 'metrics', why: 'logging (observability)' },
  { url: /\/node_modules\/(piscina)\//, component: 'engine', why: 'worker pool of the engine (NUDGE_MODE=pool)' },
  { url: /\/node_modules\//, component: 'other', neutral: true, why: 'any other package: its caller\'s component' },
  // Nudge
  { url: /\/src\/server\/validate\.[jt]s$/, component: 'validation', why: 'request validation' },
  { url: /\/src\/server\/fast-response\.[jt]s$/, component: 'transport', why: 'Nudge\'s own DecideResponse encoder: the work protobufjs does for the floor' },
  { url: /\/src\/features\//, component: 'features', why: 'feature store reads and feature plans' },
  { url: /\/src\/(engine|policies|kernel|contextual|models|campaigns|fatigue|sessions)\//, component: 'engine', why: 'routing, policies, sampling kernel, scoring, campaign rules' },
  { url: /\/src\/(store|decisions)\//, component: 'log', why: 'decision log, learning state, decision ids' },
  { url: /\/src\/(observability|monitoring)\/|\/src\/server\/(drift|monitor|series-window|stats|experiment-checks)\.[jt]s$/, component: 'metrics', why: 'metrics, logging, monitors' },
  // Node itself
  { url: /^node:(buffer|events|util|internal\/buffer|internal\/util|internal\/errors|internal\/validators|internal\/querystring|internal\/url|internal\/crypto\/|internal\/bootstrap\/)/, component: 'other', neutral: true, why: 'Node helpers any code calls (Buffer, EventEmitter, process getters, lazy loading): its caller\'s component' },
  { url: /^node:internal\/(modules|main)\//, component: 'other', why: 'module loading, start-up' },
  { url: /^node:/, component: 'transport', why: 'Node internals: http2, net, streams, timers, the tick queue' },
];

/** Frames without a URL (natives, builtins): the caller's component, "other" without one. */
const NATIVE_FALLBACK: Component = 'other';

export type Attribution = { readonly component: Component; readonly neutral: boolean } | { readonly component: 'idle'; readonly neutral: false };

/** The component of one frame, before its callers are looked at. */
export function classifyFrame(callFrame: CpuProfileNode['callFrame']): Attribution {
  const { functionName, url } = callFrame;
  if (url === '') {
    if (functionName === '(garbage collector)') return { component: 'gc', neutral: false };
    if (functionName === '(idle)') return { component: 'idle', neutral: false };
    if (functionName === '(program)' || functionName === '(root)') return { component: 'other', neutral: false };
    return { component: NATIVE_FALLBACK, neutral: true };
  }
  for (const r of COMPONENT_RULES) if (r.url.test(url)) return { component: r.component, neutral: r.neutral === true };
  return { component: 'other', neutral: false };
}

export interface ComponentTimes {
  /** Self time (us) of the samples in the window, by component; idle left out. */
  readonly us: Record<Component, number>;
  readonly busyUs: number;
  readonly idleUs: number;
  /** Of us.other: the "(program)" pseudo-frame, native time with no JS on the stack (nghttp2, libuv I/O, V8 runtime). */
  readonly programUs: number;
  readonly samples: number;
  /** The window actually covered (us, monotonic clock). */
  readonly fromUs: number;
  readonly toUs: number;
}

/** The component of every node: its own, or for a neutral frame the nearest directly attributed caller's. */
export function nodeComponents(profile: CpuProfile): Map<number, Component | 'idle'> {
  const parent = new Map<number, number>();
  const byId = new Map<number, CpuProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, Component | 'idle'>();
  const resolve = (id: number): Component | 'idle' => {
    const m = memo.get(id);
    if (m !== undefined) return m;
    const node = byId.get(id);
    let out: Component | 'idle' = 'other';
    if (node) {
      const own = classifyFrame(node.callFrame);
      if (!own.neutral) out = own.component;
      else {
        // Walk up to the first frame that is not neutral; the root pseudo-frame means "no caller".
        let p = parent.get(id);
        let found: Component | 'idle' | null = null;
        while (p !== undefined) {
          const pn = byId.get(p);
          if (!pn) break;
          const pa = classifyFrame(pn.callFrame);
          if (pn.callFrame.functionName === '(root)' && pn.callFrame.url === '') break;
          if (!pa.neutral) {
            found = pa.component;
            break;
          }
          p = parent.get(p);
        }
        out = found ?? own.component;
      }
    }
    memo.set(id, out);
    return out;
  };
  for (const n of profile.nodes) resolve(n.id);
  return memo;
}

/**
 * Self time by component of the samples taken in [fromUs, toUs) (the whole profile when omitted).
 * A sample's weight is the time to the next sample (the last one gets the previous interval), the
 * way Chrome DevTools counts self time.
 */
export function attributeProfile(profile: CpuProfile, fromUs = -Infinity, toUs = Infinity): ComponentTimes {
  const comp = nodeComponents(profile);
  const us = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  let idleUs = 0;
  let programUs = 0;
  const program = new Set(profile.nodes.filter((x) => x.callFrame.url === '' && x.callFrame.functionName === '(program)').map((x) => x.id));
  let samples = 0;
  const n = Math.min(profile.samples.length, profile.timeDeltas.length);
  const times: number[] = new Array<number>(n);
  let t = profile.startTime;
  for (let i = 0; i < n; i++) {
    t += profile.timeDeltas[i]!;
    times[i] = t;
  }
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const at = times[i]!;
    if (at < fromUs || at >= toUs) continue;
    const w = i + 1 < n ? times[i + 1]! - at : i > 0 ? at - times[i - 1]! : 0;
    if (w <= 0) continue;
    const c = comp.get(profile.samples[i]!) ?? 'other';
    samples++;
    first = Math.min(first, at);
    last = Math.max(last, at + w);
    if (c === 'idle') idleUs += w;
    else us[c] += w;
    if (program.has(profile.samples[i]!)) programUs += w;
  }
  const busyUs = COMPONENTS.reduce((a, c) => a + us[c], 0);
  return { us, busyUs, idleUs, programUs, samples, fromUs: Number.isFinite(first) ? first : 0, toUs: Number.isFinite(last) ? last : 0 };
}

/** Each component's share of the busy time, times `perCallUs` (the /proc main-thread CPU per call). */
export function scaleToPerCall(t: ComponentTimes, perCallUs: number): Record<Component, number> {
  const out = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  if (t.busyUs <= 0) return out;
  for (const c of COMPONENTS) out[c] = (t.us[c] / t.busyUs) * perCallUs;
  return out;
}

/** The functions with the most self time in the window (for the JSON: what to look at first). */
export function topFunctions(profile: CpuProfile, fromUs: number, toUs: number, k = 15): { fn: string; url: string; component: Component | 'idle'; us: number }[] {
  const comp = nodeComponents(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const acc = new Map<string, { fn: string; url: string; component: Component | 'idle'; us: number }>();
  let t = profile.startTime;
  const n = Math.min(profile.samples.length, profile.timeDeltas.length);
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((t += profile.timeDeltas[i]!));
  for (let i = 0; i < n; i++) {
    const at = times[i]!;
    if (at < fromUs || at >= toUs) continue;
    const w = i + 1 < n ? times[i + 1]! - at : 0;
    const node = byId.get(profile.samples[i]!);
    if (!node || w <= 0) continue;
    const c = comp.get(node.id) ?? 'other';
    if (c === 'idle') continue;
    const url = node.callFrame.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
    const key = `${node.callFrame.functionName}|${url}|${node.callFrame.lineNumber ?? ''}`;
    const e = acc.get(key) ?? { fn: node.callFrame.functionName || '(anonymous)', url: `${url}${node.callFrame.lineNumber !== undefined && node.callFrame.lineNumber >= 0 ? `:${node.callFrame.lineNumber + 1}` : ''}`, component: c, us: 0 };
    e.us += w;
    acc.set(key, e);
  }
  return [...acc.values()].sort((a, b) => b.us - a.us).slice(0, k).map((e) => ({ ...e, us: Math.round(e.us) }));
}
