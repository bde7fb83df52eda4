#!/usr/bin/env node
// A batch job's way to send outcomes: decide for many customers, then stream the outcomes through an
// outcome writer (batched StreamOutcomes calls, bounded buffer, retries), and print the totals.
// Usage: node examples/outcome-writer.js [customers] [address]   (defaults: 1000, 127.0.0.1:50051)
// Needs the build (npm start or npm run build); the package refers to itself as 'nudge/client'.
'use strict';
const { NudgeClient } = require('nudge/client');

async function main() {
  const n = Number(process.argv[2] || 1000);
  const client = new NudgeClient({ address: process.argv[3] || '127.0.0.1:50051', deadlineMs: 10_000 });
  try {
    const customerIds = Array.from({ length: n }, (_, i) => `c${String(i % 10_000).padStart(4, '0')}`);
    const { decisions } = await client.decideBatch({ campaign: 'home-banner', customerIds });
    const writer = client.outcomeWriter({ batchSize: 500, maxBuffered: 2000 });
    for (const d of decisions) {
      if (d.offers.length === 0) continue;
      // Awaiting each write is the backpressure: it waits only while 2000 outcomes are unacknowledged.
      await writer.write({ decisionId: d.decisionId, offerId: d.offers[0].offerId, reward: Math.random() < 0.1 ? 1 : 0 });
    }
    const summary = await writer.close();
    console.log(JSON.stringify(summary));
  } finally {
    client.close();
  }
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exitCode = 1;
});
