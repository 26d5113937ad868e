/**
 * What the window may do besides showing our page: nothing. No navigation (not even to our own
 * page: the UI is a single page and never navigates), no new windows, no <webview>, no
 * permission (camera, notifications, geolocation...), and our CSP on every response.
 */
import { withCsp } from './csp.js';
import type { NavigationEventLike, SessionLike, WebContentsLike } from './electron-types.js';

export interface Refusal {
  what: 'navigation' | 'redirect' | 'window-open' | 'webview' | 'permission';
  target: string;
}

export type RefusalLog = (r: Refusal) => void;

const quiet: RefusalLog = () => {};

/** Denies navigation, redirects, popups and <webview> for one window's contents. */
export function denyNavigation(contents: WebContentsLike, log: RefusalLog = quiet): void {
  const refuse = (what: Refusal['what']) => (event: NavigationEventLike, url: string) => {
    event.preventDefault();
    log({ what, target: url });
  };
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-frame-navigate', refuse('navigation'));
  contents.on('will-redirect', refuse('redirect'));
  contents.on('will-attach-webview', (event: NavigationEventLike) => {
    event.preventDefault();
    log({ what: 'webview', target: '<webview>' });
  });
  contents.setWindowOpenHandler(({ url }) => {
    log({ what: 'window-open', target: url });
    return { action: 'deny' };
  });
}

/** Denies every permission request and check, and sets our CSP on every response of the session. */
export function hardenSession(session: SessionLike, policy: string, log: RefusalLog = quiet): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log({ what: 'permission', target: permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details, policy) });
  });
}
