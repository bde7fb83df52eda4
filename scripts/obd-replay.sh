#!/usr/bin/env bash
# Replays Nudge's `thompson` policy over the Open Bandit Dataset random/men log THROUGH THE RUNNING
# gRPC SERVICE (issue 5, section 3): loads the log's user features with the CLI, starts a server with a
# 34-offer campaign (item-0 .. item-33), calls Decide per logged event and ReportOutcome for the matched
# ones, and reports the replay CTR with a bootstrap interval beside the logged random and BTS CTRs.
# Usage: npm run replay:obd [-- OUT.json]      (OBD_DIR overrides ../shared/data/obd)
set -euo pipefail
cd "$(dirname "$0")/.."
obd=${OBD_DIR:-../shared/data/obd}
out=${1:-bench/results/obd-replay.json}
[ -f "$obd/random/men/men.csv" ] || { echo "no OBD sample at $obd (set OBD_DIR)" >&2; exit 1; }
cli="node dist/src/cli/main.js"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/campaigns"
node -e '
const offers = Array.from({ length: 34 }, (_, i) => `  - id: item-${i}`).join("\n");
// reward_wait_ms: a year, so unmatched decisions never receive a default reward during the replay.
process.stdout.write(`name: obd-men\npolicy: thompson\ncontrol_share: 0\ndefault_offer: item-0\nreward_wait_ms: 31536000000\noffers:\n${offers}\n`);
' > "$work/campaigns/obd-men.yaml"
$cli features load "$obd/random/men/men.csv" --data-dir "$work/data" \
  --exclude timestamp,item_id,position,click,propensity_score >&2
NUDGE_DATA_DIR="$work/data" NUDGE_CAMPAIGNS="$work/campaigns" NUDGE_LISTEN=127.0.0.1:0 NUDGE_DEMO=0 \
  NUDGE_METRICS_LISTEN=off NUDGE_SEED=1 $cli serve > "$work/server.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log" >&2; echo "server did not start" >&2; exit 1; }
$cli evaluate --logs "$obd/random/men/men.csv" --policy thompson --service "127.0.0.1:$port" \
  --campaign obd-men --position pooled --compare "$obd/bts/men/men.csv" --resamples 2000 --json "$out"
echo "report: $out" >&2
