import { describe, expect, it } from 'vitest';

import { contentSecurityPolicy as electronPolicy } from '../../electron/main/csp.js';
import { contentSecurityPolicy, cspMetaTag } from '../../lab/api/csp.js';
import { cspMeta } from '../../vite.renderer.config.js';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('one Content-Security-Policy for every place that states it', () => {
  const electron = directives(electronPolicy());
  const headless = directives(contentSecurityPolicy({ place: 'headless', port: 4321 }));
  const meta = directives(contentSecurityPolicy({ place: 'meta' }));

  it('the Electron header, the headless header and the page meta tag agree on every directive but connect-src', () => {
    for (const [name, value] of meta)
      if (name !== 'connect-src') expect([name, electron.get(name)]).toEqual([name, value]);
    for (const [name, value] of meta)
      if (name !== 'connect-src') expect([name, headless.get(name)]).toEqual([name, value]);
    // frame-ancestors is header-only (a meta policy may not carry it).
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(electron.get('frame-ancestors')).toBe("'none'");
    expect(headless.get('frame-ancestors')).toBe("'none'");
  });

  it("connect-src is the page itself, plus the headless host's own WebSocket port", () => {
    expect(electron.get('connect-src')).toBe("'self'");
    expect(headless.get('connect-src')).toBe("'self' ws://127.0.0.1:4321");
    expect(meta.get('connect-src')).toBe("'self' ws://127.0.0.1:*");
  });

  it('the renderer build writes the meta tag from the builder into index.html', () => {
    const transform = cspMeta.transformIndexHtml as (html: string) => string;
    const html = transform('<html><head>\n    <meta charset="UTF-8" />\n</head></html>');
    expect(html).toContain(cspMetaTag());
    expect(html.indexOf(cspMetaTag())).toBeGreaterThan(html.indexOf('charset'));
  });
});
