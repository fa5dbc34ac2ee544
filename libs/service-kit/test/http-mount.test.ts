import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HttpServer } from '../src/http-server.ts';
import { Readiness } from '../src/readiness.ts';

describe("a service's own handler mounted on the kit's HTTP server", () => {
  const server = new HttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics: new Registry(),
    readiness: new Readiness(),
    isAlive: () => true,
  });
  let base: string;

  before(async () => {
    server.mount('/pages', (request, response) => {
      if (request.url === '/pages/broken') throw new Error('handler failed');
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`page ${request.url}`);
    });
    await server.listen();
    base = `http://127.0.0.1:${server.address?.port}`;
  });

  after(() => server.close(1000));

  it('serves the prefix and everything under it, and leaves the kit paths and other paths alone', async () => {
    assert.equal(await (await fetch(`${base}/pages`)).text(), 'page /pages');
    assert.equal(await (await fetch(`${base}/pages/a/b?c=1`)).text(), 'page /pages/a/b?c=1');
    assert.equal((await fetch(`${base}/pagesX`)).status, 404);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('answers 500 when the handler throws, and keeps serving', async () => {
    assert.equal((await fetch(`${base}/pages/broken`)).status, 500);
    assert.equal((await fetch(`${base}/pages`)).status, 200);
  });

  it('refuses to mount over the kit paths or a malformed prefix', () => {
    for (const prefix of ['/metrics', '/healthz', '/readyz', 'pages', '/pages/', '/', '//x']) {
      assert.throws(() => server.mount(prefix, () => undefined), TypeError, prefix);
    }
  });
});
