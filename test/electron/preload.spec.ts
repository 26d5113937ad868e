/**
 * The preload with Electron mocked: it exposes `window.ipsecLab` (what the renderer's client
 * looks for) with the contract's invoke/on and nothing else, calls only contract channels,
 * rebuilds envelope errors with their code, hands listeners the payload alone, and every
 * subscription can be undone.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { PRELOAD_EVENTS, PRELOAD_METHODS } from '../../electron/preload/api.js';
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../lab/api/channels.js';
import type { ApiEventMessage, PreloadApi } from '../../lab/api/contract.js';
import { METHODS } from '../../lab/api/schemas.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

const mock = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const exposed: Record<string, unknown> = {};
  const answers = new Map<string, unknown>();
  const ipcRenderer = {
    invoke: vi.fn(async (channel: string, ..._args: unknown[]) => answers.get(channel) ?? { ok: true, result: null }),
    on: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, ...args: unknown[]) => void) =>
      listeners.get(channel)?.delete(l),
    ),
    send: vi.fn(),
    sendSync: vi.fn(),
  };
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed[key] = api;
    }),
  };
  return { listeners, exposed, answers, ipcRenderer, contextBridge };
});
vi.mock('electron', () => ({ ipcRenderer: mock.ipcRenderer, contextBridge: mock.contextBridge }));

let api: PreloadApi;
beforeAll(async () => {
  await import('../../electron/preload/index.js');
  api = mock.exposed.ipsecLab as PreloadApi;
});

const emit = (m: unknown) =>
  mock.listeners.get(IPC_EVENT_CHANNEL)?.forEach((l: Listener) => l({ sender: 'electron-event-object' }, m));

describe('preload', () => {
  it('exposes window.ipsecLab once, with invoke and on only, frozen', () => {
    expect(mock.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(mock.exposed)).toEqual(['ipsecLab']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(api)).toBe(true);
    // Nothing of ipcRenderer leaks: no send/sendSync, and the functions are not ipcRenderer's.
    const values = Object.values(api);
    for (const f of Object.values(mock.ipcRenderer)) expect(values).not.toContain(f);
  });

  it('knows exactly the contract methods and events', () => {
    expect([...PRELOAD_METHODS].sort()).toEqual([...METHODS].sort());
    // The compiler keeps the event list complete (Record<ApiEvent, true>); here: no strays, no channel names.
    expect(PRELOAD_EVENTS).toEqual(
      expect.arrayContaining(['changed', 'engine', 'findings', 'health', 'lab', 'logs', 'sas']),
    );
    for (const e of PRELOAD_EVENTS) expect(e).toMatch(/^[a-z]+$/);
  });

  it('sends a call on its contract channel and returns the result', async () => {
    mock.answers.set(ipcChannel('labStatus'), { ok: true, result: { name: 'lab', up: true } });
    await expect(api.invoke('labStatus')).resolves.toEqual({ name: 'lab', up: true });
    expect(mock.ipcRenderer.invoke).toHaveBeenLastCalledWith('ipsec-lab:labStatus');
    await api.invoke('faultApply', ['psk-mismatch']);
    expect(mock.ipcRenderer.invoke).toHaveBeenLastCalledWith('ipsec-lab:faultApply', ['psk-mismatch']);
  });

  it('refuses a method outside the contract without touching IPC', async () => {
    const calls = mock.ipcRenderer.invoke.mock.calls.length;
    await expect((api.invoke as (m: string) => Promise<unknown>)('constructor')).rejects.toMatchObject({
      code: 'invalid-request',
      message: /unknown method/,
    });
    await expect((api.invoke as (m: string) => Promise<unknown>)('event')).rejects.toMatchObject({
      code: 'invalid-request',
    });
    expect(mock.ipcRenderer.invoke.mock.calls.length).toBe(calls);
  });

  it('rejects with the envelope error as a plain object that keeps code, hint and issues', async () => {
    const issues = [{ field: 'left.psk', message: 'must not be empty' }];
    mock.answers.set(ipcChannel('applySettings'), {
      ok: false,
      error: { code: 'invalid-settings', message: 'bad settings', issues },
    });
    const err = await api.invoke('applySettings', {} as never).catch((e: unknown) => e);
    expect(err).toEqual({
      name: 'ApiError',
      code: 'invalid-settings',
      message: 'bad settings',
      hint: undefined,
      issues,
    });
    // Not an Error instance: contextBridge would keep only an Error's message.
    expect(err).not.toBeInstanceOf(Error);
    mock.answers.set(ipcChannel('doctor'), 'not an envelope');
    await expect(api.invoke('doctor')).rejects.toMatchObject({ code: 'internal', message: /outside the envelope/ });
  });

  it('hands listeners the payload of their event only, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('changed', (p) => got.push(p));
    const m: ApiEventMessage = { event: 'changed', payload: { what: 'up' } };
    emit({ event: 'logs', payload: [] });
    emit(m);
    expect(got).toEqual([{ what: 'up' }]);
    off();
    off();
    emit(m);
    expect(got).toHaveLength(1);
    expect(mock.listeners.get(IPC_EVENT_CHANNEL)?.size ?? 0).toBe(0);
    expect(() => (api.on as (e: string, l: () => void) => void)('ipsec-lab:labDown', () => {})).toThrow();
  });
});
