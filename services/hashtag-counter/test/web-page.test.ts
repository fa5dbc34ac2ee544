import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HashtagTop } from '@tributary/topics';
import { type Browser, chromium } from 'playwright-core';
import { HashtagPage } from '../src/web/hashtag-page.ts';
import { TAGS, TopFixture, topOf, windowStart } from './ranking-support.ts';

/** Kept after the run: the page as headless Chromium drew it (the README shows a copy). */
const SCREENSHOT = fileURLToPath(
  new URL('../../../.artifacts/hashtag-counter/live-page.png', import.meta.url),
);

interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/** Reads Server-Sent Events from a plain HTTP response, as a browser's EventSource would. */
async function* serverSentEvents(response: Response): AsyncGenerator<ServerSentEvent> {
  assert.ok(response.body);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      if (event !== undefined) yield { event, data };
    }
  }
}

describe('the live page of top hashtags, fed from hashtags.top on the real broker', () => {
  let fixture: TopFixture;
  let page: HashtagPage;
  let server: Server;
  let base: string;
  let browser: Browser | undefined;

  before(async () => {
    fixture = await TopFixture.start([
      { key: windowStart(0), value: topOf(0, TAGS.slice(0, 10), { final: true }) },
      { key: windowStart(1), value: topOf(1, TAGS.slice(2, 12)) },
    ]);
    page = new HashtagPage(fixture.view, { coalesceMs: 50 });
    server = createServer((request, response) => void page.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await browser?.close();
    page?.close();
    await new Promise((resolve) => server?.close(resolve));
    await fixture?.stop();
  });

  it('serves the current top as JSON, a named window, and refuses unknown or unreadable windows', async () => {
    const current = await fetch(`${base}/hashtags/top.json`);
    assert.equal(current.status, 200);
    assert.match(current.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await current.json(), topOf(0, TAGS.slice(0, 10), { final: true }));
    const named = await fetch(`${base}/hashtags/top.json?window=${encodeURIComponent(windowStart(1))}`);
    assert.deepEqual(await named.json(), topOf(1, TAGS.slice(2, 12)));
    assert.equal((await fetch(`${base}/hashtags/top.json?window=${windowStart(99)}`)).status, 404);
    assert.equal((await fetch(`${base}/hashtags/top.json?window=soon`)).status, 400);
    assert.equal((await fetch(`${base}/hashtags/nothing-here`)).status, 404);
  });

  it('streams the current top over Server-Sent Events on connect and again when hashtags.top changes it', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/hashtags/stream`, { signal: abort.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = serverSentEvents(response);
    const first = await events.next();
    assert.deepEqual(first.value, {
      event: 'top',
      data: JSON.stringify(topOf(0, TAGS.slice(0, 10), { final: true })),
    });

    // Window 1 becomes final, so it is the newest closed window: the stream pushes it.
    const closed = topOf(1, TAGS.slice(2, 12), { final: true, highest: 140 });
    await fixture.produce([{ key: windowStart(1), value: closed }]);
    const second = await events.next();
    assert.equal(second.value?.event, 'top');
    assert.deepEqual(JSON.parse(second.value?.data ?? 'null') as HashtagTop, closed);
    abort.abort();
  });

  it('draws ten bars in headless Chromium with Chart.js served locally, and redraws when a new window closes', async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const tab = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    const outside: string[] = [];
    tab.on('request', (request) => {
      if (!request.url().startsWith(base)) outside.push(request.url());
    });
    await tab.goto(`${base}/hashtags/`);
    const bars = () =>
      tab.evaluate(() => {
        const chart = (globalThis as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(
          'chart',
        ) as { data: { labels: string[] }; getDatasetMeta(index: number): { data: unknown[] } } | undefined;
        return chart === undefined
          ? undefined
          : { labels: chart.data.labels, drawn: chart.getDatasetMeta(0).data.length };
      });
    // Browser-side expressions: the page sets data-window-start on each render.
    await tab.waitForFunction('document.body.dataset.windowStart !== undefined');
    const shown = await bars();
    assert.equal(shown?.drawn, 10);
    assert.deepEqual(
      shown?.labels,
      TAGS.slice(2, 12).map((tag) => `#${tag}`),
    );

    // A later window closes with another ranking: the page follows over its event stream.
    const next = topOf(2, [...TAGS].reverse().slice(0, 10), { final: true, highest: 180 });
    await fixture.produce([{ key: windowStart(2), value: next }]);
    await tab.waitForFunction(`document.body.dataset.windowStart === ${JSON.stringify(windowStart(2))}`);
    const redrawn = await bars();
    assert.equal(redrawn?.drawn, 10);
    assert.deepEqual(
      redrawn?.labels,
      next.top.map(({ tag }) => `#${tag}`),
    );
    assert.deepEqual(outside, [], 'the page loads nothing from outside (no CDN)');

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await tab.waitForTimeout(600); // let the 300 ms bar animation finish before the picture
    await tab.screenshot({ path: SCREENSHOT });
    const { size } = await stat(SCREENSHOT);
    assert.ok(size > 10_000, `screenshot ${SCREENSHOT} is only ${size} bytes`);
  });
});
