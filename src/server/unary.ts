import type * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../errors';

export type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** A unary handler from a function that returns (or resolves to) the response or throws. */
export function unary<Req, Res>(fn: (req: Req) => Res | Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    let out: Res | Promise<Res>;
    try {
      out = fn(call.request);
    } catch (err) {
      callback(toServiceError(err));
      return;
    }
    Promise.resolve(out).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}
