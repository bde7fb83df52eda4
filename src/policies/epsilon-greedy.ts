import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { checkMatrixOut, checkRankArgs, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U8Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Epsilon-greedy, slot by slot: with probability 1 - epsilon the remaining arm with the best score
 * (posterior mean times boost; ties to the lower index), otherwise a uniform remaining arm.
 *
 * Propensities are exact. They depend only on an arm's position q in the greedy order, on k, on the
 * slate size m and on epsilon — not on the values — so the (k x m) table by position is computed once
 * per (k, m) by the dynamic program in `positionTable` and cached.
 */

const DEFAULTS = { epsilon: 0.1 } as const;
const KNOWN = [...DECAY_PARAMS, 'epsilon'] as const;

/**
 * P[q * m + j] = probability that the arm at greedy position q (0 = best) is shown in slot j.
 *
 * State after some picks: positions 0..p-1 all taken, position p free, and a set S of s taken
 * positions above p. By symmetry of the uniform picks, S is a uniform s-subset of the L = k - p - 1
 * positions above p, so (p, s) is a Markov state. From it, with r = k - p - s free arms:
 * - position p is picked with probability (1 - eps) + eps / r; the prefix then also absorbs the run of
 *   t taken positions right above p, with P(t >= u) = C(L - u, s - u) / C(L, s);
 * - each free position above p is picked with probability eps / r; a given position q > p is free
 *   with probability 1 - s / L, which is what its marginal gets; the state becomes (p, s + 1).
 */
export function positionTable(k: number, m: number, eps: number): Float64Array {
  const P = new Float64Array(k * m);
  const stride = m + 1;
  let cur = new Float64Array((k + 1) * stride);
  let next = new Float64Array((k + 1) * stride);
  const diff = new Float64Array(k + 1);
  cur[0] = 1;
  for (let j = 0; j < m; j++) {
    next.fill(0);
    diff.fill(0);
    for (let p = 0; p <= k; p++) {
      for (let s = 0; s <= j; s++) {
        const w = cur[p * stride + s];
        if (w === 0) continue;
        const r = k - p - s;
        const L = k - p - 1;
        const pickFirst = 1 - eps + eps / r;
        P[p * m + j] += w * pickFirst;
        if (L > 0 && p + 1 < k) {
          // every free-able position above p: constant mass, added through a difference array
          const c = (w * (1 - s / L) * eps) / r;
          diff[p + 1] += c;
          diff[k] -= c;
        }
        // picked position p: absorb a run of t taken positions
        let atLeast = 1;
        for (let u = 0; u <= s; u++) {
          const atLeastNext = u < s ? (atLeast * (s - u)) / (L - u) : 0;
          const pt = atLeast - atLeastNext;
          if (pt > 0) next[(p + 1 + u) * stride + (s - u)] += w * pickFirst * pt;
          atLeast = atLeastNext;
        }
        if (r > 1) next[p * stride + s + 1] += (w * eps * (r - 1)) / r;
      }
    }
    let acc = 0;
    for (let q = 0; q < k; q++) {
      acc += diff[q];
      P[q * m + j] += acc;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return P;
}

export function createEpsilonGreedy(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('epsilon-greedy', params, KNOWN);
  const update = makeBetaUpdate(readDecay('epsilon-greedy', params));
  const eps = readNumber('epsilon-greedy', params, 'epsilon', DEFAULTS.epsilon, 'a number between 0 and 1', (x) => x >= 0 && x <= 1);

  const scoreBuf = new F64Scratch();
  const uBuf = new F64Scratch();
  const takenBuf = new U8Scratch();
  const tables = new Map<number, Float64Array>();

  function table(k: number, m: number): Float64Array {
    const key = k * 65536 + m;
    let t = tables.get(key);
    if (t === undefined) {
      t = positionTable(k, m, eps);
      tables.set(key, t);
    }
    return t;
  }

  function scores(arms: ArmsView): Float64Array {
    const s = scoreBuf.view(arms.k);
    for (let i = 0; i < arms.k; i++) s[i] = posteriorMean(arms, i) * arms.boosts[i];
    return s;
  }

  /** Greedy position of arm i: how many arms beat it (higher score, or equal score and lower index). */
  function position(s: Float64Array, k: number, i: number): number {
    const v = s[i];
    let q = 0;
    for (let x = 0; x < k; x++) if (s[x] > v || (s[x] === v && x < i)) q++;
    return q;
  }

  return {
    name: 'epsilon-greedy',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('epsilon-greedy', arms, n);
      const k = arms.k;
      const s = scores(arms);
      const u = uBuf.view(2 * m);
      ctx.kernel.uniform(u);
      const taken = takenBuf.view(k);
      taken.fill(0);
      const P = table(k, m);
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        let pick = -1;
        if (u[2 * j] < eps) {
          const r = k - j;
          let target = Math.floor(u[2 * j + 1] * r);
          if (target >= r) target = r - 1;
          for (let i = 0; i < k; i++) {
            if (taken[i] === 1) continue;
            if (target === 0) {
              pick = i;
              break;
            }
            target--;
          }
        } else {
          for (let i = 0; i < k; i++) {
            if (taken[i] === 1) continue;
            if (pick === -1 || s[i] > s[pick]) pick = i;
          }
        }
        taken[pick] = 1;
        out[j] = makeRanked(pick, s[pick], posteriorMean(arms, pick), P[position(s, k, pick) * m + j]);
      }
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, _ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('epsilon-greedy', arms, n);
      checkMatrixOut('epsilon-greedy', arms, m, out);
      const s = scores(arms);
      const P = table(arms.k, m);
      for (let i = 0; i < arms.k; i++) {
        const q = position(s, arms.k, i);
        for (let j = 0; j < m; j++) out[i * m + j] = P[q * m + j];
      }
    },

    update,
  };
}
