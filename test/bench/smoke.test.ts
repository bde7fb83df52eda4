import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLineChart } from '../../bench/svg';
import { validateResult, type SuiteResult } from '../../bench/results';
import { summarize } from '../../bench/loadgen/driver';
import { encodeHistogram, newHistogram } from '../../bench/loadgen/histogram';
import { encodeDecideRequests, protoRoot } from '../../bench/loadgen/requests';
import type { RawLoadResult } from '../../bench/loadgen/types';
import { nudgeAvailable, parsePortLine, startTarget } from '../../bench/targets';
import { findGrpcStatus, requestHeaderBlock } from '../../bench/loadgen/h2frames';
import { runLoad } from '../../bench/loadgen/driver';
import { distPath } from '../../bench/paths';

const run = promisify(execFile);

/** Tag balance of an XML-ish document: every element opened is closed in order. */
function checkBalanced(xml: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) {
      const top = stack.pop();
      if (top !== name) throw new Error(`</${name}> closes <${String(top)}>`);
    } else stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  const text = xml.replace(re, '');
  if (/[<>]/.test(text) || /&(?!amp;|lt;|gt;|quot;)/.test(text)) throw new Error('unescaped text');
}

function checkSvg(svg: string): void {
  expect(svg.trimStart().startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  checkBalanced(svg);
}

function raw(partial: Partial<RawLoadResult>, latenciesUs: number[], latenessUs: number[]): RawLoadResult {
  const h = newHistogram();
  for (const v of latenciesUs) h.recordValue(v);
  const l = newHistogram();
  for (const v of latenessUs) l.recordValue(v);
  const enc = encodeHistogram(h);
  return {
    rate: 100, durationMs: 1000, warmupMs: 0, connections: 1, scheduled: latenciesUs.length, sent: latenciesUs.length,
    completed: latenciesUs.length, ok: latenciesUs.length, errors: {}, sendWindowMs: 1000, completeWindowMs: 1000,
    cpuUserMs: 10, cpuSystemMs: 5, wallMs: 1000, localQueueMax: 0,
    histograms: { fromScheduled: enc, okFromScheduled: enc, fromSent: enc, lateness: encodeHistogram(l) },
    ...partial,
  };
}

describe('svg writer', () => {
  it('writes a balanced SVG with escaped text, log axis and SLO line', () => {
    const svg = renderLineChart({
      title: 'p99 <against> rate & more',
      xLabel: 'rate',
      yLabel: 'ms',
      yLog: true,
      series: [
        { name: 'floor', points: [{ x: 500, y: 0.5 }, { x: 1000, y: 2 }], dashed: true },
        { name: 'nudge "x"', points: [{ x: 500, y: 0.7 }, { x: 1000, y: 30, hollow: true }] },
      ],
      hlines: [{ y: 10, label: 'SLO 10 ms' }],
    });
    checkSvg(svg);
    expect(svg).toContain('p99 &lt;against&gt; rate &amp; more');
    expect(svg).toContain('SLO 10 ms');
    expect(svg.match(/<polyline/g)?.length).toBe(2);
  });

  it('the balance check itself rejects broken markup', () => {
    expect(() => checkBalanced('<svg><g></svg>')).toThrow();
    expect(() => checkBalanced('<svg><text>a < b</text></svg>')).toThrow();
  });

  it('handles an empty chart and a linear axis', () => {
    checkSvg(renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', yLog: false, series: [] }));
    checkSvg(renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', yLog: false, series: [{ name: 'rss', points: [{ x: 0, y: 100 }, { x: 1, y: 101 }] }] }));
  });
});

describe('load generator pieces', () => {
  it('pre-encodes framed DecideRequests that decode back, with seeded customers', () => {
    const bodies = encodeDecideRequests({ campaign: 'bench-100', distinct: 8, seed: 1 });
    const type = protoRoot().lookupType('nudge.v1.DecideRequest');
    for (const b of bodies) {
      expect(b[0]).toBe(0);
      expect(b.readUInt32BE(1)).toBe(b.length - 5);
      const msg = type.toObject(type.decode(b.subarray(5))) as { campaign: string; customerId: string; numOffers: number };
      expect(msg.campaign).toBe('bench-100');
      expect(msg.customerId).toMatch(/^c\d{4}$/);
      expect(msg.numOffers).toBe(3);
    }
    expect(encodeDecideRequests({ distinct: 8, seed: 1 }).map(String)).toEqual(encodeDecideRequests({ distinct: 8, seed: 1 }).map(String));
    expect(protobuf.util).toBeDefined();
  });

  it('merges histograms of several processes and judges lateness', () => {
    const a = raw({}, [1000, 2000, 3000], [10, 20, 30]);
    const b = raw({}, [4000, 5000], [2_000, 3_000]);
    const s = summarize([a, b], { rate: 5, durationMs: 1000, warmupMs: 0, connections: 2 });
    expect(s.latencyMs.count).toBe(5);
    expect(s.latencyMs.max).toBeCloseTo(5, 1);
    expect(s.processes).toBe(2);
    expect(s.valid).toBe(false);
    expect(s.invalidReasons.join()).toMatch(/lateness/);
    const ok = summarize([raw({}, [1000, 1100], [10, 20])], { rate: 2, durationMs: 1000, warmupMs: 0, connections: 1 });
    expect(ok.valid).toBe(true);
    const slow = summarize([raw({ sent: 1, sendWindowMs: 1000 }, [1000], [10])], { rate: 100, durationMs: 1000, warmupMs: 0, connections: 1 });
    expect(slow.invalidReasons.join()).toMatch(/send rate/);
  });

  it('finds the port in server log lines', () => {
    expect(parsePortLine('{"event":"listening","port":40123,"address":"127.0.0.1:40123"}')).toBe(40123);
    expect(parsePortLine('{"level":30,"msg":"listening","address":"127.0.0.1:5051"}')).toBe(5051);
    expect(parsePortLine('nudge listening on 127.0.0.1:43210')).toBe(43210);
    expect(parsePortLine('loading campaigns from ./campaigns')).toBeUndefined();
  });

  it('result validation rejects a malformed result', () => {
    expect(validateResult({})).not.toEqual([]);
    expect(validateResult({ kind: 'nudge-bench', version: 1, profile: 'x', startedAt: 'a', finishedAt: 'b', machine: { cpus: 2, node: 'v20' }, scenarios: [{ id: 'm', capacity: {}, runs: [{}] }] })).toEqual(['scenarios[0].runs[0]']);
  });
});

describe('raw HTTP/2 client pieces', () => {
  const lit = (name: Buffer, huffman: boolean, value: string): Buffer =>
    Buffer.concat([Buffer.from([0x00, (huffman ? 0x80 : 0) | name.length]), name, Buffer.from([value.length]), Buffer.from(value)]);

  it('finds grpc-status with a raw or Huffman-coded name, after indexed fields and a table size update', () => {
    const huff = Buffer.from([0x9a, 0xca, 0xc8, 0xb2, 0x12, 0x34, 0xda, 0x8f]); // "grpc-status" (RFC 7541 Appendix B)
    expect(findGrpcStatus(Buffer.concat([Buffer.from([0x20, 0x88]), lit(Buffer.from('grpc-status'), false, '14')]))).toBe('14');
    expect(findGrpcStatus(Buffer.concat([Buffer.from([0x88]), lit(Buffer.from('x-other'), false, '3'), lit(huff, true, '0')]))).toBe('0');
    expect(findGrpcStatus(Buffer.concat([Buffer.from([0x88]), lit(Buffer.from('grpc-message'), false, '7')]))).toBeUndefined();
  });

  it('encodes a constant request header block with the path and authority', () => {
    const b = requestHeaderBlock('/nudge.v1.DecisionService/Decide', '127.0.0.1:1234');
    expect(b.subarray(0, 2)).toEqual(Buffer.from([0x83, 0x86]));
    expect(b.includes(Buffer.from('/nudge.v1.DecisionService/Decide'))).toBe(true);
    expect(b.includes(Buffer.from('application/grpc'))).toBe(true);
  });

  it('raw and node clients both complete every call against the floor with status OK', async () => {
    const floor = await startTarget({ name: 'floor', kind: 'floor' });
    try {
      for (const client of ['raw', 'node'] as const) {
        const s = await runLoad({ target: floor.address, rate: 200, durationMs: 1000, warmupMs: 200, connections: 2, client });
        expect(s.errors).toEqual({});
        expect(s.ok).toBe(s.scheduled);
        expect(s.scheduled).toBe(200);
      }
    } finally {
      await floor.close();
    }
  }, 120_000);
});

describe('suite smoke (compiled bench, separate processes)', () => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-bench-smoke-'));
    if (!fs.existsSync(distPath('bench', 'run.js'))) throw new Error('dist/bench/run.js is missing: run `npm run build` first');
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  async function smoke(targets: string, dir: string): Promise<SuiteResult> {
    fs.mkdirSync(dir, { recursive: true });
    await run(process.execPath, [distPath('bench', 'run.js'), '--smoke', '--targets', targets, '--variants', 'none', '--duration', '2000', '--out', dir], { timeout: 110_000 });
    const files = fs.readdirSync(dir);
    const json = files.filter((f) => f.endsWith('.json'));
    expect(json).toHaveLength(1);
    expect(files).toContain('latest.md');
    expect(files).toContain('p99-vs-rate.svg');
    checkSvg(fs.readFileSync(path.join(dir, 'p99-vs-rate.svg'), 'utf8'));
    const result = JSON.parse(fs.readFileSync(path.join(dir, json[0]), 'utf8')) as SuiteResult;
    expect(validateResult(result)).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'latest.md'), 'utf8')).toMatch(/^# Nudge benchmark \(smoke\)/);
    return result;
  }

  it('runs the floor and writes valid results with no errors', async () => {
    const result = await smoke('floor', path.join(out, 'floor'));
    expect(result.targets).toEqual(['floor']);
    const runs = result.scenarios.flatMap((s) => s.runs);
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.target).toBe('floor');
      expect(r.summary.errors).toEqual({});
      expect(r.summary.scheduled).toBeGreaterThan(0);
      expect(r.summary.ok).toBe(r.summary.scheduled);
      expect(r.summary.latencyMs.count).toBe(r.summary.scheduled);
    }
  }, 120_000);

  it.skipIf(!nudgeAvailable())('runs against Nudge too', async () => {
    const result = await smoke('floor,nudge', path.join(out, 'nudge'));
    const nudgeRuns = result.scenarios.flatMap((s) => s.runs).filter((r) => r.target === 'nudge');
    expect(result.scenarios[0].error).toBeUndefined();
    expect(nudgeRuns.length).toBeGreaterThan(0);
    for (const r of nudgeRuns) expect(r.summary.ok).toBe(r.summary.scheduled);
  }, 120_000);
});

describe('cost.js (compiled, a separate server process)', () => {
  it('reports CPU per request and, with --trace-gc, the collections of the measured time', async () => {
    // A 1 MB semi-space makes scavenges certain within a second at this rate; it also shows that
    // --node-arg reaches the server process.
    const { stdout } = await run(
      process.execPath,
      [distPath('bench', 'cost.js'), '--target', 'floor', '--rate', '300', '--duration', '1000', '--trace-gc', '--node-arg=--max-semi-space-size=1'],
      { timeout: 60_000 },
    );
    const r = JSON.parse(stdout) as {
      target: string;
      nodeArgs: string[];
      requests: number;
      errors: Record<string, number>;
      cpuUsPerRequest: { process: number; mainThread: number };
      gc: { scavenges: { count: number; promotedMB: number }; markCompacts: { count: number; pausesMs: number[] } };
    };
    expect(r.target).toBe('floor');
    expect(r.nodeArgs).toEqual(['--max-semi-space-size=1', '--trace-gc-nvp']);
    expect(r.requests).toBe(300);
    expect(r.errors).toEqual({});
    expect(r.cpuUsPerRequest.process).toBeGreaterThan(0);
    expect(r.gc.scavenges.count).toBeGreaterThan(0);
    expect(r.gc.markCompacts.pausesMs).toHaveLength(r.gc.markCompacts.count);
  }, 60_000);
});
