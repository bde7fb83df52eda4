/**
 * One generator process (forked by driver.ts): gets its options, connects, reports ready, waits for the
 * shared start instant, runs its share of the schedule and sends the raw result back over IPC.
 */
import { performance } from 'node:perf_hooks';
import { runSchedule } from './generator';
import { connectTransport, type Transport } from './transport';
import type { ChildMessage, LoadOptions, ParentMessage } from './types';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) throw new Error('bench/loadgen/child must be started with an IPC channel');
    process.send(msg, undefined, undefined, () => resolve());
  });
}

let options: LoadOptions | undefined;
let transport: Transport | undefined;

process.on('message', (raw: ParentMessage) => {
  void handle(raw).catch(async (err: unknown) => {
    await send({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exit(1);
  });
});

async function handle(msg: ParentMessage): Promise<void> {
  if (msg.type === 'options') {
    options = msg.options;
    transport = await connectTransport(options.target, options.connections, options.client);
    await send({ type: 'ready' });
    return;
  }
  if (!options || !transport) throw new Error('start before options');
  // Epoch time converts to this process's monotonic clock once; the run itself uses only the latter.
  const startPerf = performance.now() + (msg.startAtEpochMs - Date.now());
  const result = await runSchedule(options, transport, startPerf);
  transport.close();
  await send({ type: 'result', result });
  process.exit(0);
}
