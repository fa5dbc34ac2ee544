import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HashtagTop } from '@tributary/topics';
import type { TopView } from '../ranking/top-view.ts';
import { resolveWindow } from '../ranking/window-query.ts';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
/** Chart.js is served from node_modules: the page works without internet access. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/hashtags/': { file: join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/hashtags/app.js': { file: join(PAGE_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/hashtags/chart.umd.min.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

export interface HashtagPageOptions {
  /** How often an idle event stream gets a comment line, so proxies do not close it. */
  readonly keepAliveMs?: number;
  /** Changes of the view within this long are pushed as one event. */
  readonly coalesceMs?: number;
  readonly onClients?: (count: number) => void;
}

/**
 * The live page of the current window's top hashtags, mounted at `/hashtags` on the kit's HTTP
 * server: `/hashtags/` the page, `/hashtags/top.json` the current top (or `?window=<start>`),
 * `/hashtags/stream` Server-Sent Events `top` with the current top on connect and whenever it changes.
 */
export class HashtagPage {
  readonly #view: TopView;
  readonly #options: HashtagPageOptions;
  readonly #clients = new Set<ServerResponse>();
  readonly #unsubscribe: () => void;
  readonly #keepAlive: NodeJS.Timeout;
  #pending: NodeJS.Timeout | undefined;
  #lastSent: string | undefined;

  constructor(view: TopView, options: HashtagPageOptions = {}) {
    this.#view = view;
    this.#options = options;
    this.#unsubscribe = view.subscribe(() => this.#scheduleBroadcast());
    this.#keepAlive = setInterval(() => {
      for (const client of this.#clients) client.write(': keep-alive\n\n');
    }, options.keepAliveMs ?? 15_000);
  }

  /** Ends the event streams (browsers reconnect, to another instance if this one goes). */
  close(): void {
    this.#unsubscribe();
    clearInterval(this.#keepAlive);
    clearTimeout(this.#pending);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  /** Answers a request under /hashtags. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply(response, 405, { error: 'only GET and HEAD are served' });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/hashtags') {
      response.writeHead(301, { location: '/hashtags/' });
      response.end();
      return;
    }
    const asset = STATIC[url.pathname];
    if (asset !== undefined) {
      const body = await readFile(asset.file);
      response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
      response.end(body);
      return;
    }
    switch (url.pathname) {
      case '/hashtags/top.json':
        this.#topJson(url, response);
        return;
      case '/hashtags/stream':
        this.#stream(response);
        return;
      default:
        reply(response, 404, { error: 'not found; try /hashtags/, /hashtags/top.json or /hashtags/stream' });
    }
  }
  #topJson(url: URL, response: ServerResponse): void {
    const resolved = resolveWindow(this.#view, url.searchParams.get('window') ?? '');
    if (resolved.kind === 'invalid') reply(response, 400, { error: resolved.reason });
    else if (resolved.kind === 'missing') reply(response, 404, { error: resolved.reason });
    else reply(response, 200, resolved.top);
  }

  #stream(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write('retry: 3000\n\n');
    const current = this.#view.current();
    if (current !== undefined) response.write(event(current));
    this.#clients.add(response);
    this.#options.onClients?.(this.#clients.size);
    response.on('close', () => {
      this.#clients.delete(response);
      this.#options.onClients?.(this.#clients.size);
    });
  }

  #scheduleBroadcast(): void {
    if (this.#pending !== undefined) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      const current = this.#view.current();
      if (current === undefined) return;
      const message = event(current);
      if (message === this.#lastSent) return;
      this.#lastSent = message;
      for (const client of this.#clients) client.write(message);
    }, this.#options.coalesceMs ?? 200);
  }
}

function event(top: HashtagTop): string {
  return `event: top\ndata: ${JSON.stringify(top)}\n\n`;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
