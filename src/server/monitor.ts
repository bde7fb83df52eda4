import type { CampaignConfig } from '../campaigns/types';
import type { LearningStore } from '../store/types';
import type { DriftMonitor } from './drift';
import { SeriesWindows } from './series-window';
import type { StatsMonitor, StatsWindow } from './stats';

/** The windowed parts of GetCampaignStats and of the monitoring metrics, over one store. */
export function statsMonitor(store: LearningStore, drift: DriftMonitor | null, o: { calibrationWindowMs: number; seriesRetentionMs: number }): StatsMonitor & { drop(campaign: string): void } {
  const windows = new SeriesWindows(store);
  return {
    defaultWindowMs: Math.min(o.calibrationWindowMs, o.seriesRetentionMs),
    retentionMs: o.seriesRetentionMs,
    async window(c: CampaignConfig, windowMs: number): Promise<StatsWindow> {
      const { bucket } = await windows.sum(c.name, windowMs, Date.now());
      return { bucket, windowMs, drift: drift?.report(c) ?? [] };
    },
    drop(campaign: string): void {
      windows.drop(campaign);
      drift?.drop(campaign);
    },
  };
}
