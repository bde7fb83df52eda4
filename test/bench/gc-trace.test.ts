import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGcLine, summarizeGc, type GcEvent } from '../../bench/gc-trace';

// Three lines written by `node --trace-gc-nvp` (Node 20) while Nudge served 3,000 req/s, and one log line.
const lines = fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-gc-nvp.txt'), 'utf8').trim().split('\n');

describe('parseGcLine', () => {
  it('reads a scavenge: kind, time, pause, promoted bytes and heap sizes', () => {
    const e = parseGcLine(lines[0]!);
    expect(e).toMatchObject({ kind: 's', atMs: 52, pauseMs: 1.2, promotedBytes: 219960, sizeBeforeBytes: 5074528, sizeAfterBytes: 4516696 });
  });

  it('reads the phases of a mark-compact, percentages as plain numbers', () => {
    const e = parseGcLine(lines[3]!)!;
    expect(e.kind).toBe('mc');
    expect(e.pauseMs).toBe(19.3);
    expect(e.fields['clear.external_string_table']).toBe(5.3);
    expect(e.fields.sweep).toBe(7.3);
    expect(e.fields.promotion_ratio).toBeTypeOf('number');
  });

  it('returns null for lines that are not GC trace lines', () => {
    expect(parseGcLine(lines[2]!)).toBeNull();
    expect(parseGcLine('')).toBeNull();
    expect(parseGcLine('[1:0x1]  5 ms: Scavenge 1.0 (2.0) -> 0.5 (2.0) MB, 0.3 / 0.0 ms')).toBeNull();
  });
});

describe('summarizeGc', () => {
  it('totals scavenges and lists each mark-compact with its phases', () => {
    const events = lines.map(parseGcLine).filter((e): e is GcEvent => e !== null);
    const s = summarizeGc(events);
    expect(s.scavenges).toEqual({ count: 2, pauseMsTotal: 2.6, pauseMsMax: 1.4, promotedMB: 0.9 });
    expect(s.markCompacts.count).toBe(1);
    expect(s.markCompacts.pausesMs).toEqual([19.3]);
    expect(s.markCompacts.heapBeforeMB).toEqual([72]);
    expect(s.markCompacts.liveAfterMB).toEqual([23.1]);
    expect(s.markCompacts.phasesMs).toMatchObject({ sweep: 7.3, evacuate: 3.2, 'clear.external_string_table': 5.3 });
  });

  it('is all zeros without events', () => {
    const s = summarizeGc([]);
    expect(s.scavenges.count).toBe(0);
    expect(s.markCompacts.pausesMs).toEqual([]);
  });
});
