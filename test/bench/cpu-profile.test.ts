import { describe, expect, it } from 'vitest';
import { attributeProfile, classifyFrame, COMPONENTS, nodeComponents, scaleToPerCall, topFunctions, type CpuProfile, type CpuProfileNode } from '../../bench/cpu-profile';

const ROOT = 'file:///tmp/nudge-scale-pkg-x';
const NM = 'file:///work/main/node_modules';

const frame = (id: number, functionName: string, url: string, children: number[] = []): CpuProfileNode => ({ id, callFrame: { functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 }, hitCount: 0, children });

/**
 * A hand-made profile. Tree:
 *   1 (root)
 *     2 (program)   3 (garbage collector)   4 (idle)
 *     5 grpc-js server.js -> 6 writev (native)  -> 20 node:internal/bootstrap getter (neutral)
 *     7 src/features/store.js -> 8 lmdb getBinaryFast
 *     9 src/store/decision-log.js -> 10 lmdb put -> 11 native utf8Write
 *     12 lmdb commit callback (no directly attributed caller)
 *     13 src/policies/thompson.js -> 14 node:buffer alloc
 *     15 src/server/validate.js
 *     16 some/unknown.js
 *     17 node:internal/http2/core
 *     18 prom-client counter
 *     19 src/server/fast-response.js
 */
function profile(): CpuProfile {
  const nodes = [
    frame(1, '(root)', '', [2, 3, 4, 5, 7, 9, 12, 13, 15, 16, 17, 18, 19]),
    frame(2, '(program)', ''),
    frame(3, '(garbage collector)', ''),
    frame(4, '(idle)', ''),
    frame(5, 'sendMetadata', `${NM}/@grpc/grpc-js/build/src/server-interceptors.js`, [6]),
    frame(6, 'writev', '', [20]),
    frame(7, 'get', `${ROOT}/dist/src/features/store.js`, [8]),
    frame(8, 'getBinaryFast', `${NM}/lmdb/dist/index.cjs`),
    frame(9, 'add', `${ROOT}/dist/src/store/decision-log.js`, [10]),
    frame(10, 'put', `${NM}/lmdb/dist/index.cjs`, [11]),
    frame(11, 'utf8Write', ''),
    frame(12, 'resolveWrites', `${NM}/lmdb/dist/index.cjs`),
    frame(13, 'rank', `${ROOT}/dist/src/policies/thompson.js`, [14]),
    frame(14, 'alloc', 'node:buffer'),
    frame(15, 'validateDecide', `${ROOT}/dist/src/server/validate.js`),
    frame(16, 'x', 'file:///elsewhere/unknown.js'),
    frame(17, 'respond', 'node:internal/http2/core'),
    frame(18, 'inc', `${NM}/prom-client/lib/counter.js`),
    frame(19, 'encodeDecideResponse', `${ROOT}/dist/src/server/fast-response.js`),
    frame(20, 'get', 'node:internal/bootstrap/node'),
  ];
  // One sample per listed node, 100 us apart, starting at t = 1,000,100 us; the last one repeated so
  // every listed sample has a successor (the last sample is weighted by the previous interval).
  const order = [2, 3, 4, 5, 6, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 13];
  return { nodes, startTime: 1_000_000, endTime: 1_000_000 + 100 * (order.length + 1), samples: order, timeDeltas: order.map(() => 100) };
}

describe('cpu profile attribution', () => {
  it('classifies pseudo-frames, packages, Nudge code and Node internals by the table', () => {
    expect(classifyFrame({ functionName: '(garbage collector)', url: '' })).toEqual({ component: 'gc', neutral: false });
    expect(classifyFrame({ functionName: '(idle)', url: '' }).component).toBe('idle');
    expect(classifyFrame({ functionName: '(program)', url: '' })).toEqual({ component: 'other', neutral: false });
    expect(classifyFrame({ functionName: 'JSON.parse', url: '' }).neutral).toBe(true);
    expect(classifyFrame({ functionName: 'f', url: `${NM}/@grpc/grpc-js/build/src/server.js` }).component).toBe('transport');
    expect(classifyFrame({ functionName: 'f', url: `${NM}/protobufjs/src/writer.js` }).component).toBe('transport');
    expect(classifyFrame({ functionName: 'f', url: `${ROOT}/dist/src/server/validate.js` }).component).toBe('validation');
    expect(classifyFrame({ functionName: 'f', url: `${ROOT}/dist/src/kernel/fallback.js` }).component).toBe('engine');
    expect(classifyFrame({ functionName: 'f', url: `${ROOT}/dist/src/contextual/score.js` }).component).toBe('engine');
    expect(classifyFrame({ functionName: 'f', url: `${ROOT}/dist/src/store/lmdb-store.js` }).component).toBe('log');
    expect(classifyFrame({ functionName: 'f', url: `${ROOT}/dist/src/observability/metrics.js` }).component).toBe('metrics');
    expect(classifyFrame({ functionName: 'f', url: `${NM}/pino/lib/proto.js` }).component).toBe('metrics');
    expect(classifyFrame({ functionName: 'f', url: `${NM}/ioredis/built/Redis.js` })).toEqual({ component: 'log', neutral: false });
    expect(classifyFrame({ functionName: 'f', url: 'node:net' }).component).toBe('transport');
    expect(classifyFrame({ functionName: 'f', url: 'node:internal/modules/cjs/loader' }).component).toBe('other');
    // A package's own src/ folder is not Nudge's.
    expect(classifyFrame({ functionName: 'f', url: `${NM}/somepkg/src/features/x.js` })).toEqual({ component: 'other', neutral: true });
    for (const c of COMPONENTS) expect(typeof c).toBe('string');
  });

  it('gives neutral frames (natives, lmdb, node:buffer) their nearest attributed caller\'s component', () => {
    const c = nodeComponents(profile());
    expect(c.get(6)).toBe('transport'); // writev under grpc-js
    expect(c.get(20)).toBe('transport'); // bootstrap getter under a native under grpc-js
    expect(c.get(8)).toBe('features'); // lmdb read under src/features
    expect(c.get(10)).toBe('log'); // lmdb put under src/store
    expect(c.get(11)).toBe('log'); // native under lmdb under src/store
    expect(c.get(12)).toBe('log'); // lmdb with no attributed caller: the rule's fallback
    expect(c.get(14)).toBe('engine'); // node:buffer under src/policies
    expect(c.get(16)).toBe('other');
    expect(c.get(19)).toBe('transport');
  });

  it('sums self time per component, leaves idle out, counts (program) apart', () => {
    const t = attributeProfile(profile());
    expect(t.samples).toBe(16);
    expect(t.idleUs).toBe(100);
    expect(t.us).toEqual({ transport: 500, validation: 100, features: 100, engine: 200, log: 200, metrics: 100, gc: 100, other: 200 });
    expect(t.busyUs).toBe(1500);
    expect(t.programUs).toBe(100);
  });

  it('selects the samples of a window of the monotonic clock', () => {
    // Samples are at 1,000,100 + 100 k; [1,000,400, 1,000,700) holds samples 3..5: grpc-js, writev, lmdb get.
    const t = attributeProfile(profile(), 1_000_400, 1_000_700);
    expect(t.samples).toBe(3);
    expect(t.us.transport).toBe(200);
    expect(t.us.features).toBe(100);
    expect(t.busyUs).toBe(300);
    expect(t.fromUs).toBe(1_000_400);
    expect(t.toUs).toBe(1_000_700);
    expect(attributeProfile(profile(), 0, 10).samples).toBe(0);
  });

  it('scales the shares to a per-call figure', () => {
    const t = attributeProfile(profile());
    const per = scaleToPerCall(t, 30);
    expect(per.transport).toBeCloseTo(10, 10);
    expect(per.gc).toBeCloseTo(2, 10);
    expect(Object.values(per).reduce((a, b) => a + b, 0)).toBeCloseTo(30, 10);
    expect(Object.values(scaleToPerCall({ ...t, busyUs: 0 }, 30)).every((v) => v === 0)).toBe(true);
  });

  it('lists the functions with most self time, idle left out', () => {
    const top = topFunctions(profile(), -Infinity, Infinity, 3);
    expect(top).toHaveLength(3);
    expect(top.every((x) => x.us === 100)).toBe(true);
    expect(topFunctions(profile(), -Infinity, Infinity, 50).some((x) => x.fn === '(idle)')).toBe(false);
  });
});
