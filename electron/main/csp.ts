/**
 * The Content-Security-Policy the main process puts on every response to the window. The
 * renderer talks to the engine over IPC only, so it needs no network at all: connect-src is the
 * page itself (plus the dev server's HMR socket in development). No inline or eval'd script.
 * The renderer's index.html carries a meta-tag policy too (the same directives, plus the headless
 * host's WebSocket): both apply, so the stricter wins, and the meta tag still holds on an Electron
 * whose webRequest does not see file:// responses (older versions did not).
 */
import type { HeadersReceivedDetails } from './electron-types.js';

export function contentSecurityPolicy(opts: { devOrigin?: string } = {}): string {
  const dev = opts.devOrigin ? new URL(opts.devOrigin) : undefined;
  const connect = dev ? `'self' ${dev.origin} ${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
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
