import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as descriptor from 'protobufjs/ext/descriptor';
import { packageRoot } from '../../src/proto';

/**
 * A minimal grpc.reflection.v1 client over grpc-js, with the reflection proto @grpc/reflection ships:
 * what grpcurl does to list and describe services.
 */
interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

interface ReflectionClient extends grpc.Client {
  ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionResponse>;
}

function client(address: string): ReflectionClient {
  const file = path.join(packageRoot(), 'node_modules', '@grpc', 'reflection', 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  const def = grpc.loadPackageDefinition(protoLoader.loadSync(file, { keepCase: false, longs: String, oneofs: true })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient } } };
  };
  return new def.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
}

function ask(address: string, req: object): Promise<ReflectionResponse> {
  const c = client(address);
  return new Promise((resolve, reject) => {
    const stream = c.ServerReflectionInfo();
    stream.on('data', (res: ReflectionResponse) => {
      resolve(res);
      stream.end();
    });
    stream.on('error', (err) => reject(err));
    stream.on('end', () => c.close());
    stream.write(req);
  });
}

export async function listServices(address: string): Promise<string[]> {
  const res = await ask(address, { listServices: '' });
  if (res.listServicesResponse === undefined) throw new Error(`no list_services_response: ${JSON.stringify(res)}`);
  return res.listServicesResponse.service.map((s) => s.name).sort();
}

export interface DescribedService {
  readonly file: string;
  readonly methods: { name: string; inputType: string; outputType: string; clientStreaming: boolean }[];
}

/** Describes a service from the file descriptors the server returns for its symbol. */
export async function describeService(address: string, fullName: string): Promise<DescribedService> {
  const res = await ask(address, { fileContainingSymbol: fullName });
  if (res.fileDescriptorResponse === undefined) throw new Error(`no file_descriptor_response: ${JSON.stringify(res)}`);
  const pkg = fullName.slice(0, fullName.lastIndexOf('.'));
  const name = fullName.slice(fullName.lastIndexOf('.') + 1);
  for (const bytes of res.fileDescriptorResponse.fileDescriptorProto) {
    const fd = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as {
      name: string;
      package?: string;
      service?: { name: string; method?: { name: string; inputType: string; outputType: string; clientStreaming?: boolean }[] }[];
    };
    if ((fd.package ?? '') !== pkg) continue;
    const svc = fd.service?.find((s) => s.name === name);
    if (svc === undefined) continue;
    return {
      file: fd.name,
      methods: (svc.method ?? []).map((m) => ({ name: m.name, inputType: m.inputType, outputType: m.outputType, clientStreaming: m.clientStreaming === true })),
    };
  }
  throw new Error(`${fullName} not found in the returned descriptors`);
}

/** Asks for a symbol the server does not have; resolves with the error code of the error_response. */
export async function unknownSymbolError(address: string, symbol: string): Promise<number | null> {
  const res = await ask(address, { fileContainingSymbol: symbol });
  return res.errorResponse?.errorCode ?? null;
}
