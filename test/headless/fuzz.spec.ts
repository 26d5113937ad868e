/**
 * The headless host never throws on a request: malformed request lines, targets, percent-escapes,
 * headers and WebSocket upgrades are sent over raw sockets to a host running in its own process
 * (as `ipsec-lab serve` does). Each gets an HTTP error (400/403/404/...) or a closed socket, nothing
 * reaches the process's uncaught handlers, and afterwards the host still serves the page and the API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

let child: ChildProcess;
let port = 0;
let token = '';
let stderr = '';

/** Sends bytes as they are; resolves with the response's status code (0: closed without one). */
function raw(bytes: string | Buffer, opts: { reset?: boolean; waitMs?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0));
    };
    // Only a fallback (an answer ends the wait at once): a busy machine may take a while to answer.
    const timer = setTimeout(done, opts.waitMs ?? 10_000);
    socket.on('data', (d) => {
      got += d.toString('latin1');
      // One answer is all a test needs (a keep-alive socket would stay open).
      if (/\r\n\r\n/.test(got)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(bytes);
      if (opts.reset) setTimeout(() => socket.resetAndDestroy(), 20);
    });
  });
}

const host = () => `Host: 127.0.0.1:${port}\r\n`;
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\n${host()}${headers}Connection: close\r\n\r\n`;
const upgrade = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\n${host()}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://127.0.0.1:${port}\r\n${headers}\r\n`;

async function stillServes(): Promise<void> {
  expect(child.exitCode, stderr).toBeNull();
  expect(stderr).not.toContain('UNCAUGHT');
  const page = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
  expect(page.status).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { origin: `http://127.0.0.1:${port}` });
  const reply = await new Promise<string>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ id: 7, method: 'labStatus', args: [] })));
    ws.on('message', (d) => resolve(String(d)));
    ws.on('error', reject);
  });
  ws.close();
  expect(JSON.parse(reply)).toMatchObject({ id: 7, response: { ok: true, result: { method: 'labStatus' } } });
}

beforeAll(async () => {
  child = spawn(process.execPath, ['bin/run-ts.js', 'test/headless/fixtures/serve-stub.ts'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`the host exited (${code}) before listening: ${stderr}`)));
  });
  ({ port, token } = JSON.parse(first) as { port: number; token: string });
}, 60_000);

afterAll(() => {
  child.stdin!.end();
  child.kill();
});

describe('the headless host under malformed requests', () => {
  it('answers the two reproductions of the crash: 400, and the host lives on', async () => {
    // What a cross-site <img src="http://127.0.0.1:PORT//["> sends: no token needed to kill the old host.
    expect(await raw(get('//['))).toBe(400);
    expect(await raw(upgrade('//['))).toBe(400);
    // With the token, a bad percent-escape threw a URIError.
    expect(await raw(get(`/%E0%A4%A?token=${token}`))).toBe(400);
    expect([400, 404]).toContain(await raw(upgrade(`/%E0%A4%A?token=${token}`)));
    await stillServes();
  });

  it('answers every malformed request line, target, header and upgrade without throwing', async () => {
    const T = token;
    const cases: [string, string | Buffer, number[]][] = [
      ['absolute target with a bad host', get('http://[::1'), [400]],
      ['scheme-relative bad IPv6', get(`//[::1/?token=${T}`), [400, 403]],
      ['bad escape in the query', get(`/?token=%E0%A4%A`), [403]],
      ['NUL by escape', get(`/%00?token=${T}`), [400]],
      ['lone percent', get(`/%?token=${T}`), [400]],
      ['overlong UTF-8 escape', get(`/%C0%AE%C0%AE/etc/passwd?token=${T}`), [400]],
      ['traversal by escape', get(`/..%2f..%2fetc%2fpasswd?token=${T}`), [404]],
      [
        'raw high bytes in the path',
        Buffer.from(`GET /\xff\xfe?token=${T} HTTP/1.1\r\n${host()}\r\n`, 'latin1'),
        [400, 404],
      ],
      ['asterisk target', `OPTIONS * HTTP/1.1\r\n${host()}\r\n`, [405]],
      ['no Host header', `GET /?token=${T} HTTP/1.1\r\n\r\n`, [400, 403]],
      ['foreign Host header', `GET /?token=${T} HTTP/1.1\r\nHost: evil.example\r\n\r\n`, [403]],
      [
        'a foreign Host header before ours',
        `GET /?token=${T} HTTP/1.1\r\nHost: evil.example\r\n${host()}\r\n`,
        [400, 403],
      ],
      ['garbage request line', Buffer.from([0, 1, 2, 3, 13, 10, 13, 10]), [400]],
      ['no HTTP version', `GET /\r\n\r\n`, [400, 403]],
      ['unknown HTTP version', `GET / HTTP/9.9\r\n${host()}\r\n`, [400, 403, 505]],
      ['header without colon', `GET / HTTP/1.1\r\n${host()}broken header\r\n\r\n`, [400]],
      ['header with NUL', `GET / HTTP/1.1\r\n${host()}X-A: a\0b\r\n\r\n`, [400]],
      ['oversized header', `GET / HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(70_000)}\r\n\r\n`, [400, 431]],
      ['bad chunked body', `POST / HTTP/1.1\r\n${host()}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, [400, 405]],
      [
        'both Content-Length and chunked',
        `POST / HTTP/1.1\r\n${host()}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        [400, 405],
      ],
      ['cross-site asset', get('/assets/app.js', 'Sec-Fetch-Site: cross-site\r\n'), [403]],
      ['other local port asking for an asset', get('/assets/app.js', 'Sec-Fetch-Site: same-site\r\n'), [403]],
      ['upgrade to a bad target', upgrade('/api?token=%'), [403]],
      ['upgrade with a bad escape in the path', upgrade(`/api%ZZ?token=${T}`), [404]],
      ['upgrade without token', upgrade('/api'), [403]],
      [
        'upgrade from a foreign origin',
        upgrade(`/api?token=${T}`).replace(/Origin: [^\r]+/, 'Origin: http://evil.example'),
        [403],
      ],
      [
        'upgrade with a bad key',
        upgrade(`/api?token=${T}`).replace(/Sec-WebSocket-Key: [^\r]+/, 'Sec-WebSocket-Key: x'),
        [400],
      ],
      ['upgrade with a bad version', upgrade(`/api?token=${T}`).replace('Version: 13', 'Version: 99'), [400, 426]],
      ['upgrade with a foreign Host', upgrade(`/api?token=${T}`).replace(host(), 'Host: evil.example\r\n'), [403]],
    ];
    for (const [what, bytes, statuses] of cases) expect(statuses, what).toContain(await raw(bytes));
    // Connections that vanish mid-request or mid-upgrade: no answer possible, nothing thrown.
    await raw(`GET / HTTP/1.1\r\n${host()}X-Half: `, { reset: true, waitMs: 200 });
    await raw(upgrade(`/api?token=${T}`), { reset: true, waitMs: 200 });
    await raw(upgrade(`/api?token=${T}`) + 'garbage frame bytes', { waitMs: 300 });
    await stillServes();
  }, 60_000);

  it('random request targets, as page and as upgrade, with and without the token', async () => {
    const piece = fc.constantFrom(
      '/',
      '//',
      '[',
      ']',
      '%',
      '%E0',
      '%A4%A',
      '%zz',
      '%00',
      '..',
      '?',
      '#',
      '@',
      ':',
      '\\',
      'api',
      'index.html',
      'assets',
      `token=${token}`,
      'token=',
      '&',
      ';',
      '%2f',
      '%5c',
      '~',
      '{',
      '}',
      '|',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.boolean(), async (parts, asUpgrade) => {
        const target = parts.join('');
        const status = await raw(asUpgrade ? upgrade(target) : get(target));
        // Every request gets an answer: a status, or for a good upgrade, 101.
        expect(status, target).toBeGreaterThanOrEqual(101);
        expect(child.exitCode, `${target}: ${stderr}`).toBeNull();
      }),
      { numRuns: 300 },
    );
    await stillServes();
  }, 120_000);

  it('malformed WebSocket messages are answered in envelopes and the connection and host stay up', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { origin: `http://127.0.0.1:${port}` });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const replies: { id: number; response: { ok: boolean } }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    const bad = [
      '',
      'null',
      '5',
      '"s"',
      '[]',
      '{"id":-1}',
      '{"id":1e999}',
      '{"id":1,"method":"__proto__"}',
      '{"id":2,"method":"constructor","args":[]}',
      '{"id":3,"method":"labStatus","args":{"length":1}}',
      '{"__proto__":{"id":1}}',
      '\ud800',
      '{"id":4,"method":"impair","args":[{"left-to-right":{"toString":1}}]}',
    ];
    for (const m of bad) ws.send(m);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    // One envelope per message, however long the host (another process, on a busy machine) takes.
    await expect.poll(() => replies.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(bad.length + 1);
    // And no more than one: a second answer to any message would come right behind the first.
    await new Promise((r) => setTimeout(r, 200));
    expect(replies).toHaveLength(bad.length + 1);
    expect(replies.filter((r) => r.response.ok !== false)).toEqual([]);
    ws.close();
    await stillServes();
  });
});
