import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ignoreRejection } from '../common/ignore.js';
import { connectDocker } from '../docker/connection.js';
import { LabEngine } from '../engine/lab-engine.js';
import { FaultService } from '../faults/fault-service.js';
import { LAB_NAME_RE } from '../lifecycle/labels.js';
import { adviceLine, cryptoAdvice } from '../settings/crypto-strength.js';
import { checkEstablish, CHECKS, runCheck, skippedCheck, type TemplateContext } from './checks.js';
import { adviceCitations, configCitations } from './citations.js';
import { spreadOverEngines, type ValidationEngine } from './engines.js';
import { LabRecorder } from './evidence.js';
import { labsPerTemplate, startCheckLabs } from './parallel-checks.js';
import { secretsInText } from './secrets.js';
import { loadTemplate, maskSettings, maskText } from './template.js';
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  DEFAULT_TIMERS,
  type TemplateResult,
  type ValidateOptions,
  type ValidateReport,
} from './types.js';

/** Labs this process is validating right now, so an interrupted run (Ctrl-C) can remove them. */
export const activeLabs = new Set<LabEngine>();

/** One lab per template at a time on a 2-core machine; more where the machine has the cores. */
export function defaultConcurrency(): number {
  return Math.max(1, Math.floor(os.cpus().length / 2));
}

function labName(prefix: string, run: string, index: number): string {
  return `${prefix.slice(0, 12)}-${run}-${index}`.replace(/[^a-z0-9-]/g, '-');
}

/**
 * A lab name for one validation next to `base` (the app's own lab): a random part, so two
 * validations started at once never share (and tear down) each other's lab; room is left for the
 * interop check's second lab ("-i").
 */
export function validationLabName(base: string): string {
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 12)
      .replace(/-+$/, '') || 'lab';
  const name = `${stem}-val-${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
  if (!LAB_NAME_RE.test(`${name}-i`)) throw new Error(`validation lab name "${name}" is not a valid lab name`);
  return name;
}

/**
 * Validates one template on a lab of its own: the tunnel must establish, carry traffic both ways,
 * rekey, recover from a peer restart, survive loss (and latency where the engine can), work
 * behind NAT and across strongSwan releases. The lab is always removed at the end.
 */
export async function validateTemplate(
  file: string,
  name: string,
  opts: ValidateOptions = {},
): Promise<TemplateResult> {
  const t0 = Date.now();
  const progress = (line: string) => opts.onProgress?.(`[${path.basename(file)}] ${line}`);
  let loaded: Awaited<ReturnType<typeof loadTemplate>>;
  try {
    loaded = await loadTemplate(file);
  } catch (e) {
    progress(`✘ cannot load: ${(e as Error).message}`);
    return {
      template: file,
      lab: name,
      importNotes: [],
      checks: [],
      durationMs: Date.now() - t0,
      error: (e as Error).message,
      ok: false,
    };
  }
  const engine = LabEngine.connect(name);
  const rec = new LabRecorder(engine);
  activeLabs.add(engine);
  const ctx: TemplateContext = {
    engine,
    faults: new FaultService(engine),
    rec,
    baseline: loaded.settings,
    timers: { ...DEFAULT_TIMERS, ...opts.timers },
    quick: !!opts.quick,
    peerRelease: opts.peerRelease,
    secondLab: `${name}-i`,
    track: (e, on) => void (on ? activeLabs.add(e) : activeLabs.delete(e)),
  };
  const selected = (id: CheckId) => !opts.only?.length || opts.only.includes(id);
  const advice = cryptoAdvice(loaded.settings).map((a) => {
    const cited = adviceCitations(a, loaded.provenance);
    return `${adviceLine(a)}${cited.length ? ` (${cited.join(', ')})` : ''}`;
  });
  for (const a of advice) progress(`⚠ weak crypto: ${a}`);
  const checks: CheckResult[] = [];
  const report = (c: CheckResult) => {
    if (c.status === 'fail') {
      const cited = configCitations(loaded.settings, loaded.provenance, c);
      if (cited.length) c.config = cited;
    }
    checks.push(c);
    const mark = c.status === 'pass' ? '✔' : c.status === 'fail' ? '✘' : '–';
    progress(
      `${mark} ${c.id} ${c.status}${c.reason ? `: ${c.reason}` : ''}${c.cause ? ` [cause: ${c.cause.cause}]` : ''} (${(c.durationMs / 1000).toFixed(1)} s)`,
    );
  };
  // The independent checks on parallel labs where the engine has room (parallel-checks.ts); their
  // labs start now, while the template's lab establishes.
  const later = CHECK_IDS.filter((x): x is Exclude<CheckId, 'establish'> => x !== 'establish');
  const checkLabs = startCheckLabs(
    ctx,
    later.filter(selected),
    opts.checkLabs ?? (await labsPerTemplate(engine.docker, 1)),
    progress,
  );
  try {
    progress(`lab "${name}" starting (${loaded.format})`);
    report(await runCheck('establish', ctx, (run) => checkEstablish(ctx, run), { countersBefore: false }));
    const up = checks[0].status === 'pass';
    for (const id of later) {
      if (!up) report(skippedCheck(id, 'the tunnel never established'));
      else if (!selected(id)) report(skippedCheck(id, 'not selected for this run'));
    }
    if (up) await checkLabs.run((c, id) => runCheck(id, c, (run) => CHECKS[id](c, run)), report);
    checks.sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
  } finally {
    rec.stop();
    await checkLabs.dispose();
    await engine.down().catch((e: Error) => progress(`could not remove lab "${name}": ${e.message}`));
    activeLabs.delete(engine);
  }
  return {
    template: file,
    format: loaded.format,
    lab: name,
    settings: maskSettings(loaded.settings),
    importNotes: loaded.notes,
    advice,
    checks,
    durationMs: Date.now() - t0,
    ok: checks.every((c) => c.status !== 'fail'),
  };
}

/** Validates several templates, at most `concurrency` labs at once, in the order given. */
export async function validateTemplates(files: string[], opts: ValidateOptions = {}): Promise<ValidateReport> {
  const started = new Date();
  const runId = Math.random().toString(36).slice(2, 6);
  const engines: ValidationEngine[] = opts.engines?.length
    ? opts.engines
    : [{ label: 'default', concurrency: Math.max(1, opts.concurrency ?? defaultConcurrency()) }];
  const several = engines.length > 1;
  // Labs per template for its independent checks: what each engine has room for beside its templates in flight.
  const room = new Map<ValidationEngine, number>();
  for (const e of engines)
    room.set(e, opts.checkLabs ?? (await labsPerTemplate((e.connection ?? connectDocker()).docker, e.concurrency)));
  const { results, placements } = await spreadOverEngines(files.length, engines, (i, engine) =>
    validateTemplate(files[i], labName(opts.labPrefix ?? 'val', runId, i), {
      ...opts,
      checkLabs: room.get(engine),
      // With several engines each progress line says where it runs.
      onProgress: several ? (l) => opts.onProgress?.(`${engine.label}: ${l}`) : opts.onProgress,
    }),
  );
  results.forEach((r, i) => {
    if (opts.engines?.length) r.engine = placements[i].engine;
    r.startedAt = new Date(placements[i].startedAt).toISOString();
  });
  const concurrency = engines.reduce((n, e) => n + e.concurrency, 0);
  const all = results.flatMap((r) => r.checks);
  const totals = {
    pass: all.filter((c) => c.status === 'pass').length,
    fail: all.filter((c) => c.status === 'fail').length,
    skipped: all.filter((c) => c.status === 'skipped').length,
  };
  return {
    tool: 'ipsec-lab validate',
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    options: {
      concurrency,
      quick: !!opts.quick,
      peerRelease: opts.peerRelease,
      only: opts.only,
      engines: opts.engines?.map((e) => ({
        name: e.label,
        host: e.connection?.endpoint.host ?? '',
        concurrency: e.concurrency,
      })),
    },
    templates: results,
    totals,
    ok: results.every((r) => r.ok),
  };
}

/**
 * Every pre-shared key of the templates of a run, of every tunnel in them (read again: the report
 * holds masked settings only). A template the importer cannot read is still scanned for keys.
 */
export async function runSecrets(files: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const f of files) {
    try {
      for (const k of (await loadTemplate(f)).secrets) out.add(k);
    } catch {
      const text = await readFile(f, 'utf8').catch(ignoreRejection('an unreadable file has nothing to mask'));
      for (const k of text ? secretsInText(text) : []) out.add(k);
    }
  }
  return [...out];
}

/** The report as JSON, secrets masked. */
export function reportJson(report: ValidateReport, secrets: string[]): string {
  return maskText(JSON.stringify(report, null, 2), secrets);
}
