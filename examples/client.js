#!/usr/bin/env node
// A minimal Nudge client: asks for an offer, then reports that the customer clicked it.
// Usage: node examples/client.js [customer_id] [address]   (defaults: c0001, 127.0.0.1:50051)
'use strict';
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const def = protoLoader.loadSync(path.join(__dirname, '..', 'proto', 'nudge', 'v1', 'nudge.proto'), {
  keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true,
});
const { nudge } = grpc.loadPackageDefinition(def);
const address = process.argv[3] || '127.0.0.1:50051';
const client = new nudge.v1.DecisionService(address, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 1000);

client.decide(
  { campaign: 'home-banner', customerId: process.argv[2] || 'c0001', channel: 'app', numOffers: 2 },
  { deadline: deadline() },
  (err, decision) => {
    if (err) throw err;
    console.log(JSON.stringify(decision, null, 2));
    const top = decision.offers[0];
    client.reportOutcome({ decisionId: decision.decisionId, offerId: top.offerId, reward: 1 }, { deadline: deadline() }, (err2, ack) => {
      if (err2) throw err2;
      console.log('outcome:', JSON.stringify(ack));
      client.close();
    });
  },
);
