import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { ServiceProcess } from '@tributary/demo';
import { service as healthService } from 'grpc-health-check';

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

/** A fixture service of this folder run as a real process (see ServiceProcess in deploy/demo). */
export function startFixtureService(fixture: string, env: Record<string, string>): ServiceProcess {
  return new ServiceProcess(
    fixture,
    fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url)),
    env,
  );
}

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

/** Reads one sample of a Prometheus text exposition, matching every given label. */
export function sample(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
