/**
 * electron/main/index.ts with Electron mocked: the app wires the real LabService to IPC, opens
 * one hardened window on our own page, and cleans up on quit. (Electron itself cannot run here;
 * what is tested is our wiring of it.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { IPC_EVENT_CHANNEL, ipcChannel } from '../../lab/api/channels.js';
import type { ApiResponse, SettingsIssue } from '../../lab/api/contract.js';
import { METHODS } from '../../lab/api/schemas.js';
import { testLabName } from '../support/lab-names.js';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

const m = vi.hoisted(() => {
  const state = {
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    appEvents: new Map<string, (...a: unknown[]) => void>(),
    contentsEvents: new Map<string, (...a: unknown[]) => void>(),
    windows: [] as { options: Record<string, unknown>; url?: string }[],
    sent: [] as unknown[][],
    openHandler: undefined as undefined | ((d: { url: string }) => { action: string }),
    permissionRequest: undefined as undefined | ((c: unknown, p: string, cb: (g: boolean) => void) => void),
    headers: undefined as
      undefined | ((d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
    sandboxEnabled: false,
    exitCode: undefined as number | undefined,
  };
  class BrowserWindow {
    record: { options: Record<string, unknown>; url?: string };
    webContents = {
      on: (e: string, l: (...a: unknown[]) => void) => state.contentsEvents.set(e, l),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => {
        state.openHandler = h;
      },
      send: (...a: unknown[]) => state.sent.push(a),
      isDestroyed: () => false,
    };
    constructor(options: Record<string, unknown>) {
      this.record = { options };
      state.windows.push(this.record);
      state.appEvents.get('web-contents-created')?.({}, this.webContents);
    }
    async loadURL(url: string) {
      this.record.url = url;
    }
    once() {
      return this;
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
  }
  const electron = {
    app: {
      isPackaged: true,
      enableSandbox: () => {
        state.sandboxEnabled = true;
      },
      requestSingleInstanceLock: () => true,
      whenReady: async () => {},
      quit: () => {},
      exit: (code: number) => {
        state.exitCode = code;
      },
      on: (e: string, l: (...a: unknown[]) => void) => state.appEvents.set(e, l),
    },
    BrowserWindow,
    ipcMain: {
      handle: (c: string, l: (event: unknown, ...args: unknown[]) => Promise<unknown>) => state.handlers.set(c, l),
      removeHandler: (c: string) => state.handlers.delete(c),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (l: typeof state.headers) => {
            state.headers = l;
          },
        },
        setPermissionRequestHandler: (h: typeof state.permissionRequest) => {
          state.permissionRequest = h;
        },
        setPermissionCheckHandler: () => {},
      },
    },
  };
  return { state, electron };
});
vi.mock('electron', () => m.electron);

const s = m.state;
const frame = (url: string) => ({ senderFrame: { url, parent: null } });

beforeAll(async () => {
  process.env.IPSEC_LAB_NAME = testLabName('ewire');
  await import('../../electron/main/index.js');
  await vi.waitFor(() => expect(s.windows[0]?.url).toBeDefined(), { timeout: 10_000 });
});
afterAll(() => {
  delete process.env.IPSEC_LAB_NAME;
});

describe('electron main wiring', () => {
  it('enables the sandbox app-wide and opens one window with the secure options and the built preload', () => {
    expect(s.sandboxEnabled).toBe(true);
    expect(s.windows).toHaveLength(1);
    const prefs = s.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(s.windows[0].url).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
  });

  it('registers exactly the contract channels', () => {
    expect([...s.handlers.keys()].sort()).toEqual(METHODS.map(ipcChannel).sort());
  });

  it('hardens the window and its session', () => {
    expect([...s.contentsEvents.keys()]).toEqual(
      expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']),
    );
    const ev = { preventDefault: vi.fn() };
    s.contentsEvents.get('will-navigate')!(ev, 'https://evil.example/');
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(s.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const cb = vi.fn();
    s.permissionRequest!({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const hcb = vi.fn();
    s.headers!({ url: s.windows[0].url, responseHeaders: {} }, hcb);
    expect(hcb.mock.calls[0][0].responseHeaders['Content-Security-Policy'][0]).toMatch(/^default-src 'self'/);
  });

  it('answers our page through the real service, and refuses another page and bad input', async () => {
    const h = s.handlers.get(ipcChannel('validateSettings')) as Handler;
    const ok = (await h(frame(s.windows[0].url!), { left: 'not an object' })) as ApiResponse<SettingsIssue[]>;
    expect(ok.ok).toBe(true);
    expect(ok.ok && ok.result.length).toBeGreaterThan(0);
    const foreign = (await h(frame('https://evil.example/'), {})) as ApiResponse<unknown>;
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden', message: /not IPsec Lab's own/ } });
    const step = s.handlers.get(ipcChannel('scenarioStep')) as Handler;
    const bad = (await step(frame(s.windows[0].url!), 'phase1-psk', -1)) as ApiResponse<unknown>;
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request', message: /argument 1/ } });
  });

  it('pushes service events on the event channel', async () => {
    // The service announces the engine's availability once it has pinged it (either answer).
    await vi.waitFor(
      () =>
        expect(
          s.sent.some(([c, msg]) => c === IPC_EVENT_CHANNEL && (msg as { event: string }).event === 'engine'),
        ).toBe(true),
      { timeout: 20_000 },
    );
  });

  it('on quit removes the IPC handlers, releases the lab and exits', async () => {
    const ev = { preventDefault: vi.fn() };
    s.appEvents.get('before-quit')!(ev);
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(s.handlers.size).toBe(0);
    await vi.waitFor(() => expect(s.exitCode).toBe(0), { timeout: 20_000 });
  });
});
