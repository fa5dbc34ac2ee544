import {
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { type ServiceErrorCode, TributaryError } from './errors.ts';
import type { ListenAddress } from './listen-address.ts';

/** The overall status in grpc.health.v1, which probes query with an empty service name. */
const OVERALL = '';

/**
 * SERVING from listen to close whatever the readiness: a liveness probe on it restarts a wedged
 * process, not one that is riding out a broker or sink outage (that is readiness).
 */
export const LIVENESS_HEALTH_NAME = 'tributary.liveness';

/** '/tributary.query.v1.Query/Get' → 'tributary.query.v1.Query'. */
function serviceNameOf(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  if (method === undefined) throw new TypeError('a gRPC service definition needs at least one method');
  return method.path.split('/')[1] ?? method.path;
}

/** What a service sees of its gRPC server. */
export interface GrpcEndpoint {
  /** The bound address; undefined until the service has started. */
  readonly address: ListenAddress | undefined;
  /** Adds one of the service's own gRPC services; grpc-js serves from bind on, so only before start(). */
  addService<I extends UntypedServiceImplementation>(
    definition: ServiceDefinition<I>,
    implementation: I,
  ): void;
}

/**
 * The service's gRPC server, always carrying grpc.health.v1.Health. Health reports SERVING only while
 * the service is ready, for the overall status and for every service added here; the liveness name
 * answers SERVING while the server listens.
 */
export class GrpcServer implements GrpcEndpoint {
  readonly #host: string;
  readonly #port: number;
  readonly #server = new Server();
  readonly #health = new HealthImplementation({
    [OVERALL]: 'NOT_SERVING',
    [LIVENESS_HEALTH_NAME]: 'NOT_SERVING',
  });
  readonly #names: string[] = [OVERALL];
  #status: ServingStatus = 'NOT_SERVING';
  #boundPort: number | undefined;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
    this.#health.addToServer(this.#server);
  }

  get address(): ListenAddress | undefined {
    return this.#boundPort === undefined ? undefined : { host: this.#host, port: this.#boundPort };
  }

  addService<I extends UntypedServiceImplementation>(
    definition: ServiceDefinition<I>,
    implementation: I,
  ): void {
    const name = serviceNameOf(definition);
    if (this.#boundPort !== undefined) {
      const context = { service: name };
      throw new TributaryError<ServiceErrorCode>(
        'SERVICE_INVALID_STATE',
        'add gRPC services before start()',
        { context },
      );
    }
    this.#server.addService(definition, implementation);
    this.#names.push(name);
    this.#health.setStatus(name, this.#status);
  }

  setServing(serving: boolean): void {
    this.#status = serving ? 'SERVING' : 'NOT_SERVING';
    for (const name of this.#names) this.#health.setStatus(name, this.#status);
  }

  listen(): Promise<void> {
    // IPv6 literals need brackets in a gRPC target.
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(`${host}:${this.#port}`, ServerCredentials.createInsecure(), (error, port) => {
        if (error !== null) return reject(error);
        this.#boundPort = port;
        this.#health.setStatus(LIVENESS_HEALTH_NAME, 'SERVING');
        resolve();
      });
    });
  }

  /** Lets calls in progress finish; after `graceMs` the rest (e.g. health Watch streams) are cancelled. */
  close(graceMs: number): Promise<void> {
    if (this.#boundPort === undefined) return Promise.resolve();
    this.#health.setStatus(LIVENESS_HEALTH_NAME, 'NOT_SERVING');
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
