import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { h2loadArgs, parseH2loadLog, parseH2loadSummary, percentile } from '../../bench/h2load';

describe('h2load report and log parsing', () => {
  it('parses the final report of a run (h2load 1.52 format)', () => {
    const s = parseH2loadSummary(fs.readFileSync(path.join(__dirname, 'fixtures', 'h2load-closed.txt'), 'utf8'));
    expect(s.reqPerSecond).toBeCloseTo(14352.25, 2);
    expect(s).toMatchObject({ total: 57409, done: 57409, succeeded: 57400, failed: 9, errored: 0, timeout: 0 });
    expect(s.status).toEqual({ '2xx': 57390, '3xx': 0, '4xx': 10, '5xx': 0 });
    expect(s.non2xx).toBe(19);
    expect(() => parseH2loadSummary('h2load: could not connect')).toThrow(/no report/);
  });

  it('computes percentiles of the 2xx answers from a --log-file, and counts the rest', () => {
    // start_us, status, duration_us: 100 answers of 1..100 ms, one failed stream, one 503.
    const rows: string[] = [];
    for (let i = 1; i <= 100; i++) rows.push(`${1_796_319_644_000_000 + i * 1000}\t200\t${i * 1000}`);
    rows.push(`${1_796_319_644_000_000 + 101_000}\t-1\t5000`);
    rows.push(`${1_796_319_644_000_000 + 102_000}\t503\t700`);
    const text = `${rows.join('\n')}\n\nnot\ta row\n`;
    const s = parseH2loadLog(text);
    expect(s.requests).toBe(102);
    expect(s.status).toEqual({ '200': 100, '-1': 1, '503': 1 });
    expect(s.non2xx).toBe(2);
    expect(s.latencyMs.count).toBe(100);
    expect(s.latencyMs.p50).toBe(50);
    expect(s.latencyMs.p90).toBe(90);
    expect(s.latencyMs.p99).toBe(99);
    expect(s.latencyMs.max).toBe(100);
    expect(s.latencyMs.mean).toBe(50.5);
    // From the first start (t+1 ms) to the last end (t+100 ms + 100 ms).
    expect(s.windowMs).toBe(199);
  });

  it('takes extra columns and an empty log', () => {
    expect(parseH2loadLog('1\t200\t1500\textra\n').latencyMs.p99).toBe(1.5);
    const e = parseH2loadLog('');
    expect(e.requests).toBe(0);
    expect(e.latencyMs.p99).toBe(0);
    expect(e.achievedRate).toBe(0);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([], 0.99)).toBe(0);
    expect(percentile([5], 0.99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});

describe('h2load command lines', () => {
  const base = { address: '127.0.0.1:5051', path: '/nudge.v1.DecisionService/Decide', bodyFile: '/tmp/body.bin', connections: 4, streams: 16, durationMs: 4000, warmupMs: 1000 };

  it('closed loop: connections, streams, duration and warm-up, the gRPC headers and the body', () => {
    const a = h2loadArgs(base);
    expect(a.slice(0, 8)).toEqual(['-c', '4', '-m', '16', '-t', '1', '-D', '4000ms']);
    expect(a).toContain('--warm-up-time=1000ms');
    expect(a).toContain('content-type: application/grpc');
    expect(a).toContain('te: trailers');
    expect(a[a.indexOf('-d') + 1]).toBe('/tmp/body.bin');
    expect(a[a.length - 1]).toBe('http://127.0.0.1:5051/nudge.v1.DecisionService/Decide');
    expect(a.some((x) => x.startsWith('--rps'))).toBe(false);
    expect(h2loadArgs({ ...base, warmupMs: 0 }).some((x) => x.startsWith('--warm-up-time'))).toBe(false);
  });

  it('open loop: --rps is per connection, and a log file', () => {
    const a = h2loadArgs({ ...base, rate: 1000, logFile: '/tmp/log.tsv', durationMs: 2500 });
    expect(a).toContain('--rps=250');
    expect(a).toContain('--log-file=/tmp/log.tsv');
    // Whole milliseconds: h2load 1.52 refuses a decimal such as 2.5s.
    expect(a).toContain('2500ms');
    expect(() => h2loadArgs({ ...base, rate: 1001 })).toThrow(/per connection/);
  });
});
