/**
 * The headless host: the built renderer and the UI contract over a WebSocket, for a browser on the
 * same machine (where Electron cannot run, or by choice: `ipsec-lab serve`).
 *
 * Security: it listens on 127.0.0.1 only; a random token is in the URL it prints
 * (`http://127.0.0.1:PORT/?token=...`) and is required on the page and on the WebSocket upgrade
 * (the page sets it as an HttpOnly, SameSite=Strict cookie for its own assets). The upgrade must
 * come from the host's own origin, and every Host header must name the host itself (no DNS
 * rebinding). Every message is validated (zod) before it reaches the service.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

import { type WebSocket, WebSocketServer } from 'ws';

import { packagePath } from '../../common/package-root.js';
import type { ApiHost, WireServerMessage } from '../contract.js';
import { contentSecurityPolicy } from '../csp.js';
import { checkCall, wireRequestSchema } from '../schemas.js';

export interface HeadlessOptions {
  host: ApiHost;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (default: out/renderer of this repository). */
  rendererDir?: string;
  /** For tests only; a fresh random token otherwise. */
  token?: string;
}

export interface HeadlessServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  /** Open WebSocket clients. */
  clients(): number;
  close(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = packagePath('out/renderer');
const COOKIE = 'ipsec_lab_token';
/** Above this many bytes queued for a client, it is too slow to follow: it is closed and reconnects. */
const MAX_BUFFERED = 16 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function sameSecret(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  let port = 0;
  const hosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const refuse = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text + '\n');
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hosts().has(req.headers.host ?? '')) return refuse(res, 403, 'forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const byUrl = sameSecret(url.searchParams.get('token'), token);
    const byCookie = sameSecret(cookieToken(req.headers.cookie), token);
    if (!byUrl && !byCookie)
      return refuse(res, 403, 'forbidden: open the URL with its token that `ipsec-lab serve` printed');
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/') rel = '/index.html';
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) return refuse(res, 404, 'not found');
    if (!existsSync(file) || !statSync(file).isFile()) {
      return refuse(
        res,
        404,
        rel === '/index.html'
          ? `the UI is not built (${root} is missing): run \`npx vite build -c vite.renderer.config.ts\``
          : 'not found',
      );
    }
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      // The token is in the page's URL: it must never leave in a Referer header.
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      'Cache-Control': rel === '/index.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (rel === '/index.html') {
      headers['Content-Security-Policy'] = contentSecurityPolicy({ place: 'headless', port });
      if (byUrl) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const deny = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/api') return deny('404 Not Found');
    if (!hosts().has(req.headers.host ?? '')) return deny('403 Forbidden');
    if (!origins().has(req.headers.origin ?? '')) return deny('403 Forbidden');
    if (!sameSecret(url.searchParams.get('token'), token)) return deny('403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, opts.host));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    clients: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** One browser tab: its requests answered in envelopes, every event forwarded until it closes. */
function serveClient(ws: WebSocket, host: ApiHost): void {
  const send = (m: WireServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.close(1013, 'client too slow to follow the lab; reconnect');
      return;
    }
    ws.send(JSON.stringify(m));
  };
  const off = host.onEvent(send);
  ws.on('close', off);
  ws.on('error', off);
  ws.on('message', async (data, isBinary) => {
    let id = -1;
    const fail = (message: string) =>
      send({ id, response: { ok: false, error: { code: 'invalid-request', message } } });
    if (isBinary) return fail('binary messages are not part of the protocol');
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return fail('not JSON');
    }
    const msg = wireRequestSchema.safeParse(parsed);
    if (!msg.success) {
      const maybeId = (parsed as { id?: unknown } | null)?.id;
      if (typeof maybeId === 'number' && Number.isSafeInteger(maybeId)) id = maybeId;
      return fail(
        `malformed request: ${msg.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}`,
      );
    }
    id = msg.data.id;
    const call = checkCall(msg.data.method, msg.data.args ?? []);
    if (!call.ok) return fail(call.message);
    send({ id, response: await host.call(call.method, call.args) });
  });
}
