/**
 * The engine's results as the contract's data (the `*Info` types that cross to the UI): pure
 * functions, no I/O, so each shape is tested on its own and LabService only dispatches.
 */
import type { CaptureResult } from '../capture/capture.js';
import type { CatalogueEntry, FaultService } from '../faults/fault-service.js';
import { type Direction, type Impairment, unavailableImpairments } from '../faults/impairment.js';
import type { KernelFeatures } from '../probe/kernel-features.js';
import { describeExpectation, type Scenario } from '../scenarios/index.js';
import type { LabSettings } from '../settings/types.js';
import { reportHtml } from '../validate/index.js';
import type { TemplateResult } from '../validate/types.js';
import type { CaptureInfo, FaultCatalogueInfo, ScenarioInfo, ValidateRunInfo } from './contract.js';
import { localizeAddresses } from './localize.js';

/** Every impairment at once: what the kernel refuses of it is what it cannot do at all. */
const EVERY_IMPAIRMENT: Impairment = {
  lossPercent: 1,
  delayMs: 1,
  jitterMs: 1,
  rateKbit: 1,
  duplicatePercent: 1,
  reorderPercent: 1,
  corruptPercent: 1,
};

/**
 * The catalogue for the app: texts written for the default lab are given in the running lab's
 * addressing (`settings`), and the impairments the engine's kernel cannot do are named (`features`).
 */
export function faultCatalogueInfo(
  entries: CatalogueEntry[],
  impairments: Record<Direction, Impairment>,
  impossible: ReturnType<FaultService['impossibleCauses']>,
  lab: { settings?: LabSettings; features?: KernelFeatures } = {},
): FaultCatalogueInfo {
  const local = (text: string) => (lab.settings ? localizeAddresses(text, lab.settings) : text);
  const missing = lab.features ? unavailableImpairments(EVERY_IMPAIRMENT, lab.features.netem, lab.features.tbf) : [];
  return {
    faults: entries.map((e) => ({
      id: e.fault.id,
      cause: e.fault.cause,
      title: e.fault.title,
      family: e.fault.family,
      phase: e.fault.phase,
      change: local(e.fault.change),
      revert: local(e.fault.revert),
      symptoms: e.fault.symptoms.map(local),
      ikeVersions: e.fault.ikeVersions,
      note: e.fault.note && local(e.fault.note),
      unavailable: e.unavailable,
      active: e.active,
    })),
    impossible,
    impairments,
    impairmentsUnavailable: Object.fromEntries(missing.map((m) => [m.key, m.why])),
  };
}

/** One template's validation for the app, with the HTML report (pre-shared keys masked). */
export function validateRunInfo(
  r: TemplateResult,
  lab: string,
  settings: LabSettings,
  started: Date,
  quick: boolean,
): ValidateRunInfo {
  const checks = r.checks;
  const totals = {
    pass: checks.filter((c) => c.status === 'pass').length,
    fail: checks.filter((c) => c.status === 'fail').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
  };
  const secrets = [settings.left.gateway.psk, settings.right.gateway.psk].filter(Boolean);
  const html = reportHtml(
    {
      tool: 'ipsec-lab validate',
      startedAt: started.toISOString(),
      durationMs: r.durationMs,
      options: { concurrency: 1, quick },
      templates: [r],
      totals,
      ok: r.ok,
    },
    secrets,
  );
  return {
    ok: r.ok,
    lab,
    durationMs: r.durationMs,
    totals,
    error: r.error,
    reportHtml: html,
    checks: checks.map((c) => ({
      id: c.id,
      title: c.title,
      status: c.status,
      reason: c.reason,
      facts: c.facts,
      durationMs: c.durationMs,
      cause: c.cause && { cause: c.cause.cause, summary: c.cause.summary },
    })),
  };
}

export function captureInfo(r: CaptureResult): CaptureInfo {
  const s = r.summary();
  return {
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
    packets: s.packets,
    ike: s.ike,
    esp: s.esp,
    tcpdump: r.tcpdump,
    exchanges: s.exchanges.map((e) => ({
      time: e.time,
      exchange: e.exchange,
      messageId: e.messageId,
      from: e.from,
      to: e.to,
      answered: !!e.response,
      retransmits: e.retransmits,
      natT: e.natT,
    })),
    esps: s.esps.map((e) => ({ spi: e.spi, src: e.src, dst: e.dst, packets: e.packets, udpEncap: e.udpEncap })),
    pcapBase64: r.pcap.toString('base64'),
  };
}

export function scenarioInfos(scenarios: readonly Scenario[]): ScenarioInfo[] {
  return scenarios.map((s) => ({
    id: s.id,
    title: s.title,
    family: s.family,
    summary: s.summary,
    steps: s.steps.map((st) => ({
      title: st.title,
      narration: st.narration,
      checks: st.expect.map(describeExpectation),
      action: st.action && { kind: st.action.kind, fault: 'fault' in st.action ? st.action.fault : undefined },
      timeoutS: st.timeoutS,
    })),
  }));
}
