import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { type Ping, pingService } from '../fixtures/ping-service.ts';

function unary<Request, Response>(
  address: string,
  method: {
    readonly path: string;
    readonly requestSerialize: (value: Request) => Buffer;
    readonly responseDeserialize: (bytes: Buffer) => Response;
  },
  request: Request,
): Promise<Response> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise<Response>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      (error: ServiceError | null, response?: Response) => {
        if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
        else resolve(response);
      },
    );
  }).finally(() => client.close());
}

export function ping(address: string, message: string): Promise<Ping> {
  return unary(address, pingService.ping, { message });
}
