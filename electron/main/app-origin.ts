/**
 * Which page is ours: the built renderer's index.html on disk, or the electron-vite dev server.
 * Everything that trusts a page (IPC sender check, navigation, CSP) asks this one place.
 */
import { pathToFileURL } from 'node:url';

export interface AppOrigin {
  /** The URL the window loads. */
  url: string;
  /** True for a URL of our own page (same file, or same dev-server origin). */
  isOwn(url: string): boolean;
  /** The dev server origin, when running under `electron-vite dev`. */
  devOrigin?: string;
}

/** Parses a URL without throwing. */
function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The dev server to load instead of the built page: electron-vite's ELECTRON_RENDERER_URL, honoured
 * only in a development build that is not packaged. A production build ignores the variable, so
 * whoever starts the app (a shortcut, a script, another program) cannot point the window that holds
 * the lab's API at a page of their own.
 */
export function devServerUrl(o: {
  development: boolean;
  packaged: boolean;
  env: NodeJS.ProcessEnv;
}): string | undefined {
  return o.development && !o.packaged ? o.env.ELECTRON_RENDERER_URL : undefined;
}

/**
 * `devServerUrl` is electron-vite's ELECTRON_RENDERER_URL in development, which must be a
 * loopback http(s) URL (anything else is refused: the dev server serves code we then trust).
 */
export function appOrigin(indexHtmlPath: string, devServerUrl?: string): AppOrigin {
  if (devServerUrl) {
    const dev = parse(devServerUrl);
    if (!dev || !/^https?:$/.test(dev.protocol) || !['localhost', '127.0.0.1', '[::1]'].includes(dev.hostname)) {
      throw new Error(`ELECTRON_RENDERER_URL must be a loopback http(s) URL, got ${JSON.stringify(devServerUrl)}`);
    }
    return { url: dev.href, devOrigin: dev.origin, isOwn: (url) => parse(url)?.origin === dev.origin };
  }
  const own = pathToFileURL(indexHtmlPath);
  return {
    url: own.href,
    // file: URLs all share the opaque origin "null": compare the file itself, ignoring query and hash.
    isOwn: (url) => {
      const u = parse(url);
      return !!u && u.protocol === 'file:' && !u.host && u.pathname === own.pathname;
    },
  };
}
