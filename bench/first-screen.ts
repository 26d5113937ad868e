/**
 * First-screen bench: the UI exactly as `ipsec-lab serve` builds and serves it (production build,
 * the headless host with a real LabService), opened in headless Chromium again and again with an
 * empty cache. Measured in the page: first contentful paint, and the moment the first screen is
 * ready (tabs, topology and the host's snapshot drawn: the lab name shown); over the network: the
 * JavaScript fetched for that first screen against all the JavaScript of the build. Each load
 * also runs with the CPU slowed 4x (CDP), a modest laptop on battery.
 *
 * Run alone: `npm run bench -- first-screen` (loads: FIRST_SCREEN_LOADS, default 7).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type BrowserContext, chromium } from 'playwright-core';

import { startHeadlessServer } from '../lab/api/headless/server.js';
import { ensureRendererBuilt } from '../lab/api/headless/ui-build.js';
import { LabService } from '../lab/api/service.js';
import { ignoreRejection } from '../lab/common/ignore.js';
import { LabEngine } from '../lab/engine/lab-engine.js';
import type { Figure } from './support.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

// The page's globals as the functions run inside Chromium use them (this file compiles for Node).
declare const document: { querySelector(s: string): { textContent: string | null } | null };
declare const performance: { now(): number; getEntriesByName(n: string): { startTime: number }[] };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Load {
  fcp: number;
  ready: number;
  jsBytes: number;
  jsFiles: number;
}

export async function benchFirstScreen(opts: { loads?: number } = {}): Promise<Figure[]> {
  const loads = opts.loads ?? Number(process.env.FIRST_SCREEN_LOADS ?? 7);
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-first-screen-'));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-bench-chromium-'));
  const engine = LabEngine.connect(`bench-fs-${process.pid.toString(36)}`);
  const service = new LabService(engine);
  let context: BrowserContext | undefined;
  let server: Awaited<ReturnType<typeof startHeadlessServer>> | undefined;
  try {
    await ensureRendererBuilt(() => {}, { force: true, outDir });
    const assets = path.join(outDir, 'assets');
    const allJs = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const allJsBytes = allJs.reduce((n, f) => n + statSync(path.join(assets, f)).size, 0);
    await service.start();
    server = await startHeadlessServer({ host: service, rendererDir: outDir });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
    });
    const once = async (throttle: number): Promise<Load> => {
      const page = await context!.newPage();
      const cdp = await context!.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      const js = new Map<string, number>();
      cdp.on('Network.loadingFinished', (e) => js.has(e.requestId) && js.set(e.requestId, e.encodedDataLength));
      cdp.on('Network.responseReceived', (e) => {
        if (/\.js(\?|$)/.test(e.response.url)) js.set(e.requestId, 0);
      });
      await page.goto(server!.url);
      await page.waitForFunction(
        () =>
          !!document.querySelector('[data-tab=logs]') &&
          !!document.querySelector('.topology') &&
          !['', '…'].includes(document.querySelector('.lab-name b')?.textContent ?? ''),
        undefined,
        { timeout: 60_000 },
      );
      const { ready, fcp } = await page.evaluate(() => ({
        ready: performance.now(),
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      }));
      const jsBytes = [...js.values()].reduce((a, b) => a + b, 0);
      await cdp.detach();
      await page.close();
      return { fcp, ready, jsBytes, jsFiles: js.size };
    };
    await once(1); // warm-up: Chromium's own start-up costs are not the app's
    const figures: Figure[] = [];
    for (const throttle of [1, 4]) {
      const runs: Load[] = [];
      for (let i = 0; i < loads; i++) runs.push(await once(throttle));
      const cpu = throttle === 1 ? '' : `, CPU ${throttle}x slower`;
      figures.push({
        name: `first screen ready (served build${cpu}, median of ${loads})`,
        value: median(runs.map((r) => r.ready)),
        unit: 'ms',
        note: `first contentful paint ${median(runs.map((r) => r.fcp)).toFixed(0)} ms; loads: ${runs.map((r) => r.ready.toFixed(0)).join(', ')}`,
      });
      if (throttle === 1)
        figures.push({
          name: 'JavaScript fetched for the first screen',
          value: runs[0].jsBytes / 1024,
          unit: 'KiB',
          note: `${runs[0].jsFiles} of ${allJs.length} files; the whole build is ${(allJsBytes / 1024).toFixed(0)} KiB (the other tabs load when opened)`,
        });
    }
    return figures;
  } finally {
    await context?.close().catch(ignoreRejection('the browser may already be closed'));
    await server?.close();
    await service.dispose();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await benchFirstScreen()) console.log(`${f.name}: ${f.value.toFixed(1)} ${f.unit} (${f.note})`);
}
