// The Scenarios tab end to end: a presenter starts a guided scenario from the real UI in Chromium,
// steps through it on a real lab, and every step shows what the lab really did.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureRendererBuilt } from '../../lab/api/headless/ui-build.js';
import { SCENARIOS } from '../../lab/scenarios/index.js';
import { type AppHost, startAppHost } from '../support/app-host.js';
import { collectPageErrors, type OpenChromium, openChromium } from '../support/chromium.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const SHOTS = path.resolve('test-output/screenshots/scenarios');

describe.skipIf(skipWithoutDocker('the Scenarios tab in Chromium'))(
  'guided scenarios in the app (Chromium, real lab)',
  () => {
    let host: AppHost;
    let browser: OpenChromium;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      await ensureRendererBuilt(() => {});
      host = await startAppHost(testLabName('e2e-sc'));
      browser = await openChromium();
      page = await browser.context.newPage();
      collectPageErrors(page, pageErrors);
    });

    afterAll(async () => {
      await browser?.close();
      await host?.close();
    });

    it('steps through phase1-psk: starts the lab, breaks the key, shows the cited log line and the verdict, fixes it', async () => {
      const sc = SCENARIOS.find((s) => s.id === 'phase1-psk')!;
      await page.goto(host.server.url);
      await page.click('[data-tab=scenarios]');
      await page.waitForSelector('[data-testid=scenario-phase1-psk]');
      for (const s of SCENARIOS) expect(await page.textContent(`[data-testid=scenario-${s.id}]`)).toContain(s.title);
      await page.click('[data-testid=scenario-phase1-psk]');
      // Before a step runs, the app says what it will check on the lab.
      expect(await page.textContent('[data-testid=scenario-checks-0]')).toContain(
        'IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways',
      );
      expect(await page.textContent('[data-testid=scenario-checks-0]')).toContain('the live diagnosis says healthy');
      await page.screenshot({ path: path.join(SHOTS, '01-scenarios.png') });

      // Presenter mode: one click per step; step 1 starts the lab from nothing.
      await page.click('[data-testid=scenario-next]');
      await page.waitForSelector('[data-testid=scenario-step-0][data-state=ok]', { timeout: 120_000 });
      expect(await page.textContent('[data-testid=scenario-step-0]')).toMatch(/tunnel up/);
      expect(await page.textContent('[data-testid=scenario-checks-1]')).toMatch(/gw-right logs a line matching/);
      await page.click('[data-testid=scenario-next]');
      await page.waitForSelector('[data-testid=scenario-step-1][data-state=ok]', { timeout: 60_000 });
      expect(await page.textContent('[data-testid=scenario-step-1]')).toMatch(
        /gw-right line \d+: tried 1 shared key for .* but MAC mismatched/,
      );
      await page.screenshot({ path: path.join(SHOTS, '02-scenario-broken.png') });

      // The rest unattended; the diagnosis step shows the engine's own verdict.
      await page.click('[data-testid=scenario-all]');
      await page.waitForSelector('[data-testid=scenario-done]', { timeout: 120_000 });
      expect(await page.textContent(`[data-testid=scenario-step-2]`)).toContain('diagnosis verdict psk-mismatch');
      expect(await page.locator('[data-testid^=scenario-step-][data-state=ok]').count()).toBe(sc.steps.length);
      await page.screenshot({ path: path.join(SHOTS, '03-scenario-done.png'), fullPage: true });
      expect((await host.engine.status()).up).toBe(true);
      expect(pageErrors).toEqual([]);
    }, 300_000);
  },
);
