import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import type { ApiEventMessage, ApiResponse, LabStatusInfo } from '../../lab/api/contract.js';
import type { ApiHost } from '../../lab/api/contract.js';
import { type HeadlessServer, startHeadlessServer } from '../../lab/api/headless/server.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const status: LabStatusInfo = {
  name: 'stub',
  exists: false,
  boxes: [],
  sas: {},
  tunnel: { left: { ike: 'NONE', child: 'NONE' }, right: { ike: 'NONE', child: 'NONE' } },
  up: false,
};

/** A host that records what reaches it: only validated calls may. */
function stubHost() {
  const calls: { method: string; args: unknown[] }[] = [];
  const listeners = new Set<(m: ApiEventMessage) => void>();
  const host: ApiHost = {
    async call(method, args) {
      calls.push({ method, args });
      return { ok: true, result: method === 'labStatus' ? status : null };
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { host, calls, emit: (m: ApiEventMessage) => listeners.forEach((l) => l(m)), listeners };
}

function rendererDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-renderer-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>IPsec Lab</title>');
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  return dir;
}

/** Resolves with the upgrade's HTTP status when refused, or the open socket. */
function connect(url: string, origin?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

function request<T>(ws: WebSocket, message: unknown): Promise<{ id: number; response: ApiResponse<T> }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if ('id' in m) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('headless host: token, origin, host and message checks', () => {
  const stub = stubHost();
  let server: HeadlessServer;
  let origin: string;
  beforeAll(async () => {
    server = await startHeadlessServer({ host: stub.host, rendererDir: rendererDir() });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses the page without a token or with a wrong one', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(403);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${origin}/index.html`)).status).toBe(403);
    expect((await fetch(`${origin}/index.html?token=wrong`)).status).toBe(403);
  });

  it('serves the page with the token, a CSP and no referrer, and sets no cookie (other ports would get it)', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('set-cookie')).toBeNull();
    // A token sent as a cookie (what the page used to set) opens nothing.
    const byCookie = await fetch(`${origin}/`, { headers: { cookie: `ipsec_lab_token=${server.token}` } });
    expect(byCookie.status).toBe(403);
  });

  it("serves the page's assets to the page itself only (fetch metadata), never to another site or port", async () => {
    const asset = (site?: string) =>
      fetch(`${origin}/app.js`, { headers: site ? { 'sec-fetch-site': site } : {} }).then((r) => r);
    const own = await asset('same-origin');
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toContain('javascript');
    expect(own.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(own.headers.get('set-cookie')).toBeNull();
    // Another port of 127.0.0.1 is "same-site"; a web page elsewhere is "cross-site".
    expect((await asset('same-site')).status).toBe(403);
    expect((await asset('cross-site')).status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding) and paths outside the renderer', async () => {
    const http = await import('node:http');
    const get = (p: string, host: string) =>
      new Promise<number>((resolve) => {
        http
          .get({ host: '127.0.0.1', port: server.port, path: p, headers: { host } }, (res) =>
            resolve(res.statusCode ?? 0),
          )
          .end();
      });
    expect(await get(`/?token=${server.token}`, `evil.example:${server.port}`)).toBe(403);
    expect(await get(`/..%2f..%2fetc%2fpasswd?token=${server.token}`, `127.0.0.1:${server.port}`)).toBe(404);
  });

  it('refuses WebSocket upgrades without a token, with a wrong token, or from a foreign Origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/api`;
    expect((await connect(ws, origin)).status).toBe(403);
    expect((await connect(`${ws}?token=nope`, origin)).status).toBe(403);
    expect((await connect(`${ws}?token=${server.token}`, 'http://evil.example')).status).toBe(403);
    expect((await connect(`${ws}?token=${server.token}`, 'http://127.0.0.1:1')).status).toBe(403);
    expect((await connect(`${ws}?token=${server.token}`)).status).toBe(403);
    expect(stub.listeners.size).toBe(0);
  });

  it('answers a valid client, forwards events, and validates every message before the service sees it', async () => {
    const { ws } = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, origin);
    expect(ws).toBeDefined();
    const r = await request<LabStatusInfo>(ws!, { id: 1, method: 'labStatus', args: [] });
    expect(r).toEqual({ id: 1, response: { ok: true, result: status } });

    const before = stub.calls.length;
    for (const bad of [
      'not json',
      { id: 2, method: 'rm -rf', args: [] },
      { id: 3, method: 'faultApply', args: [['psk mismatch; reboot']] },
      { id: 4, method: 'traffic', args: [{ count: 1e9 }] },
      { id: 5, method: 'labStatus', args: [], extra: true },
      { id: 6, method: 'labDown', args: ['surprise'] },
      { id: 7, method: '__proto__', args: [] },
    ]) {
      const res = await request(ws!, bad);
      expect(res.response.ok).toBe(false);
      if (!res.response.ok) expect(res.response.error.code).toBe('invalid-request');
    }
    expect(stub.calls.length).toBe(before);

    const got = new Promise((resolve) => ws!.once('message', (d) => resolve(JSON.parse(String(d)))));
    stub.emit({ event: 'engine', payload: { available: true, message: 'ok' } });
    expect(await got).toEqual({ event: 'engine', payload: { available: true, message: 'ok' } });
    ws!.close();
  });
});

describe.skipIf(skipWithoutDocker('headless host against the real engine'))(
  'headless host with the real service',
  () => {
    it('a valid client calls labStatus of a lab that does not exist', async () => {
      const engine = LabEngine.connect(testLabName('serve'));
      const service = new LabService(engine);
      await service.start();
      const server = await startHeadlessServer({ host: service, rendererDir: rendererDir() });
      try {
        const { ws } = await connect(
          `ws://127.0.0.1:${server.port}/api?token=${server.token}`,
          `http://127.0.0.1:${server.port}`,
        );
        const r = await request<LabStatusInfo>(ws!, { id: 1, method: 'labStatus', args: [] });
        expect(r.response.ok).toBe(true);
        if (r.response.ok) {
          expect(r.response.result.name).toBe(engine.name);
          expect(r.response.result.exists).toBe(false);
          expect(r.response.result.up).toBe(false);
        }
        const faults = await request(ws!, { id: 2, method: 'faultsList', args: [] });
        expect(faults.response).toMatchObject({ ok: false, error: { code: 'lab-not-found' } });
        const issues = await request(ws!, { id: 3, method: 'validateSettings', args: [{ schema: 1 }] });
        expect(issues.response.ok).toBe(true);
        ws!.close();
      } finally {
        await server.close();
        await service.dispose();
        await engine.close();
      }
    });
  },
);
