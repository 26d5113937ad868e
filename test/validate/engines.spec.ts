/**
 * `validate --engine A --engine B`: four templates spread over this machine's engine and a second
 * dockerd the test starts (its own socket, data root and containerd), one lab at a time on each.
 * Asserted on the distribution, not on wall-clock thresholds (the machine is shared): both engines
 * got work, each template's labs were made on the engine that took it, the two engines ran at the
 * same time, and neither ran more than its one lab at a time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectDocker } from '../../lab/docker/connection.js';
import { ensureImage } from '../../lab/image/image.js';
import { LABEL } from '../../lab/lifecycle/labels.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { resolveValidationEngines } from '../../lab/validate/engines.js';
import { validateTemplates } from '../../lab/validate/run.js';
import type { ValidateReport } from '../../lab/validate/types.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { copyImage, type SecondEngine, secondEngineUnavailable, startSecondEngine } from '../support/second-engine.js';

const noSecond = secondEngineUnavailable();
if (noSecond && !skipWithoutDocker('validate on two engines'))
  console.warn(`SKIPPED validate on two engines: ${noSecond}`);

/** The labs an engine creates while `fn` runs (from its own event stream). */
async function labsCreatedOn(docker: Docker, fn: () => Promise<void>): Promise<Set<string>> {
  const labs = new Set<string>();
  const stream = (await docker.getEvents({
    filters: { type: ['container'], event: ['create'], label: [LABEL.lab] },
  })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines.filter(Boolean)) {
      const lab = (JSON.parse(l) as { Actor?: { Attributes?: Record<string, string> } }).Actor?.Attributes?.[LABEL.lab];
      if (lab) labs.add(lab);
    }
  });
  try {
    await fn();
  } finally {
    stream.destroy();
  }
  return labs;
}

describe.skipIf(skipWithoutDocker('validate on two engines') || !!noSecond)(
  'validate --engine over two engines',
  () => {
    let second: SecondEngine;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-engines-'));
    const templates = [1, 2, 3, 4].map((i) => path.join(dir, `branch-${i}.json`));
    let report: ValidateReport;
    let onFirst = new Set<string>();
    let onSecond = new Set<string>();

    beforeAll(async () => {
      for (const t of templates) writeFileSync(t, JSON.stringify(defaultSettings(), null, 2), { mode: 0o600 });
      second = await startSecondEngine();
      // The second engine gets the lab image from the first, as a fleet host gets it from a registry.
      const first = connectDocker().docker;
      await copyImage(first, second.docker, await ensureImage(first, 'trixie'));
      const engines = await resolveValidationEngines(['default=1', `${second.url}=1`]);
      expect(engines.map((e) => e.concurrency)).toEqual([1, 1]);
      onFirst = await labsCreatedOn(first, async () => {
        onSecond = await labsCreatedOn(second.docker, async () => {
          report = await validateTemplates(templates, { engines, only: ['establish', 'traffic'], quick: true });
        });
      });
    }, 600_000);

    afterAll(async () => {
      await second?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);

    it('validates every template, with results and report as on one engine', () => {
      expect(report.templates.map((t) => t.template)).toEqual(templates);
      for (const t of report.templates) {
        for (const id of ['establish', 'traffic']) {
          const c = t.checks.find((x) => x.id === id);
          expect(c?.status, `${t.template} on ${t.engine}: ${id}: ${c?.reason ?? t.error ?? ''}`).toBe('pass');
        }
      }
      expect(report.options.engines?.map((e) => e.name)).toEqual(['default', second.url]);
      expect(report.options.concurrency).toBe(2);
    });

    it('gives both engines work, and makes each template’s labs on the engine that took it', () => {
      const by = (engine: string) => report.templates.filter((t) => t.engine === engine).map((t) => t.lab);
      expect(by('default').length).toBeGreaterThan(0);
      expect(by(second.url).length).toBeGreaterThan(0);
      expect(by('default').length + by(second.url).length).toBe(4);
      for (const lab of by(second.url)) {
        expect(onSecond.has(lab), `${lab} on the second engine`).toBe(true);
        expect(onFirst.has(lab), `${lab} not on the first`).toBe(false);
      }
      for (const lab of by('default')) {
        expect(onFirst.has(lab)).toBe(true);
        expect(onSecond.has(lab)).toBe(false);
      }
    });

    it('runs the engines at the same time, each within its one lab at a time', () => {
      const span = (t: ValidateReport['templates'][number]) => {
        const start = Date.parse(t.startedAt!);
        return { engine: t.engine!, start, end: start + t.durationMs };
      };
      const spans = report.templates.map(span);
      const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) =>
        a.start < b.end && b.start < a.end;
      const across = spans.filter((a) => spans.some((b) => b.engine !== a.engine && overlap(a, b)));
      expect(across.length).toBeGreaterThan(0);
      for (const a of spans)
        for (const b of spans) if (a !== b && a.engine === b.engine) expect(overlap(a, b)).toBe(false);
      // For the record (not asserted: the machine is shared): the run against the templates one after another.
      const serial = spans.reduce((s, x) => s + (x.end - x.start), 0);
      console.log(
        `two engines: ${(report.durationMs / 1000).toFixed(0)} s for work that took ${(serial / 1000).toFixed(0)} s`,
      );
    });
  },
);
