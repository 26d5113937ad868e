// The app as a daily tool (issue 17), end to end in Chromium against a real lab: the served UI is
// React's production build and its first screen loads without the other tabs' code; the app
// follows a lab started from the CLI by itself (logs from line 1, SAs, the settings it runs); the
// user's settings survive a stop and start and a restart of the app (owner-only files in a
// temporary config directory), and go to and come from a file; Stop asks first; netem-only link
// fields are disabled up front; fault texts speak the lab's own subnets; the tabs move with the
// arrow keys; and an axe-core scan finds no serious or critical violation on any tab.
// Screenshots of the changed screens go to test-output/screenshots/daily-tool/ (40-*).
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type HeadlessServer, startHeadlessServer } from '../../lab/api/headless/server.js';
import { ensureRendererBuilt } from '../../lab/api/headless/ui-build.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { seriousViolations } from '../support/axe.js';
import { type OpenChromium, openChromium } from '../support/chromium.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const SHOTS = path.resolve('test-output/screenshots/daily-tool');
const run = promisify(execFile);

// The page's globals, as far as the functions run inside Chromium use them (this file compiles for Node).
declare const document: {
  querySelector(selector: string): { textContent: string | null; scrollTop: number } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  activeElement: { getAttribute(name: string): string | null } | null;
};

describe.skipIf(skipWithoutDocker('the app as a daily tool (Chromium, real lab)'))(
  'the app as a daily tool (Chromium, headless host, CLI-started lab)',
  () => {
    const name = testLabName('daily');
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-daily-config-'));
    const env = { ...process.env, IPSEC_LAB_CONFIG_DIR: configDir };
    const cli = (...args: string[]) =>
      run(process.execPath, ['bin/ipsec-lab.js', ...args, '--lab', name], { timeout: 120_000, env });
    const engine = LabEngine.connect(name);
    let service: LabService;
    let server: HeadlessServer;
    let browser: OpenChromium;
    let page: Page;
    const consoleLines: string[] = [];
    const pageErrors: string[] = [];
    const requested: string[] = [];
    const children: ChildProcess[] = [];

    const shot = (file: string) => page.screenshot({ path: path.join(SHOTS, `${file}.png`) });
    const tab = (id: string) => page.click(`[data-tab=${id}]`);
    const savedFile = path.join(configDir, 'labs', `${name}.json`);
    /** Generous: the host, the browser and the lab share a loaded CI machine. */
    const SLOW = { timeout: 20_000 };
    // Waited for by its start: `:has-text()` matches any case and substring, so it would also take
    // 'Reading the settings lab "x" runs…', shown while the Settings tab still holds the older draft.
    const labSettingsShown = () =>
      expect
        .poll(() => page.textContent('[data-testid=settings-source]'), SLOW)
        .toMatch(new RegExp(`^Settings lab "${name}" runs`));
    // A field shows a value that came from elsewhere on React's next render (it syncs in an effect).
    const fieldShows = (field: string, value: string) =>
      expect.poll(() => page.inputValue(`[data-field="${field}"] input`), SLOW).toBe(value);

    /** A host as the app starts one: the service (following the lab under its name) and the headless server. */
    async function openApp(): Promise<void> {
      service = new LabService(engine, { pollMs: 500, configDir });
      await service.start();
      server = await startHeadlessServer({ host: service });
      page = await browser.context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('request', (r) => requested.push(r.url()));
      await page.goto(server.url);
      await page.waitForSelector('[data-tab=logs]');
    }
    async function closeApp(): Promise<void> {
      await page.close();
      await server.close();
      await service.dispose();
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      await ensureRendererBuilt(() => {}, { force: true });
      browser = await openChromium({
        viewport: { width: 1440, height: 900 },
        acceptDownloads: true,
        // Only so addScriptTag can inject axe-core into the page (its CSP allows no inline script);
        // the CSP itself is tested by test/api/csp.spec.ts and the other browser tests.
        bypassCSP: true,
      });
      await openApp();
    }, 240_000);

    afterAll(async () => {
      for (const c of children) c.kill();
      await browser?.close();
      await server?.close();
      await service?.dispose();
      await engine.down();
      rmSync(configDir, { recursive: true, force: true });
    });

    it("serves React's production build, and the first screen without the other tabs' code", async () => {
      await page.waitForSelector('[data-testid=tunnel-state]:has-text("not running")');
      expect(consoleLines.filter((l) => /React DevTools|development build|react-dom\.development/i.test(l))).toEqual(
        [],
      );
      const scripts = requested.filter((u) => /\.js(\?|$)/.test(u));
      const entry = scripts.find((u) => /\/index-[^/]+\.js/.test(u))!;
      const code = await page.evaluate((u) => fetch(u).then((r) => r.text()), entry);
      // React's development build carries these; the production build does not.
      expect(code).not.toMatch(/jsxDEV|Download the React DevTools/);
      // The Settings tab's code is its own chunk, fetched when the tab first opens.
      expect(scripts.some((u) => /SettingsPanel/.test(u))).toBe(false);
      await tab('settings');
      await page.waitForSelector('[data-testid=settings]');
      expect(requested.some((u) => /SettingsPanel-[^/]+\.js/.test(u))).toBe(true);
      expect(await page.textContent('[data-testid=settings-source]')).toMatch(/^Default settings; no lab/);
      await tab('logs');
    });

    it('follows a lab started from the CLI by itself: the whole log from line 1, both SAs, the settings it runs', async () => {
      const s = defaultSettings();
      s.left.lan = '192.168.10.0/24';
      s.right.lan = '172.20.5.0/24';
      s.left.gateway.psk = s.right.gateway.psk = 'typed-in-a-terminal';
      const file = path.join(configDir, 'cli-settings.json');
      writeFileSync(file, JSON.stringify(s));
      await cli('up', '--settings', file, '--timeout', '40');
      // No reload: the open page follows the lab the engine's labels show.
      // The host finds the lab at its next poll and then starts following it: slower on a loaded machine.
      await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel up")', { timeout: 60_000 });
      await page.waitForSelector('[data-testid=traffic-hint]');
      await shot('40-attached-cli-lab');
      // Line 1 of gw-left's charon log is in the view (scrolled to the top).
      await page.click('[data-testid=follow]');
      await page.evaluate(() => void (document.querySelector('[data-testid=log-left] .logview-scroll')!.scrollTop = 0));
      await page.waitForSelector('[data-testid=log-left] .logline[data-seq="1"]');
      // Long lines wrap: the whole message is on screen, no click needed.
      const longLine = page.locator('[data-testid=log-left] .logline', { hasText: 'Starting charon-systemd' }).first();
      expect((await longLine.boundingBox())!.height).toBeGreaterThan(18);
      await page.click('[data-testid=follow]');
      await tab('sas');
      await page.waitForSelector('[data-testid=sas-left] .state.ok');
      expect(await page.textContent('[data-testid=sas-left]')).toContain('192.168.10.0/24');
      await tab('settings');
      await labSettingsShown();
      await fieldShows('left.lan', '192.168.10.0/24');
      await fieldShows('left.gateway.psk', 'typed-in-a-terminal');
      // The catalogue speaks the lab's subnets, not the default lab's.
      await tab('faults');
      const overlap = await page.textContent('[data-fault=overlapping-subnets]');
      expect(overlap).toContain('192.168.10.0/24');
      expect(overlap).not.toContain('10.1.0.0/24');
    }, 240_000);

    it('keeps a traffic history, axes with sane ticks, and the hint to send traffic until some crossed', async () => {
      await page.click('[data-testid=traffic-hint-send]');
      await page.waitForSelector('[data-testid=traffic-hint]', { state: 'detached', timeout: 30_000 });
      await tab('sas');
      await page.waitForSelector('[data-testid=traffic-run]:has-text("10/10")', { timeout: 30_000 });
      const ticks = await page.$$eval('[data-testid=y-tick]', (els) => els.map((e) => e.textContent));
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks[0]).toBe('0 B');
      expect(await page.textContent('[data-testid=last-traffic]')).toContain('10/10');
      await shot('41-traffic-history');
    }, 120_000);

    it('disables link fields the kernel cannot do before anything is typed, with the reason', async () => {
      const features = await engine.kernelFeatures();
      await tab('link');
      await page.waitForSelector('[data-testid=link]');
      expect(await page.isDisabled('[data-testid=imp-left-to-right-delayMs]')).toBe(!features.netem);
      expect(await page.isDisabled('[data-testid=imp-left-to-right-lossPercent]')).toBe(false);
      if (!features.netem) expect(await page.textContent('[data-testid=netem-note]')).toMatch(/no netem/);
      await shot('42-link-netem');
    });

    it('keeps the settings edited in the app through a stop and a start, owner-only, and to and from a file', async () => {
      await tab('settings');
      await page.fill('[data-field="right.gateway.dpd.delay"] input', '23');
      // Saved for the lab name as it was typed (a pause in typing, then a validation and a save over
      // the host): an owner-only file in the config directory.
      await expect
        .poll(() => {
          try {
            return JSON.parse(readFileSync(savedFile, 'utf8')).settings.right.gateway.dpd.delay;
          } catch {
            return undefined;
          }
        }, SLOW)
        .toBe(23);
      expect(statSync(savedFile).mode & 0o777).toBe(0o600);
      await shot('43-settings-edited');

      // Stop asks first; Cancel keeps the lab.
      await page.click('[data-testid=stop-lab]');
      await page.waitForSelector('[data-testid=confirm][open]');
      await shot('44-stop-confirm');
      await page.click('[data-testid=confirm-cancel]');
      expect(await page.textContent('[data-testid=tunnel-state]')).toBe('tunnel up');
      await page.click('[data-testid=stop-lab]');
      await page.click('[data-testid=confirm-ok]');
      await page.waitForSelector('[data-testid=tunnel-state]:has-text("not running")', { timeout: 60_000 });
      await tab('settings');
      await page.waitForSelector(`[data-testid=settings-source]:has-text('Your settings for lab "${name}"')`);
      await fieldShows('right.gateway.dpd.delay', '23');
      await fieldShows('left.lan', '192.168.10.0/24');
      await page.evaluate(() => void (document.querySelector('.tab-body')!.scrollTop = 0));
      await shot('45-settings-after-stop');

      // Started again from the Settings tab: the lab runs the edited settings.
      await page.click('[data-testid=start-with-settings]');
      await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel up")', { timeout: 90_000 });
      expect((await engine.settings()).right.gateway.dpd.delay).toBe(23);

      // To a file and back.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=settings-save-file]'),
      ]);
      const saved = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(saved.right.gateway.dpd.delay).toBe(23);
      saved.right.gateway.dpd.delay = 31;
      const edited = path.join(configDir, 'edited.json');
      writeFileSync(edited, JSON.stringify(saved));
      await page.setInputFiles('[data-testid=settings-file-input]', edited);
      await page.waitForFunction(
        () =>
          (document.querySelector('[data-field="right.gateway.dpd.delay"] input') as unknown as { value: string })
            ?.value === '31',
      );
      expect(await page.textContent('[data-testid=settings-source]')).toContain('edited');
      await expect
        .poll(() => JSON.parse(readFileSync(savedFile, 'utf8')).settings.right.gateway.dpd.delay, SLOW)
        .toBe(31);
    }, 300_000);

    it('keeps them through a restart of the app: edits the running lab does not use are offered back', async () => {
      await closeApp();
      await openApp();
      await tab('settings');
      await labSettingsShown();
      await fieldShows('right.gateway.dpd.delay', '23');
      await page.waitForSelector('[data-testid=saved-edits]');
      await page.click('[data-testid=load-saved-edits]');
      // The field shows the loaded value on React's next render, not within the click.
      await fieldShows('right.gateway.dpd.delay', '31');
      await shot('46-settings-after-restart');
    }, 120_000);

    it('moves between the tabs with the arrow keys (WAI-ARIA tabs), each tab labelling its panel', async () => {
      await page.focus('[data-tab=settings]');
      await page.keyboard.press('ArrowRight');
      expect(await page.getAttribute('[data-tab=faults]', 'aria-selected')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('faults');
      await page.keyboard.press('Home');
      expect(await page.getAttribute('[data-tab=logs]', 'aria-selected')).toBe('true');
      await page.keyboard.press('ArrowLeft');
      const last = await page.evaluate(() => document.activeElement?.getAttribute('data-tab'));
      expect(await page.getAttribute(`[data-tab=${last}]`, 'aria-selected')).toBe('true');
      expect(await page.getAttribute('[role=tabpanel]', 'aria-labelledby')).toBe(`tab-${last}`);
      expect(await page.getAttribute(`#tab-${last}`, 'aria-controls')).toBe(`panel-${last}`);
      expect(await page.$$eval('[role=tab][tabindex="0"]', (els) => els.length)).toBe(1);
    });

    it('passes an axe-core scan on every tab: no serious or critical violation', async () => {
      const found: string[] = [];
      for (const id of ['logs', 'ladder', 'sas', 'settings', 'faults', 'link', 'scenarios', 'validate']) {
        await tab(id);
        await page.waitForTimeout(400);
        found.push(...(await seriousViolations(page, undefined, id)));
      }
      expect(found).toEqual([]);
      expect(pageErrors).toEqual([]);
    }, 120_000);
  },
);
