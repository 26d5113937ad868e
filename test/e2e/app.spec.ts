// End to end: the real UI (built renderer) in Chromium, served by the headless host in-process,
// driving a real lab on the real Docker engine. Screenshots of every screen go to
// test-output/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../electron/headless/build-renderer.js';
import { startHeadlessServer, type HeadlessServer } from '../../electron/headless/server.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
const SHOTS = path.resolve('test-output/screenshots');

describe.skipIf(skipWithoutDocker('the app end to end in Chromium'))('the app end to end (Chromium, headless host, real lab)', () => {
  let engine: LabEngine;
  let service: LabService;
  let server: HeadlessServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const tab = (id: string) => page.click(`[data-tab=${id}]`);
  const tunnelUp = () => page.waitForFunction(() => ['ike-left', 'ike-right', 'child-left', 'child-right'].every((id) => {
    const t = document.querySelector(`[data-testid=${id}]`)?.textContent;
    return t === 'ESTABLISHED' || t === 'INSTALLED';
  }), undefined, { timeout: 60_000 });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensureRendererBuilt(() => {}, { force: true });
    engine = LabEngine.connect(testLabName('e2e'));
    service = new LabService(engine);
    await service.start();
    server = await startHeadlessServer({ host: service });
    profile = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1500, height: 920 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close();
    await service?.dispose();
    await engine?.down();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens on the start screen with the lab not running', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=start-lab]:not([disabled])');
    expect(await page.textContent('[data-testid=tunnel-state]')).toBe('not running');
    await shot('01-start');
  });

  it('starts the lab and shows both SAs up, live logs of both charons', async () => {
    await page.click('[data-testid=start-lab]');
    await page.waitForSelector('[data-testid=busy]');
    await shot('02-starting');
    await tunnelUp();
    await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel up")');
    for (const side of ['left', 'right']) {
      await page.waitForFunction((s) => document.querySelectorAll(`[data-testid=log-${s}] .logline`).length > 10, side);
      expect(await page.textContent(`[data-testid=log-${side}]`)).toMatch(/CHILD_SA net\{\d+\} established/);
    }
    await shot('03-logs-tunnel-up');
  });

  it('draws the IKE exchanges between the gateways as a ladder', async () => {
    await tab('ladder');
    await page.waitForSelector('[data-testid=ladder-message][data-exchange=IKE_AUTH]');
    const exchanges = await page.$$eval('[data-testid=ladder-message]', (els) => els.map((e) => e.getAttribute('data-exchange')));
    expect(exchanges.slice(0, 4)).toEqual(['IKE_SA_INIT', 'IKE_SA_INIT', 'IKE_AUTH', 'IKE_AUTH']);
    expect(await page.$$('.arrow.lost')).toHaveLength(0);
    await shot('04-exchanges');
  });

  it('lists the SAs with algorithms and SPIs, and the counters chart moves with traffic', async () => {
    await tab('sas');
    await page.waitForSelector('[data-testid=sas-left] .state.ok');
    expect(await page.textContent('[data-testid=sas-left]')).toMatch(/INSTALLED[\s\S]*AES/);
    const before = await page.textContent('[data-testid=counter-left-out]');
    const pointsBefore = await page.getAttribute('[data-series=left-Out]', 'points');
    await page.click('[data-testid=traffic-sas]');
    await page.waitForFunction((b) => document.querySelector('[data-testid=counter-left-out]')?.textContent !== b, before, { timeout: 20_000 });
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid=counter-right-in]')?.textContent ?? ''));
    expect(await page.getAttribute('[data-series=left-Out]', 'points')).not.toBe(pointsBefore);
    await page.waitForSelector('.banner.info:has-text("10/10 replies")');
    await shot('05-sas-counters');
  });

  it('shows both gateways\' settings side by side and a validation error next to the field', async () => {
    await tab('settings');
    const field = page.locator('[data-field="left.gateway.ikeProposals"] input');
    await field.fill('aes256-sha999-modp2048');
    await page.waitForSelector('[data-field="left.gateway.ikeProposals"] .field-error');
    expect(await page.textContent('[data-field="left.gateway.ikeProposals"] .field-error')).toMatch(/sha999/);
    await shot('06-settings-invalid');
    await field.fill('aes128-sha1-modp1024');
    await page.waitForSelector('tr.mismatch [data-field="left.gateway.ikeProposals"]');
    await shot('07-settings-mismatch');
    await page.click('text=Discard edits');
  });

  it('breaks the PSK with one click, diagnoses it with a working evidence link, and fixes it', async () => {
    await tab('faults');
    await page.click('[data-testid=break-psk-mismatch]');
    await page.waitForSelector('[data-testid=fix-psk-mismatch]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel down")', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=finding][data-cause=psk-mismatch]', { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid=finding]', 'data-cause')).toBe('psk-mismatch');
    await shot('08-fault-psk-mismatch');
    const link = page.locator('[data-testid=finding][data-cause=psk-mismatch] [data-testid=evidence-link]').first();
    const [side, line] = (await link.textContent())!.split(':');
    await link.click();
    await page.waitForSelector(`[data-testid=log-${side}] .logline.target[data-seq="${line}"]`);
    expect(await page.getAttribute(`[data-testid=log-${side}] .logline.target`, 'class')).toContain('cited');
    await shot('09-evidence-line');
    await tab('ladder');
    await page.waitForSelector('.lrow.note.error');
    await shot('10-exchanges-auth-failed');
    await tab('faults');
    await page.click('[data-testid=fix-psk-mismatch]');
    await page.waitForSelector('[data-testid=break-psk-mismatch]', { timeout: 60_000 });
    await tunnelUp();
    await page.waitForSelector('[data-testid=tunnel-state]:has-text("tunnel up")');
    await shot('11-fixed');
  });

  it('shows the link controls', async () => {
    await tab('link');
    await page.waitForSelector('[data-testid=apply-impairments]');
    await shot('12-link');
    expect(pageErrors).toEqual([]);
  });
});
