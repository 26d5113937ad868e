import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The system Chromium the browser tests drive (CI installs it with apt), and its headless flags. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

type ContextOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

export interface OpenChromium {
  context: BrowserContext;
  /** Ends the browser and removes its profile (safe to call when the browser already ended). */
  close(): Promise<void>;
}

/**
 * The system Chromium, headless, with a fresh profile of its own (no state shared between test
 * files), in the browser tests' usual window (1500x920) unless `options` say otherwise.
 */
export async function openChromium(options: ContextOptions = {}): Promise<OpenChromium> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1500, height: 920 },
      ...options,
    });
    return {
      context,
      close: async () => {
        // A browser that crashed or was closed by the test has nothing left to close.
        await context.close().catch((e: unknown) => console.warn(`chromium: close failed: ${String(e)}`));
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/** Collects a page's uncaught errors (and, with `console`, its console errors) into `into`. */
export function collectPageErrors(page: Page, into: string[], { console: consoleErrors = false } = {}): void {
  page.on('pageerror', (e) => into.push(e.message));
  if (consoleErrors)
    page.on('console', (m) => {
      if (m.type() === 'error') into.push(`console: ${m.text()}`);
    });
}
