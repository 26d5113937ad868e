/**
 * The Electron main process's rules, tested on the plain modules that hold them (window options,
 * CSP, navigation/permission refusal, the sender check, validated IPC dispatch) with a real
 * LabService behind the dispatch for calls that need no Docker.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { appOrigin } from '../../electron/main/app-origin.js';
import { contentSecurityPolicy, withCsp } from '../../electron/main/csp.js';
import type { IpcMainInvokeEventLike, SessionLike, WebContentsLike } from '../../electron/main/electron-types.js';
import { denyNavigation, hardenSession, type Refusal } from '../../electron/main/hardening.js';
import { dispatch, forwardEvents, registerIpc } from '../../electron/main/ipc.js';
import { checkSender } from '../../electron/main/sender.js';
import { createWindow, type WindowOptions } from '../../electron/main/window-options.js';
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../lab/api/channels.js';
import type { ApiHost } from '../../lab/api/contract.js';
import type { ApiEventMessage, ApiResponse, ScenarioInfo, SettingsIssue } from '../../lab/api/contract.js';
import { METHODS } from '../../lab/api/schemas.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { testLabName } from '../support/lab-names.js';

const INDEX = path.resolve('/opt/ipsec-lab/out/renderer/index.html');
const OWN = pathToFileURL(INDEX).href;
const origin = appOrigin(INDEX);
const own = (url = OWN): IpcMainInvokeEventLike => ({ senderFrame: { url, parent: null } });

/** Parses a CSP into directive -> sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([k, ...v]) => [k, v]),
  );
}

describe('window options', () => {
  it('isolates, sandboxes and keeps Node out of the page', () => {
    const made: WindowOptions[] = [];
    class FakeWindow {
      constructor(o: WindowOptions) {
        made.push(o);
      }
    }
    expect(createWindow(FakeWindow, '/x/preload/index.cjs')).toBeInstanceOf(FakeWindow);
    const o = made[0];
    expect(o.webPreferences).toMatchObject({
      preload: '/x/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(o.show).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows our own scripts only: no inline, no eval, no remote connections', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    const all = [...d.values()].flat().join(' ');
    expect(all).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });

  it('in development adds only the dev server to connect-src', () => {
    const d = directives(contentSecurityPolicy({ devOrigin: 'http://localhost:5173' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('script-src')).toEqual(["'self'"]);
  });

  it('replaces a CSP the response carried (in any case) and keeps the other headers', () => {
    const h = withCsp(
      { url: OWN, responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      "default-src 'self'",
    );
    expect(h['Content-Security-Policy']).toEqual(["default-src 'self'"]);
    expect(h['content-security-policy']).toBeUndefined();
    expect(h['Content-Type']).toEqual(['text/html']);
  });
});

/** A stand-in for webContents that records handlers, so the test can fire them. */
function fakeContents() {
  const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const sent: unknown[][] = [];
  let destroyed = false;
  const contents: WebContentsLike = {
    on: ((event: string, listener: (e: { preventDefault(): void }, url?: string) => void) =>
      handlers.set(event, listener)) as WebContentsLike['on'],
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
    send: (...args) => {
      sent.push(args);
    },
    isDestroyed: () => destroyed,
  };
  const fire = (name: string, url?: string) => {
    const event = { preventDefault: vi.fn() };
    handlers.get(name)!(event, url);
    return event.preventDefault;
  };
  return {
    contents,
    fire,
    open: (url: string) => openHandler!({ url }),
    sent,
    destroy: () => {
      destroyed = true;
    },
  };
}

describe('navigation, new windows, permissions', () => {
  it('prevents navigation (also to other files), redirects and <webview>, and denies window.open', () => {
    const f = fakeContents();
    const refused: Refusal[] = [];
    denyNavigation(f.contents, (r) => refused.push(r));
    expect(f.fire('will-navigate', 'https://evil.example/')).toHaveBeenCalled();
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toHaveBeenCalled();
    expect(f.fire('will-frame-navigate', 'https://evil.example/frame')).toHaveBeenCalled();
    expect(f.fire('will-redirect', 'https://evil.example/r')).toHaveBeenCalled();
    expect(f.fire('will-attach-webview')).toHaveBeenCalled();
    expect(f.open('https://evil.example/popup')).toEqual({ action: 'deny' });
    expect(refused.map((r) => r.what)).toEqual([
      'navigation',
      'navigation',
      'navigation',
      'redirect',
      'webview',
      'window-open',
    ]);
  });

  it('denies every permission request and check, and puts the CSP on responses', () => {
    let request: Parameters<SessionLike['setPermissionRequestHandler']>[0] = null;
    let check: Parameters<SessionLike['setPermissionCheckHandler']>[0] = null;
    let headers: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0] | undefined;
    const session: SessionLike = {
      webRequest: {
        onHeadersReceived: (l) => {
          headers = l;
        },
      },
      setPermissionRequestHandler: (h) => {
        request = h;
      },
      setPermissionCheckHandler: (h) => {
        check = h;
      },
    };
    hardenSession(session, contentSecurityPolicy());
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      request!({}, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check!({}, p)).toBe(false);
    }
    const cb = vi.fn();
    headers!({ url: OWN, responseHeaders: {} }, cb);
    expect(cb.mock.calls[0][0].responseHeaders['Content-Security-Policy'][0]).toBe(contentSecurityPolicy());
  });
});

describe('sender check', () => {
  it('accepts the top frame of our own page (query and hash aside)', () => {
    expect(checkSender(own(), origin)).toEqual({ ok: true });
    expect(checkSender(own(`${OWN}#/logs`), origin)).toEqual({ ok: true });
  });

  it('refuses other files, remote pages, subframes and gone frames', () => {
    expect(checkSender(own(pathToFileURL('/tmp/evil/index.html').href), origin).ok).toBe(false);
    expect(checkSender(own('https://evil.example/'), origin).ok).toBe(false);
    expect(checkSender(own(`file://evil.example${new URL(OWN).pathname}`), origin).ok).toBe(false);
    expect(checkSender({ senderFrame: { url: OWN, parent: { url: OWN } } }, origin)).toMatchObject({
      ok: false,
      reason: /top-level/,
    });
    expect(checkSender({ senderFrame: null }, origin)).toMatchObject({ ok: false, reason: /gone/ });
  });

  it('in development trusts the dev server origin only, and only a loopback one', () => {
    const dev = appOrigin(INDEX, 'http://localhost:5173/');
    expect(checkSender(own('http://localhost:5173/?x=1'), dev).ok).toBe(true);
    expect(checkSender(own('http://localhost:5174/'), dev).ok).toBe(false);
    expect(checkSender(own(OWN), dev).ok).toBe(false);
    expect(() => appOrigin(INDEX, 'http://evil.example:5173/')).toThrow(/loopback/);
  });
});

describe('IPC dispatch', () => {
  const engine = LabEngine.connect(testLabName('eipc'));
  const service = new LabService(engine, { doctor: async () => [] });
  afterAll(async () => {
    await service.dispose();
    await engine.close();
  });

  it('registers exactly one handler per contract method', () => {
    const channels: string[] = [];
    const removed: string[] = [];
    const off = registerIpc(
      { handle: (c) => channels.push(c), removeHandler: (c) => removed.push(c) },
      service,
      origin,
    );
    expect(channels.sort()).toEqual(METHODS.map(ipcChannel).sort());
    off();
    expect(removed.sort()).toEqual(channels);
  });

  it('a valid call from our page reaches the real service (validateSettings names the bad field)', async () => {
    const r = (await dispatch(service, origin, 'validateSettings', own(), [{ ike: { version: 7 } }])) as ApiResponse<
      SettingsIssue[]
    >;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.length).toBeGreaterThan(0);
    expect(r.result.every((i) => typeof i.field === 'string' && i.field.length > 0)).toBe(true);
    const list = (await dispatch(service, origin, 'scenariosList', own(), [])) as ApiResponse<ScenarioInfo[]>;
    expect(list.ok && list.result.map((s) => s.id)).toContain('phase1-psk');
  });

  it('refuses invalid input in the envelope, naming the argument and field, before the service sees it', async () => {
    const host: ApiHost = { call: vi.fn(), onEvent: () => () => {} };
    const refused: string[] = [];
    const bad = await dispatch(host, origin, 'traffic', own(), [{ count: 0, colour: 'red' }], {
      onRefused: (m, why) => refused.push(`${m}: ${why}`),
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('invalid-request');
    expect(bad.error.message).toMatch(/argument 0\.count/);
    expect(bad.error.message).toMatch(/colour/);
    const ids = await dispatch(host, origin, 'faultApply', own(), [['../../etc']]);
    expect(!ids.ok && ids.error.message).toMatch(/argument 0\.0: expected a fault id/);
    const extra = await dispatch(host, origin, 'labStatus', own(), ['surplus']);
    expect(!extra.ok && extra.error.code).toBe('invalid-request');
    expect(host.call).not.toHaveBeenCalled();
    expect(refused).toHaveLength(1);
  });

  it('refuses a foreign sender before validating or calling', async () => {
    const host: ApiHost = { call: vi.fn(), onEvent: () => () => {} };
    const r = await dispatch(host, origin, 'labDown', own('https://evil.example/'), []);
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringMatching(/refused labDown: the calling page is not IPsec Lab's own/),
      },
    });
    expect(host.call).not.toHaveBeenCalled();
  });

  it('turns a host that throws into an internal error envelope', async () => {
    const host: ApiHost = {
      call: async () => {
        throw new Error('boom');
      },
      onEvent: () => () => {},
    };
    expect(await dispatch(host, origin, 'labStatus', own(), [])).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('pushes service events to the window until it is destroyed', () => {
    const listeners = new Set<(m: ApiEventMessage) => void>();
    const host: ApiHost = {
      call: vi.fn(),
      onEvent: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const f = fakeContents();
    forwardEvents(host, f.contents);
    const m: ApiEventMessage = { event: 'changed', payload: { what: 'faults' } };
    listeners.forEach((l) => l(m));
    expect(f.sent).toEqual([[IPC_EVENT_CHANNEL, m]]);
    f.destroy();
    listeners.forEach((l) => l(m));
    expect(f.sent).toHaveLength(1);
    expect(listeners.size).toBe(0);
  });
});
