import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What one connection to the stream does; the server plays them in order, one per request. */
export type ConnectionScript = (response: ServerResponse, request: IncomingMessage) => Promise<void>;

export interface RuleRequest {
  readonly method: string;
  readonly body: unknown;
}

/**
 * A local stand-in for api.x.com that speaks the filtered stream's wire format: chunked HTTP, one
 * JSON object per "\r\n"-terminated line, bare "\r\n" keep-alives, errors objects, and the rules
 * endpoint. Each stream request runs the next script, so a test lays out a sequence of connections.
 */
export class WireServer {
  readonly token: string;
  readonly ruleRequests: RuleRequest[] = [];
  readonly streamRequests: string[] = [];
  rules: { id: string; value: string; tag?: string }[] = [];
  /** Rule values the server refuses as invalid, with its error details. */
  invalidRules = new Map<string, string>();
  readonly #scripts: ConnectionScript[];
  readonly #server: Server;
  #nextRuleId = 100;

  constructor(token: string, scripts: ConnectionScript[]) {
    this.token = token;
    this.#scripts = [...scripts];
    this.#server = createServer((request, response) => {
      void this.#handle(request, response).catch(() => response.destroy());
    });
  }

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }),
      );
      return;
    }
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/2/tweets/search/stream/rules') return this.#rulesEndpoint(request, response);
    if (url.pathname === '/2/tweets/search/stream') {
      this.streamRequests.push(url.search);
      const script = this.#scripts.shift();
      if (script === undefined) {
        // Out of script: a quiet but healthy stream.
        response.writeHead(200, { 'content-type': 'application/json' });
        while (!response.destroyed) {
          response.write('\r\n');
          await sleep(50);
        }
        return;
      }
      return script(response, request);
    }
    response.writeHead(404).end();
  }

  async #rulesEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    this.ruleRequests.push({ method: request.method ?? '', body });
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (request.method === 'GET') {
      return reply(
        200,
        this.rules.length === 0
          ? { meta: { result_count: 0 } }
          : { data: this.rules, meta: { result_count: this.rules.length } },
      );
    }
    if (body?.delete) {
      const ids: string[] = body.delete.ids;
      this.rules = this.rules.filter((rule) => !ids.includes(rule.id));
      return reply(200, { meta: { summary: { deleted: ids.length, not_deleted: 0 } } });
    }
    const added: { value: string; tag?: string }[] = body?.add ?? [];
    const errors = added
      .filter((rule) => this.invalidRules.has(rule.value))
      .map((rule) => ({
        value: rule.value,
        title: 'Invalid Rule',
        details: [this.invalidRules.get(rule.value)],
        type: 'https://api.twitter.com/2/problems/invalid-rules',
      }));
    const created = added
      .filter((rule) => !this.invalidRules.has(rule.value))
      .map((rule) => ({ id: String(this.#nextRuleId++), ...rule }));
    if (errors.length === 0) this.rules.push(...created);
    return reply(200, {
      ...(errors.length === 0 ? { data: created } : {}),
      meta: {
        summary: {
          created: errors.length === 0 ? created.length : 0,
          not_created: added.length,
          valid: created.length,
          invalid: errors.length,
        },
      },
      ...(errors.length === 0 ? {} : { errors }),
    });
  }
}

/** Starts a 200 stream response the way X does (chunked: no content-length). */
export function openStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.flushHeaders();
}

/** Writes `bytes` in two chunks cut at `at`, a pause between, so the client sees two reads. */
export async function writeCut(response: ServerResponse, bytes: Buffer, at: number): Promise<void> {
  response.write(bytes.subarray(0, at));
  await sleep(30);
  response.write(bytes.subarray(at));
}

/** Waits until the client has gone (closed or aborted the request). */
export async function untilClientGone(response: ServerResponse): Promise<void> {
  if (response.destroyed || response.socket?.destroyed) return;
  await once(response, 'close');
}
