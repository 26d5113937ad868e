/**
 * Types for the parts of the `electron` module this host uses. Electron is an optional
 * dependency whose binary download can fail (and does in CI without network to its servers);
 * without its package there would be no types at all, so the host's surface is declared here,
 * in the structural shapes of electron-types.ts that the plain modules take.
 */
declare module 'electron' {
  import type { IpcMainLike, SessionLike, WebContentsLike } from './electron-types.js';
  import type { WindowOptions } from './window-options.js';

  interface Event {
    preventDefault(): void;
  }

  export const app: {
    isPackaged: boolean;
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(code?: number): void;
    on(event: 'second-instance' | 'window-all-closed', listener: () => void): void;
    on(event: 'before-quit', listener: (event: Event) => void): void;
    on(event: 'web-contents-created', listener: (event: Event, contents: WebContentsLike) => void): void;
  };

  export class BrowserWindow {
    constructor(options: WindowOptions);
    readonly webContents: WebContentsLike;
    loadURL(url: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): this;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
  }

  export const ipcMain: IpcMainLike;
  export const session: { defaultSession: SessionLike };

  export interface IpcRendererEvent {
    sender: unknown;
  }
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  };
  export const contextBridge: {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  };
}
