// The workflow tabs end to end in Chromium on a real lab: a packet capture next to the exchange
// ladder, and validating the lab's settings as a template from the Validate tab.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureRendererBuilt } from '../../lab/api/headless/ui-build.js';
import { CHECK_IDS } from '../../lab/validate/index.js';
import { type AppHost, startAppHost } from '../support/app-host.js';
import { collectPageErrors, type OpenChromium, openChromium } from '../support/chromium.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const SHOTS = path.resolve('test-output/screenshots/workflows');

// The page's DOM, as far as the functions run inside Chromium use it (this file compiles for Node).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

describe.skipIf(skipWithoutDocker('the workflow tabs in Chromium'))(
  'capture and validate in the app (Chromium, real lab)',
  () => {
    let host: AppHost;
    let browser: OpenChromium;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      await ensureRendererBuilt(() => {});
      host = await startAppHost(testLabName('e2e-wf'));
      browser = await openChromium({ acceptDownloads: true });
      page = await browser.context.newPage();
      collectPageErrors(page, pageErrors);
      await page.goto(host.server.url);
      await page.click('[data-testid=start-lab]');
      await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel up")', { timeout: 120_000 });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await host?.close();
    });

    it('captures in the router while the tunnel renegotiates and lists the exchanges next to the ladder, with the pcap to save', async () => {
      await page.click('[data-tab=ladder]');
      await page.click('[data-testid=capture-start]');
      await page.waitForSelector('[data-testid=capture-stop]');
      await host.engine.renegotiate();
      // renegotiate() only starts it: the capture must hold the whole exchange before it stops.
      expect((await host.engine.waitForTunnel(45_000)).up, 'the tunnel back after the renegotiation').toBe(true);
      await page.click('[data-testid=capture-stop]');
      await page.waitForSelector('[data-testid=capture-exchange]', { timeout: 30_000 });
      const rows = await page.locator('[data-testid=capture-exchange]').allTextContents();
      expect(rows.some((r) => /IKE_SA_INIT.*answered/.test(r))).toBe(true);
      expect(rows.some((r) => /IKE_AUTH.*answered/.test(r))).toBe(true);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=capture-save]')]);
      const file = path.join(SHOTS, 'capture.pcap');
      await download.saveAs(file);
      const { decodePcap } = await import('../../lab/capture/index.js');
      const { readFileSync } = await import('node:fs');
      expect(decodePcap(readFileSync(file)).filter((p) => p.kind === 'ike').length).toBeGreaterThanOrEqual(4);
      await page.screenshot({ path: path.join(SHOTS, '01-capture-ladder.png') });
    }, 90_000);

    it("pages a gateway's whole log in the History view, oldest line first", async () => {
      await page.click('[data-tab=logs]');
      // The lab keeps logging: the view's total is the log's length when it opened, between these two.
      const before = (await host.service.logsPage('left', 0, 1)).total;
      await page.click('[data-testid=log-history-open]');
      await page.waitForSelector('[data-testid=history-range]');
      const after = (await host.service.logsPage('left', 0, 1)).total;
      const m = /^lines (\d+)–(\d+) of (\d+)$/.exec((await page.textContent('[data-testid=history-range]')) ?? '');
      expect(m, 'the History view names its range and the total').not.toBeNull();
      const [, , last, total] = m!.map(Number);
      expect(total).toBeGreaterThanOrEqual(before);
      expect(total).toBeLessThanOrEqual(after);
      // It opens on the newest lines.
      expect(last).toBe(total);
      await page.click('text=⇤ oldest');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=history-range]')?.textContent?.startsWith('lines 1–'),
      );
      expect(await page.getAttribute('.history-line >> nth=0', 'data-seq')).toBe('1');
      await page.screenshot({ path: path.join(SHOTS, '00-log-history.png') });
      await page.click('text=Back to live');
    }, 60_000);

    it("validates the lab's settings from the Validate tab: every check listed with its result, and the report to save", async () => {
      await page.click('[data-tab=validate]');
      await page.click('[data-testid=validate-run]');
      await page.waitForSelector('[data-testid=validate-progress] li', { timeout: 60_000 });
      // A full validation (its own labs, rekeys, a peer restart): 238 s of the 240 it had, here under load.
      await page.waitForSelector('[data-testid=validate-verdict]', { timeout: 480_000 });
      expect(await page.textContent('[data-testid=validate-verdict]')).toBe('passed');
      for (const id of CHECK_IDS)
        expect(await page.getAttribute(`[data-testid=validate-check-${id}]`, 'data-status')).toMatch(/pass|skipped/);
      expect(await page.getAttribute('[data-testid=validate-check-establish]', 'data-status')).toBe('pass');
      expect(await page.getAttribute('[data-testid=validate-check-rekey]', 'data-status')).toBe('pass');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=validate-report]'),
      ]);
      const html = path.join(SHOTS, 'report.html');
      await download.saveAs(html);
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(html, 'utf8');
      expect(text).toContain('Tunnel establishes');
      expect(text).not.toContain((await host.engine.settings()).left.gateway.psk);
      await page.screenshot({ path: path.join(SHOTS, '02-validate.png'), fullPage: true });
      // The lab the user is working on was left alone.
      expect((await host.engine.status()).up).toBe(true);
      expect(pageErrors).toEqual([]);
    }, 560_000);
  },
);
