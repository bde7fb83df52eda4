import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot, type LoadReport } from './loader';
import { mulberry32 as rng } from '../shared/mulberry32';

/** Demo customers for `npm start` on first start and for benchmarks. */
export interface DemoFeatureRow {
  readonly customer_id: string;
  readonly spend_personality: 'saver' | 'spender' | 'balanced';
  readonly recency_days: number;
  readonly sessions_30d: number;
  readonly risk_aversion: number;
  readonly loss_aversion: number;
}

const PERSONALITIES = ['saver', 'spender', 'balanced'] as const;
const DEMO_COLUMNS = ['customer_id', 'spend_personality', 'recency_days', 'sessions_30d', 'risk_aversion', 'loss_aversion'] as const;


export const demoCustomerId = (i: number): string => `c${String(i).padStart(4, '0')}`;

export function generateDemoFeatures(n: number, seed: number): DemoFeatureRow[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  const r = rng(seed);
  const rows: DemoFeatureRow[] = [];
  for (let i = 0; i < n; i++) {
    const personality = PERSONALITIES[Math.floor(r() * 3)];
    // Savers lean risk- and loss-averse so personalised policies have a signal to find.
    const lean = personality === 'saver' ? 0.25 : personality === 'spender' ? -0.25 : 0;
    const clamp = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
    rows.push({
      customer_id: demoCustomerId(i),
      spend_personality: personality,
      recency_days: Math.floor(r() * r() * 120),
      sessions_30d: Math.floor(r() * 30),
      risk_aversion: clamp(0.5 + lean + (r() - 0.5) * 0.6),
      loss_aversion: clamp(0.5 + lean + (r() - 0.5) * 0.6),
    });
  }
  return rows;
}

export function demoFeaturesCsv(rows: readonly DemoFeatureRow[]): string {
  const lines = [DEMO_COLUMNS.join(',')];
  for (const row of rows) lines.push(DEMO_COLUMNS.map((c) => row[c]).join(','));
  return lines.join('\n') + '\n';
}

/** Loads `n` demo customers (seed 42) as a new snapshot, through the same path as a real load. */
export async function loadDemoFeatures(dataDir: string, n = 10_000, seed = 42): Promise<LoadReport> {
  const dir = mkdtempSync(join(tmpdir(), 'nudge-demo-'));
  try {
    const file = join(dir, 'demo-features.csv');
    writeFileSync(file, demoFeaturesCsv(generateDemoFeatures(n, seed)));
    return await loadSnapshot({ dataDir, file, maxBadRows: 0, maxBadRatio: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
