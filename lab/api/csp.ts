/**
 * The one Content-Security-Policy of the UI, for every place that states it: the Electron main
 * process's response header, the headless host's header, and the renderer's `<meta>` tag (written
 * into index.html by the renderer's build from this function). The renderer needs no network but
 * its own host: no inline or eval'd script, no frames, no forms.
 *
 * Pure (no Node): the renderer's build config and both hosts import it.
 */
export type CspPlace =
  /** Electron's window: everything over IPC; in development also the dev server's HMR socket. */
  | { place: 'electron'; devOrigin?: string }
  /** The headless host on 127.0.0.1:port: the contract's WebSocket on the same port. */
  | { place: 'headless'; port: number }
  /** The built page's meta tag, served by either host: any local port (the header narrows it). */
  | { place: 'meta' };

function connectSources(p: CspPlace): string {
  switch (p.place) {
    case 'electron': {
      if (!p.devOrigin) return "'self'";
      const dev = new URL(p.devOrigin);
      return `'self' ${dev.origin} ${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`;
    }
    case 'headless':
      return `'self' ws://127.0.0.1:${p.port}`;
    case 'meta':
      return "'self' ws://127.0.0.1:*";
  }
}

export function contentSecurityPolicy(p: CspPlace): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSources(p)}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  // A meta-tag policy may not carry frame-ancestors (browsers ignore it there and warn).
  if (p.place !== 'meta') directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

/** The `<meta>` element the renderer's index.html carries (its build inserts this). */
export function cspMetaTag(): string {
  return `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ place: 'meta' })}" />`;
}
