import type { Registry } from 'prom-client';
import { type ServiceErrorCode, TributaryError } from './errors.ts';
import { EXIT_FAILURE } from './exit-codes.ts';
import { type GrpcEndpoint, GrpcServer } from './grpc-server.ts';
import { type HttpEndpoint, HttpServer } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';
import { Readiness, type ReadinessCheck } from './readiness.ts';
import type { ServiceConfig } from './service-settings.ts';
import { type ShutdownHook, ShutdownHooks, type ShutdownOutcome } from './shutdown-hooks.ts';

export type ServiceState = 'INITIALIZED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

/** Crash policy: runs after the fatal line is logged and before exit(1), within the shutdown deadline. */
export type FatalHandler = (error: unknown) => unknown;

export interface ServiceParts<C> {
  readonly name: string;
  readonly version: string;
  /** The service's own settings, loaded, plus the kit's under `service`. */
  readonly config: C & { readonly service: ServiceConfig };
  readonly onFatal: FatalHandler | undefined;
}

/** A running service's parts and its lifecycle: start, stop on signal, crash on a fatal error. */
export class Service<C> {
  readonly name: string;
  readonly version: string;
  readonly config: C & { readonly service: ServiceConfig };
  readonly logger: Logger;
  /** The service's metrics registry; register libs' and the service's own metrics on it. */
  readonly metrics: Registry;
  readonly readiness = new Readiness();
  /** Serves /metrics, /healthz and /readyz. */
  readonly http: HttpEndpoint;
  /** Carries grpc.health.v1.Health; add the service's own gRPC services before start(). */
  readonly grpc: GrpcEndpoint;
  readonly #http: HttpServer;
  readonly #grpc: GrpcServer;
  readonly #lifecycle: ReadinessCheck;
  readonly #hooks = new ShutdownHooks();
  readonly #onFatal: FatalHandler | undefined;
  #state: ServiceState = 'INITIALIZED';
  #crashed = false;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor({ name, version, config, onFatal }: ServiceParts<C>) {
    const { instanceId, logLevel, httpHost, httpPort, grpcHost, grpcPort } = config.service;
    this.name = name;
    this.version = version;
    this.config = config;
    this.#onFatal = onFatal;
    this.logger = createLogger({ service: name, instance: instanceId, level: logLevel });
    this.metrics = createMetricsRegistry(name, version);
    // Not ready outside RUNNING, whatever the other checks say.
    this.#lifecycle = this.readiness.register('lifecycle');
    this.#lifecycle.fail(this.#state);
    this.#http = new HttpServer({
      host: httpHost,
      port: httpPort,
      metrics: this.metrics,
      readiness: this.readiness,
      isAlive: () => this.#state !== 'FAILED',
    });
    this.#grpc = new GrpcServer(grpcHost, grpcPort);
    this.http = this.#http;
    this.grpc = this.#grpc;
    this.readiness.onChange((ready) => {
      this.#grpc.setServing(ready);
      if (ready) this.logger.info('service ready');
      else this.logger.info({ failing: this.readiness.failing() }, 'service not ready');
    });
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** Registers work to finish on stop; hooks run one at a time, in reverse order of registration. */
  onShutdown(hook: ShutdownHook, name = hook.name || 'anonymous shutdown hook'): void {
    this.#hooks.add(hook, name);
  }

  /** Opens the HTTP and gRPC ports; the service is ready once every readiness check passes too. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /**
   * Marks the service not ready, runs the shutdown hooks within the deadline, then closes the servers.
   * Rejects with SERVICE_SHUTDOWN_TIMEOUT or SERVICE_SHUTDOWN_FAILED when the hooks did not all finish.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Applies the crash policy: logs the error as fatal, runs `onFatal`, and exits with code 1. */
  fail(error: unknown): void {
    if (this.#crashed) return;
    this.#crashed = true;
    this.logger.fatal({ err: error }, 'fatal error; exiting');
    this.#enter('FAILED');
    // Shutdown hooks are skipped on purpose: after an unexpected error the in-flight work is suspect,
    // so offsets stay uncommitted and the group's next owner reprocesses it (at-least-once).
    setTimeout(() => process.exit(EXIT_FAILURE), this.config.service.shutdownDeadline);
    Promise.resolve()
      .then(() => this.#onFatal?.(error))
      .catch((hookError: unknown) => this.logger.error({ err: hookError }, 'onFatal failed'))
      .finally(() => process.exit(EXIT_FAILURE));
  }

  async #start(): Promise<void> {
    if (this.#state !== 'INITIALIZED') throw invalidState('start', this.#state);
    this.#enter('STARTING');
    try {
      await Promise.all([this.#http.listen(), this.#grpc.listen()]);
    } catch (error) {
      this.#enter('FAILED');
      throw new TributaryError<ServiceErrorCode>('SERVICE_START_FAILED', 'could not open the service ports', {
        cause: error,
        context: { httpPort: this.config.service.httpPort, grpcPort: this.config.service.grpcPort },
      });
    }
    // stop() may have begun while the ports were opening.
    if (this.#stopping !== undefined) return;
    this.#enter('RUNNING', {
      version: this.version,
      httpPort: this.http.address?.port,
      grpcPort: this.grpc.address?.port,
    });
  }

  async #stop(): Promise<void> {
    // Let a start in progress finish binding, so its ports get closed below.
    await this.#starting?.catch(() => undefined);
    this.#enter('STOPPING');
    const deadlineMs = this.config.service.shutdownDeadline;
    const stopBy = Date.now() + deadlineMs;
    const outcome = await this.#hooks.run(deadlineMs, this.logger);
    const graceMs = Math.max(0, stopBy - Date.now());
    await Promise.all([this.#http.close(graceMs), this.#grpc.close(graceMs)]);
    const incomplete = incompleteShutdown(outcome, deadlineMs);
    if (incomplete !== undefined) {
      this.#enter('FAILED');
      throw incomplete;
    }
    this.#enter('STOPPED');
  }

  #enter(state: ServiceState, details: Record<string, unknown> = {}): void {
    this.#state = state;
    this.logger.info({ state, ...details }, `service ${state.toLowerCase()}`);
    if (state === 'RUNNING') this.#lifecycle.pass();
    else this.#lifecycle.fail(state);
  }
}

function invalidState(action: string, state: ServiceState): TributaryError<ServiceErrorCode> {
  return new TributaryError('SERVICE_INVALID_STATE', `cannot ${action} a service that is ${state}`, {
    context: { state },
  });
}

function incompleteShutdown(
  { failed, unfinished }: ShutdownOutcome,
  deadlineMs: number,
): TributaryError<ServiceErrorCode> | undefined {
  if (unfinished.length > 0) {
    return new TributaryError('SERVICE_SHUTDOWN_TIMEOUT', 'shutdown hooks exceeded the deadline', {
      context: { deadlineMs, unfinished },
    });
  }
  if (failed.length > 0) {
    return new TributaryError('SERVICE_SHUTDOWN_FAILED', 'shutdown hooks failed', { context: { failed } });
  }
  return undefined;
}
