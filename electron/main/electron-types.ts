/**
 * The few Electron shapes the host's plain modules use, written structurally so those modules
 * take Electron's objects as parameters and can be tested without Electron (and type-checked
 * where its optional package is not installed). Electron's own objects satisfy them.
 */

/** A frame that sent an IPC message (Electron's WebFrameMain). */
export interface FrameLike {
  url: string;
  /** null for a top-level frame. */
  parent: unknown;
}

export interface IpcMainInvokeEventLike {
  /** null when the frame navigated away or was destroyed before the message was handled. */
  senderFrame: FrameLike | null;
  sender?: unknown;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown> | unknown,
  ): void;
  removeHandler(channel: string): void;
}

export interface NavigationEventLike {
  preventDefault(): void;
}

export interface WindowOpenHandlerResponse {
  action: 'deny' | 'allow';
}

export interface WebContentsLike {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: NavigationEventLike, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenHandlerResponse): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface HeadersReceivedDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[] | string>;
}

export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[] | string>; cancel?: boolean }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
}
