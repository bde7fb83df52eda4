import type * as grpc from '@grpc/grpc-js';

/** Starts one client-streaming call; the callback gets its single response. */
export type OpenStream<T, S> = (callback: grpc.requestCallback<S>) => grpc.ClientWritableStream<T>;

/**
 * Sends one batch as one client-streaming call and resolves with the server's summary. Writes wait
 * for 'drain' so that a batch never sits in grpc-js's memory all at once faster than the connection
 * takes it; the server's own pause() (src/server/outcome-service.ts) reaches us this way too.
 */
export function sendBatch<T, S>(open: OpenStream<T, S>, batch: readonly T[]): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    let settled = false;
    const stream = open((err, res) => {
      settled = true;
      if (err !== null) reject(err);
      else if (res === undefined) reject(new Error('the server answered without a summary'));
      else resolve(res);
    });
    // The outcome arrives through the callback; a stream 'error' event adds nothing but must not
    // become an uncaught exception.
    stream.on('error', () => undefined);
    let i = 0;
    const writeMore = (): void => {
      while (i < batch.length) {
        if (settled) return;
        if (!stream.write(batch[i++])) {
          stream.once('drain', writeMore);
          return;
        }
      }
      stream.end();
    };
    writeMore();
  });
}
