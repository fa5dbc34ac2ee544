import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
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

/** grpc.health.v1.Health/Check through grpc-health-check's own service definition. */
export async function checkHealth(address: string, service: string): Promise<string> {
  const check = healthService.Check;
  if (check === undefined) throw new Error('grpc-health-check has no Check method');
  const response = (await unary(address, check, { service })) as { status: string };
  return response.status;
}

export function ping(address: string, message: string): Promise<Ping> {
  return unary(address, pingService.ping, { message });
}
