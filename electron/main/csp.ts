/**
 * The Content-Security-Policy the main process puts on every response to the window. The
 * renderer talks to the engine over IPC only, so it needs no network at all: connect-src is the
 * page itself (plus the dev server's HMR socket in development). No inline or eval'd script.
 * The renderer's index.html carries a meta-tag policy too (the same directives, plus the headless
 * host's WebSocket): both apply, so the stricter wins, and the meta tag still holds on an Electron
 * whose webRequest does not see file:// responses (older versions did not).
 */
import { contentSecurityPolicy as uiPolicy } from '../../lab/api/csp.js';
import type { HeadersReceivedDetails } from './electron-types.js';

/** The window's policy: the UI's one policy (lab/api/csp.ts) for the Electron place. */
export function contentSecurityPolicy(opts: { devOrigin?: string } = {}): string {
  return uiPolicy({ place: 'electron', devOrigin: opts.devOrigin });
}

/** Response headers with our CSP set (any policy the response carried is replaced, not merged). */
export function withCsp(details: HeadersReceivedDetails, policy: string): Record<string, string[] | string> {
  const headers: Record<string, string[] | string> = {};
  for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
  }
  headers['Content-Security-Policy'] = [policy];
  headers['X-Content-Type-Options'] = ['nosniff'];
  return headers;
}
