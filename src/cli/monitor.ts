import { Command, InvalidArgumentError } from 'commander';
import type { CampaignStats__Output } from '../generated/nudge/v1/CampaignStats';
import type { ListCampaignsResponse__Output } from '../generated/nudge/v1/ListCampaignsResponse';
import { ALERT_DEFAULTS, alertsOf, formatReport } from './monitor-report';
import { adminCaller, withClientOptions, type ClientFlags } from './remote';

interface MonitorFlags extends ClientFlags {
  campaign?: string[];
  window?: number;
  json?: boolean;
  check?: boolean;
  maxEce: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v.trim());
  if (m === null || Number(m[1]) <= 0) throw new InvalidArgumentError('must be a duration such as 24h, 90m, 7d or milliseconds');
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}

function unitInterval(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

/** GetCampaignStats of the named campaigns, or of every campaign the server has. */
export async function fetchStats(flags: MonitorFlags): Promise<CampaignStats__Output[]> {
  const admin = adminCaller(flags);
  try {
    const names = flags.campaign ?? (await admin.call<object, ListCampaignsResponse__Output>('ListCampaigns', {})).campaigns.map((c) => c.name);
    return await Promise.all(names.map((campaign) => admin.call<object, CampaignStats__Output>('GetCampaignStats', { campaign, windowMs: flags.window ?? 0 })));
  } finally {
    admin.close();
  }
}

export function monitorCommand(): Command {
  const cmd = new Command('monitor')
    .description('report calibration, feature drift, sample ratio mismatch and uplift of a running server\'s campaigns')
    .option('--campaign <name...>', 'only these campaigns (default: all)')
    .option('--window <duration>', 'calibration window, e.g. 1h, 24h, 7d (default: the server\'s NUDGE_CALIBRATION_WINDOW)', duration)
    .option('--json', 'print {stats, alerts} as JSON instead of text')
    .option('--check', 'exit with status 2 when there is an alert (for cron jobs and CI)')
    .option('--max-ece <x>', 'calibration alert above this ECE (with at least 1000 outcomes in the window)', unitInterval, ALERT_DEFAULTS.maxEce);
  withClientOptions(cmd, 30_000).action(async (flags: MonitorFlags) => {
    const stats = await fetchStats(flags);
    const alerts = alertsOf(stats, { ...ALERT_DEFAULTS, maxEce: flags.maxEce });
    process.stdout.write(flags.json === true ? JSON.stringify({ stats, alerts }, null, 2) + '\n' : formatReport(stats, alerts));
    if (flags.check === true && alerts.length > 0) process.exitCode = 2;
  });
  return cmd;
}
