/**
 * The headless host's token must reach no other local origin. Browsers send a 127.0.0.1 cookie to
 * every port (cookies do not isolate ports), so a token cookie would hand the whole API (PSKs
 * included) to any other local web server the user's browser visits; and a Referer would carry the
 * page's URL, token included. In Chromium, with the real UI: open the app, then let the same browser
 * visit a second local HTTP server (directly, and by navigating away from the app), and check that
 * the second server never saw the token, in any header or URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiHost } from '../../lab/api/contract.js';
import { type HeadlessServer, startHeadlessServer } from '../../lab/api/headless/server.js';
import { ensureRendererBuilt } from '../../lab/api/headless/ui-build.js';
import { type OpenChromium, openChromium } from '../support/chromium.js';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A host that answers every call with an error envelope: the page runs, no lab is needed. */
const host: ApiHost = {
  async call(method) {
    return { ok: false, error: { code: 'lab-not-found', message: `stub host: no lab (${method})` } };
  },
  onEvent: () => () => undefined,
};

describe('the token reaches no other local origin (Chromium, the real UI)', () => {
  let server: HeadlessServer;
  let other: http.Server;
  let otherPort = 0;
  const seen: Seen[] = [];
  let browser: OpenChromium;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-ui-'));
    await ensureRendererBuilt(() => undefined, { force: true, outDir: uiDir });
    server = await startHeadlessServer({ host, rendererDir: uiDir });
    other = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'text/html' });
      // A page that also loads things from itself, so every kind of request is seen.
      res.end('<!doctype html><title>other</title><img src="/pixel.png"><script src="/script.js"></script>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as AddressInfo).port;
    browser = await openChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => other?.close(r));
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('the app loads with its token, and another local server then sees no trace of it', async () => {
    const app = await browser.context.newPage();
    await app.goto(server.url);
    // The page really ran: its scripts loaded (without any cookie) and it opened the API socket.
    await expect.poll(() => server.clients(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await app.title()).toBe('IPsec Lab');

    // The browser keeps nothing for 127.0.0.1 that it would send to another port.
    const cookies = await browser.context.cookies();
    expect(cookies.filter((c) => c.value.includes(server.token) || /127\.0\.0\.1|localhost/.test(c.domain))).toEqual(
      [],
    );

    // The user visits another local web app in the same browser...
    const visit = await browser.context.newPage();
    await visit.goto(`http://127.0.0.1:${otherPort}/direct`);
    await visit.goto(`http://localhost:${otherPort}/direct-localhost`);
    // ...and leaves the app for it (a link or a typed URL): no Referer with the app's URL.
    await app.evaluate((url) => (window.location.href = url), `http://127.0.0.1:${otherPort}/navigated`);
    await app.waitForURL(`http://127.0.0.1:${otherPort}/navigated`);
    await app.waitForLoadState('load');

    const urls = seen.map((s) => s.url);
    expect(urls).toEqual(expect.arrayContaining(['/direct', '/direct-localhost', '/navigated', '/pixel.png']));
    for (const s of seen) {
      expect(s.url).not.toContain(server.token);
      for (const [name, value] of Object.entries(s.headers))
        expect(String(value), `${s.url}: ${name}`).not.toContain(server.token);
      expect(s.headers.cookie, s.url).toBeUndefined();
      expect(s.headers.referer ?? '', s.url).not.toContain(String(server.port));
    }
  }, 120_000);
});

// The page's global, as far as the function run inside Chromium uses it (this file compiles for Node).
declare const window: { location: { href: string } };
