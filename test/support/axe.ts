import { createRequire } from 'node:module';

import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}
// The page's globals, as far as the function run inside Chromium uses them (this file compiles for Node).
declare const axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
declare const document: unknown;

/**
 * axe-core's serious and critical WCAG 2 A/AA violations in the element `selector` selects (the
 * whole page without one), a line each, labelled `label`. axe-core is injected into the page on
 * first use, so the page's context must bypass the CSP (which allows no injected script).
 */
export async function seriousViolations(page: Page, selector?: string, label = selector ?? 'page'): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate(
    (sel) =>
      axe.run(sel ?? document, {
        resultTypes: ['violations'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
      }),
    selector ?? null,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
