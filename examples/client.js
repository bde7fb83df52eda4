#!/usr/bin/env node
// A minimal Nudge client: asks for two offers, then reports that the customer clicked the first.
// Usage: node examples/client.js [customer_id] [address]   (defaults: c0001, 127.0.0.1:50051)
// Needs the build (npm start or npm run build); the package refers to itself as 'nudge/client'.
'use strict';
const { NudgeClient, NudgeError } = require('nudge/client');

async function main() {
  const client = new NudgeClient({ address: process.argv[3] || '127.0.0.1:50051', deadlineMs: 1000 });
  try {
    const decision = await client.decide({ campaign: 'home-banner', customerId: process.argv[2] || 'c0001', channel: 'app', numOffers: 2 });
    console.log(JSON.stringify(decision, null, 2));
    const top = decision.offers[0];
    if (top === undefined) return; // no_action: the campaign decided to show nothing
    // Retried on UNAVAILABLE / RESOURCE_EXHAUSTED: the server keeps one outcome per decision and offer.
    const ack = await client.reportOutcome({ decisionId: decision.decisionId, offerId: top.offerId, reward: 1 });
    console.log('outcome:', JSON.stringify(ack));
  } finally {
    client.close();
  }
}

main().catch((err) => {
  // NudgeError: err.code (grpc status), err.nudgeCode (NUDGE_CAMPAIGN_NOT_FOUND, ...), err.reason.
  console.error(err instanceof NudgeError ? `${err.nudgeCode ?? err.codeName}: ${err.reason}` : err);
  process.exitCode = 1;
});
