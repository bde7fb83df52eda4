import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/nudge';

/**
 * How every part of Nudge (server, clients, tests, reflection) loads nudge.proto. The generated types in
 * src/generated/ describe objects shaped by exactly these options (scripts/gen-proto.js passes the
 * matching flags): camelCase fields, 64-bit integers as JS numbers, enums as their names, defaults for
 * missing fields, and virtual oneof fields.
 */
export const PROTO_LOADER_OPTIONS: Readonly<protoLoader.Options> = Object.freeze({
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

const PROTO_RELATIVE = path.join('proto', 'nudge', 'v1', 'nudge.proto');

let cachedRoot: string | undefined;
let cachedDefinition: protoLoader.PackageDefinition | undefined;
let cachedGrpcObject: ProtoGrpcType | undefined;

/**
 * The package root: the nearest ancestor holding package.json and the proto file. Walking up (rather
 * than a fixed '..') makes the same code work from src/ (vitest) and from dist/src/ (after tsc); the
 * proto check skips a package.json that tsc may copy into dist/.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, PROTO_RELATIVE))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the nudge package root (with ${PROTO_RELATIVE}) above ${__dirname}`);
    dir = parent;
  }
}

/** Absolute path of proto/nudge/v1/nudge.proto. */
export function protoPath(): string {
  return path.join(packageRoot(), PROTO_RELATIVE);
}

/** The loaded PackageDefinition (cached); the reflection service needs it in this raw form. */
export function nudgePackageDefinition(): protoLoader.PackageDefinition {
  cachedDefinition ??= protoLoader.loadSync(protoPath(), { ...PROTO_LOADER_OPTIONS });
  return cachedDefinition;
}

/** Service constructors and message types of nudge.v1, typed by the generated ProtoGrpcType (cached). */
export function loadNudgeProto(): ProtoGrpcType {
  // loadPackageDefinition returns an untyped GrpcObject; the generated interface is its precise shape.
  cachedGrpcObject ??= grpc.loadPackageDefinition(nudgePackageDefinition()) as unknown as ProtoGrpcType;
  return cachedGrpcObject;
}
