/**
 * V8's `--trace-gc-nvp` lines, read back: how often a server under test stopped for garbage collection,
 * for how long, how much it promoted to the old generation, and which phases a mark-compact's pause
 * was spent in. The tail of both servers is set by these pauses, so the benchmark reports them beside
 * the CPU time instead of leaving them to a hand-run --trace-gc.
 */

/** One collection, from one trace line. */
export interface GcEvent {
  /** V8's code: "s" scavenge, "mc" mark-compact (full), others as printed (e.g. "mmc"). */
  readonly kind: string;
  /** Milliseconds since the isolate started. */
  readonly atMs: number;
  /** Main-thread pause. */
  readonly pauseMs: number;
  readonly promotedBytes: number;
  readonly sizeBeforeBytes: number;
  readonly sizeAfterBytes: number;
  /** Every other numeric name=value pair of the line, e.g. "sweep", "evacuate", "clear.external_string_table". */
  readonly fields: Readonly<Record<string, number>>;
}

const LINE = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: (pause=.*)$/;

/** The event of one trace line, or null for any other line the process wrote. */
export function parseGcLine(line: string): GcEvent | null {
  const m = LINE.exec(line.trim());
  if (m === null) return null;
  const fields: Record<string, number> = {};
  let kind = '';
  for (const pair of m[2]!.split(' ')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (name === 'gc') {
      kind = raw;
      continue;
    }
    // Ratios are printed with a % sign; the rest are plain numbers.
    const v = Number(raw.endsWith('%') ? raw.slice(0, -1) : raw);
    if (Number.isFinite(v)) fields[name] = v;
  }
  if (kind === '' || fields.pause === undefined) return null;
  return {
    kind,
    atMs: Number(m[1]),
    pauseMs: fields.pause,
    promotedBytes: fields.promoted ?? 0,
    sizeBeforeBytes: fields.total_size_before ?? 0,
    sizeAfterBytes: fields.total_size_after ?? 0,
    fields,
  };
}

/** Main-thread phases of a mark-compact pause worth naming (V8 prints many more, most near zero). */
export const MARK_COMPACT_PHASES = ['mark', 'clear', 'clear.external_string_table', 'evacuate', 'sweep', 'finish'] as const;

export interface GcSummary {
  readonly scavenges: { readonly count: number; readonly pauseMsTotal: number; readonly pauseMsMax: number; readonly promotedMB: number };
  readonly markCompacts: {
    readonly count: number;
    readonly pausesMs: number[];
    /** Heap size when each one started and what was live after it, MB. */
    readonly heapBeforeMB: number[];
    readonly liveAfterMB: number[];
    /** Sum over all mark-compacts of each named phase, ms. */
    readonly phasesMs: Record<string, number>;
  };
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;
const mb = (bytes: number): number => round(bytes / 1e6);

export function summarizeGc(events: readonly GcEvent[]): GcSummary {
  const sc = events.filter((e) => e.kind === 's');
  const mc = events.filter((e) => e.kind === 'mc');
  const phasesMs: Record<string, number> = {};
  for (const p of MARK_COMPACT_PHASES) phasesMs[p] = round(mc.reduce((a, e) => a + (e.fields[p] ?? 0), 0));
  return {
    scavenges: {
      count: sc.length,
      pauseMsTotal: round(sc.reduce((a, e) => a + e.pauseMs, 0)),
      pauseMsMax: round(sc.reduce((a, e) => Math.max(a, e.pauseMs), 0)),
      promotedMB: mb(sc.reduce((a, e) => a + e.promotedBytes, 0)),
    },
    markCompacts: {
      count: mc.length,
      pausesMs: mc.map((e) => round(e.pauseMs)),
      heapBeforeMB: mc.map((e) => mb(e.sizeBeforeBytes)),
      liveAfterMB: mc.map((e) => mb(e.sizeAfterBytes)),
      phasesMs,
    },
  };
}
