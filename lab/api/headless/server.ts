/**
 * The headless host: the built renderer and the UI contract over a WebSocket, for a browser on the
 * same machine (where Electron cannot run, or by choice: `ipsec-lab serve`).
 *
 * Security: it listens on 127.0.0.1 only; a random token is in the URL it prints
 * (`http://127.0.0.1:PORT/?token=...`) and is required for the page and on the WebSocket upgrade,
 * which must also come from the host's own origin. The token is never put in a cookie: browsers
 * send a 127.0.0.1 cookie to every port, so any other local web server would receive it. The page's
 * scripts and styles (the public build of the UI, nothing secret) need no token, but only the page
 * itself may load them (fetch metadata; CORP). Every Host header must name the host itself (no DNS
 * rebinding), and the token never leaves in a Referer (no-referrer). Every message is validated
 * (zod) before it reaches the service.
 *
 * Robustness: any request, however malformed (a bad URL, bad percent-escapes, bad headers, a broken
 * upgrade), gets an answer (400, 403, 404) and never an exception: one bad request from a web page
 * must not take the host, and with it the lab it started, down.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import { packagePath } from '../../common/package-root.js';
import type { ApiHost, ApiResponse, WireServerMessage } from '../contract.js';
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

/** The request target as a URL, or undefined when it is not one (`//[`, `http://[`...). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    // Only its path and query are used: the Host header, checked on its own, says which host.
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** A URL path percent-decoded, or undefined for a malformed escape (`%E0%A4%A`). */
function decodePath(pathname: string): string | undefined {
  try {
    const p = decodeURIComponent(pathname);
    return p.includes('\0') ? undefined : p;
  } catch {
    return undefined;
  }
}

/**
 * Whether the browser says this request comes from a page of this very origin (or from the user
 * typing the URL). A page on another port of 127.0.0.1 is "same-site", not "same-origin".
 * Clients that send no fetch metadata are not browsers that a web page can drive.
 */
function fromOwnPage(headers: http.IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.rendererDir ?? packagePath('out/renderer'));
  let port = 0;
  const hosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const refuse = (res: http.ServerResponse, status: number, text: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text + '\n');
  };

  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!hosts().has(req.headers.host ?? '')) return refuse(res, 403, 'forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const url = parseTarget(req.url);
    if (!url) return refuse(res, 400, 'bad request: the request target is not a URL');
    const rel = decodePath(url.pathname);
    if (rel === undefined) return refuse(res, 400, 'bad request: malformed percent-escape in the path');
    const page = rel === '/' || rel === '/index.html';
    // The page needs the token; its assets are the public build of the UI, for the page only.
    if (page ? !sameSecret(url.searchParams.get('token'), token) : !fromOwnPage(req.headers))
      return refuse(res, 403, 'forbidden: open the URL with its token that `ipsec-lab serve` printed');
    const file = path.resolve(root, '.' + (page ? '/index.html' : rel));
    if (!file.startsWith(root + path.sep)) return refuse(res, 404, 'not found');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return refuse(res, 404, 'not found');
      size = st.size;
    } catch {
      return refuse(
        res,
        404,
        page
          ? `the UI is not built (${root} is missing): run \`npx vite build -c vite.renderer.config.ts\``
          : 'not found',
      );
    }
    const ext = path.extname(file);
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': Object.hasOwn(TYPES, ext) ? TYPES[ext] : 'application/octet-stream',
      'Content-Length': size,
      'X-Content-Type-Options': 'nosniff',
      // The token is in the page's URL: it must never leave in a Referer header.
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      'Cache-Control': page ? 'no-store' : 'private, max-age=3600',
    };
    if (page) headers['Content-Security-Policy'] = contentSecurityPolicy({ place: 'headless', port });
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file)
      // Removed or unreadable since the stat (a rebuild): the answer is cut, the host goes on.
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const server = http.createServer((req, res) => {
    try {
      serveFile(req, res);
    } catch {
      // Nothing above should throw; should anything, the request fails, never the host.
      refuse(res, 400, 'bad request');
    }
  });
  // Bytes that are not HTTP at all (a bad request line, an oversized or broken header): 400, and
  // nothing thrown from a socket that is already gone.
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable && !socket.writableEnded)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  // Errors of a handshake in progress are the client's: ws has answered it already.
  wss.on('error', () => undefined);
  const upgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const deny = (status: string) => {
      if (socket.writable && !socket.writableEnded)
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hosts().has(req.headers.host ?? '')) return deny('403 Forbidden');
    const url = parseTarget(req.url);
    if (!url) return deny('400 Bad Request');
    if (url.pathname !== '/api') return deny('404 Not Found');
    if (!origins().has(req.headers.origin ?? '')) return deny('403 Forbidden');
    if (!sameSecret(url.searchParams.get('token'), token)) return deny('403 Forbidden');
    // ws answers a malformed handshake (version, key) with 400 itself.
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, opts.host));
  };
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // The server's own error handling leaves an upgraded socket: a reset must not throw.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
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
    try {
      ws.send(JSON.stringify(m));
    } catch {
      // A result JSON cannot carry (or a socket closing under us): this client is dropped, not the host.
      ws.terminate();
    }
  };
  const off = host.onEvent(send);
  ws.on('close', off);
  ws.on('error', off);
  ws.on('message', (data, isBinary) => {
    void answer(data, isBinary).catch((e: unknown) =>
      send({
        id: -1,
        response: { ok: false, error: { code: 'internal', message: String((e as Error)?.message ?? e) } },
      }),
    );
  });

  async function answer(data: RawData, isBinary: boolean): Promise<void> {
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
      const maybeId = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
      if (typeof maybeId === 'number' && Number.isSafeInteger(maybeId) && maybeId >= 0) id = maybeId;
      return fail(
        `malformed request: ${msg.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}`,
      );
    }
    id = msg.data.id;
    const call = checkCall(msg.data.method, msg.data.args ?? []);
    if (!call.ok) return fail(call.message);
    let response: ApiResponse<unknown>;
    try {
      response = await host.call(call.method, call.args);
    } catch (e) {
      // The service answers in envelopes and should never throw; if it does, this request fails.
      response = { ok: false, error: { code: 'internal', message: String((e as Error)?.message ?? e) } };
    }
    send({ id, response });
  }
}
