import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ListenAddress } from './listen-address.ts';
import type { Readiness } from './readiness.ts';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: Registry;
  readonly readiness: Readiness;
  /** Liveness: false only once the service has FAILED, so the kubelet restarts it. */
  readonly isAlive: () => boolean;
}

/** Answers a request under a path a service mounted; it writes the response itself (streams too). */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** What a service sees of its HTTP server. */
export interface HttpEndpoint {
  /** The bound address; undefined until the service has started. */
  readonly address: ListenAddress | undefined;
  /**
   * Serves `prefix` (e.g. `/hashtags`: that path and everything under `/hashtags/`) with the service's
   * own handler, beside /metrics, /healthz and /readyz, which cannot be mounted over.
   */
  mount(prefix: string, handler: HttpHandler): void;
}

type Reply = { readonly status: number; readonly contentType: string; readonly body: string };

const JSON_TYPE = 'application/json; charset=utf-8';
const KIT_PATHS = new Set(['/metrics', '/healthz', '/readyz']);
const TEXT_TYPE = 'text/plain; charset=utf-8';

function json(status: number, body: unknown): Reply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

/** Serves /metrics, /healthz and /readyz for Prometheus and the kubelet. */
export class HttpServer implements HttpEndpoint {
  readonly #options: HttpServerOptions;
  readonly #server: Server;
  readonly #mounts = new Map<string, HttpHandler>();

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  get address(): ListenAddress | undefined {
    const address = this.#server.address() as AddressInfo | null;
    return address === null ? undefined : { host: address.address, port: address.port };
  }

  listen(): Promise<void> {
    const { host, port } = this.#options;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting connections; requests still open after `graceMs` are cut. */
  close(graceMs: number): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      const cut = setTimeout(() => this.#server.closeAllConnections(), graceMs);
      this.#server.close(() => {
        clearTimeout(cut);
        resolve();
      });
    });
  }

  mount(prefix: string, handler: HttpHandler): void {
    if (!/^\/[^/]/.test(prefix) || prefix.endsWith('/') || KIT_PATHS.has(prefix)) {
      throw new TypeError(
        `cannot mount '${prefix}': a path like /name, other than ${[...KIT_PATHS].join(', ')}`,
      );
    }
    this.#mounts.set(prefix, handler);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const mounted = this.#mounted(request.url ?? '/');
    if (mounted !== undefined) {
      try {
        await mounted(request, response);
      } catch (error) {
        if (response.headersSent) response.destroy();
        else {
          response.writeHead(500, { 'content-type': TEXT_TYPE });
          response.end(`request failed: ${String(error)}\n`);
        }
      }
      return;
    }
    const reply = await this.#route(request);
    response.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store' });
    response.end(reply.body);
  }

  #mounted(url: string): HttpHandler | undefined {
    const path = new URL(url, 'http://localhost').pathname;
    for (const [prefix, handler] of this.#mounts) {
      if (path === prefix || path.startsWith(`${prefix}/`)) return handler;
    }
    return undefined;
  }

  async #route({ method, url = '/' }: IncomingMessage): Promise<Reply> {
    if (method !== 'GET' && method !== 'HEAD') return json(405, { error: 'only GET and HEAD are served' });
    switch (new URL(url, 'http://localhost').pathname) {
      case '/metrics':
        return this.#metrics();
      case '/healthz':
        return this.#options.isAlive() ? json(200, { status: 'alive' }) : json(503, { status: 'failed' });
      case '/readyz':
        return this.#options.readiness.ready
          ? json(200, { status: 'ready' })
          : json(503, { status: 'not ready', failing: this.#options.readiness.failing() });
      default:
        return json(404, { error: 'not found; try /metrics, /healthz or /readyz' });
    }
  }

  async #metrics(): Promise<Reply> {
    const { metrics } = this.#options;
    try {
      return { status: 200, contentType: metrics.contentType, body: await metrics.metrics() };
    } catch (error) {
      // A broken collector must not take the other metrics down with an unhandled rejection.
      return { status: 500, contentType: TEXT_TYPE, body: `collecting metrics failed: ${String(error)}\n` };
    }
  }
}
