import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** grpc.health.v1.Health/Check for the overall status ("") or a named service. */
export function grpcHealth(address: string, service = ''): Promise<string> {
  const check = healthService.Check;
  if (check === undefined) throw new Error('grpc-health-check has no Check method');
  const client = new Client(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      (error: ServiceError | null, response?: unknown) => {
        if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
        else resolve((response as { status: string }).status);
      },
    );
  }).finally(() => client.close());
}
