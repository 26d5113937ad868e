/**
 * The one adapter from the UI contract (contract.ts) to the engine's services (LabEngine,
 * FaultService, the doctor, the settings comparison). Both hosts, Electron IPC and the headless
 * WebSocket, call `call()` and forward `onEvent()`; nothing else crosses.
 *
 * It owns the lab watch: started when a lab exists (at start, or as soon as `up` has created the
 * boxes, so the first IKE exchange is in the logs), stopped on `down` or when the lab disappears.
 * Log records are batched for transport (one message every `batchMs`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type CaptureSession, startCapture } from '../capture/index.js';
import { ignoreRejection } from '../common/ignore.js';
import { LabError } from '../docker/errors.js';
import { runChecks } from '../doctor/checks.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { FaultError, FaultService } from '../faults/fault-service.js';
import { ImpairmentError } from '../faults/impairment.js';
import { describeExpectation, findScenario, ScenarioRunner, SCENARIOS } from '../scenarios/index.js';
import { compareGateways } from '../settings/compare.js';
import { defaultSettings } from '../settings/defaults.js';
import { saveSettingsFile } from '../settings/io.js';
import type { LabSettings, Side } from '../settings/types.js';
import { SettingsError, validateSettings } from '../settings/validate.js';
import type { LogRecord } from '../streams/log-record.js';
import { reportHtml, validateTemplate } from '../validate/index.js';
import type {
  ApiErrorInfo,
  ApiEventMessage,
  ApiEvents,
  ApiMethod,
  ApiMethods,
  ApiResponse,
  AppSnapshot,
  CaptureInfo,
  CheckInfo,
  EngineAvailability,
  FaultCatalogueInfo,
  LabApi,
  LabStatusInfo,
  SaSnapshotInfo,
  ScenarioInfo,
  ScenarioStepInfo,
  UpResultInfo,
  ValidateRunInfo,
} from './contract.js';

export interface LabServiceOptions {
  /** How often batched log records are sent (ms). */
  batchMs?: number;
  /** How often the Docker engine's availability is checked (ms). */
  pollMs?: number;
  /** Newest log lines per gateway a fresh window gets. */
  snapshotLines?: number;
  /** The doctor's checks (injectable for tests). */
  doctor?: () => Promise<CheckInfo[]>;
}

type Listener = (message: ApiEventMessage) => void;

/** Mutating requests run one at a time, in order: two `up`s never race to create the same lab. */
const SERIAL: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'labUp',
  'labDown',
  'faultApply',
  'faultRevert',
  'impair',
  'applySettings',
  'scenarioStep',
  'captureStart',
  'captureStop',
]);

export class LabService implements LabApi {
  readonly faults: FaultService;
  private readonly listeners = new Set<Listener>();
  private readonly offs: Array<() => void> = [];
  private stopWatch: (() => void) | undefined;
  private watchStarting: Promise<void> | undefined;
  private pending: LogRecord[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private availability: EngineAvailability = { available: false, message: 'checking the Docker engine' };
  private lastSas: Partial<Record<Side, SaSnapshotInfo>> = {};
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** This service started the lab (attached to this process): the host removes it on exit. */
  ownsLab = false;
  private readonly batchMs: number;
  private readonly pollMs: number;

  constructor(
    readonly engine: LabEngine,
    private readonly opts: LabServiceOptions = {},
  ) {
    this.faults = new FaultService(engine);
    this.batchMs = opts.batchMs ?? 50;
    this.pollMs = opts.pollMs ?? 3000;
    this.offs.push(
      engine.events.on((e) => {
        this.emit('lab', e);
        // The boxes exist from here on: watch now, so the logs show the very first exchange.
        if (e.type === 'step' && e.step === 'configure') void this.startWatching();
      }),
      engine.logs.on((r) => this.queueLog(r)),
      engine.sas.on((s) => {
        this.lastSas[s.side] = s;
        this.emit('sas', s);
      }),
      engine.health.on((h) => {
        this.emit('health', h);
        if (h.type === 'engine') this.setAvailability({ available: h.available, message: h.message });
        if (h.type === 'box' && h.action === 'destroy') void this.checkLabGone();
      }),
      engine.diagnosis.results.on((d) => this.emit('findings', d)),
    );
  }

  /** Checks the engine and starts watching a lab that already runs (e.g. started from the CLI). */
  async start(): Promise<void> {
    await this.pollEngine();
    if (
      this.availability.available &&
      (await this.engine.find().catch(ignoreRejection('no lab to follow when the engine cannot list boxes')))
    )
      await this.startWatching();
  }

  /** Every event for one listener; returns the unsubscribe. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One request in, one envelope out: never throws. Arguments must already be validated. */
  async call(method: ApiMethod, args: unknown[]): Promise<ApiResponse<unknown>> {
    const run = async () => {
      const fn = this[method] as (...a: unknown[]) => Promise<unknown>;
      return fn.apply(this, args);
    };
    try {
      const result = SERIAL.has(method) ? await this.serial(run) : await run();
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(ignoreRejection('the caller of run gets the error; the queue only orders calls'));
    return next;
  }

  // ------------------------------------------------------------ the contract

  async snapshot(): Promise<AppSnapshot> {
    const lines = this.opts.snapshotLines ?? 5000;
    const watching = !!this.stopWatch;
    return {
      labName: this.engine.name,
      engine: this.availability,
      watching,
      logs: { left: this.engine.logStore.tail('left', lines), right: this.engine.logStore.tail('right', lines) },
      sas: { ...this.lastSas },
      counters: { left: [...this.engine.history.get('left')], right: [...this.engine.history.get('right')] },
      diagnosis: watching ? this.engine.diagnosis.current() : undefined,
    };
  }

  async labUp(settings?: LabSettings): Promise<UpResultInfo> {
    const r = await this.engine.up(settings ?? defaultSettings(), { mode: 'attached' });
    this.ownsLab = true;
    await this.startWatching();
    this.emit('changed', { what: 'up' });
    return { status: r.status, datapath: r.datapath, removedLeftovers: r.removedLeftovers, ms: r.ms, reason: r.reason };
  }

  async labDown(): Promise<{ containers: number; networks: number }> {
    this.stopWatching();
    const r = await this.engine.down();
    this.ownsLab = false;
    this.lastSas = {};
    this.emit('changed', { what: 'down' });
    return r;
  }

  async labStatus(): Promise<LabStatusInfo> {
    return this.engine.status();
  }

  async getSettings() {
    if (!(await this.engine.find())) return { settings: defaultSettings(), source: 'defaults' as const };
    return { settings: await this.engine.settings(), source: 'lab' as const };
  }

  async validateSettings(settings: unknown) {
    try {
      validateSettings(settings);
      return [];
    } catch (e) {
      if (e instanceof SettingsError) return e.issues;
      throw e;
    }
  }

  async traffic(opts: ApiMethods['traffic']['args'][0] = {}) {
    const { output: _output, ...r } = await this.engine.traffic(opts);
    return r;
  }

  async doctor(): Promise<CheckInfo[]> {
    return (this.opts.doctor ?? runChecks)();
  }

  async faultsList(): Promise<FaultCatalogueInfo> {
    await this.requireLab();
    const [entries, state] = await Promise.all([this.faults.catalogue(), this.faults.state()]);
    return {
      faults: entries.map((e) => ({
        id: e.fault.id,
        cause: e.fault.cause,
        title: e.fault.title,
        family: e.fault.family,
        phase: e.fault.phase,
        change: e.fault.change,
        revert: e.fault.revert,
        symptoms: e.fault.symptoms,
        ikeVersions: e.fault.ikeVersions,
        note: e.fault.note,
        unavailable: e.unavailable,
        active: e.active,
      })),
      impossible: this.faults.impossibleCauses(),
      impairments: state.impairments,
    };
  }

  async faultApply(ids: string[]) {
    await this.requireLab();
    const r = await this.faults.apply(ids);
    this.emit('changed', { what: 'faults' });
    return r;
  }

  async faultRevert(ids?: string[]) {
    await this.requireLab();
    const r = await this.faults.revert(ids);
    this.emit('changed', { what: 'faults' });
    return r;
  }

  async impair(changes: ApiMethods['impair']['args'][0], opts?: { replace?: boolean }) {
    await this.requireLab();
    const r = await this.faults.impair(changes, opts);
    this.emit('changed', { what: 'impairments' });
    return r.impairments;
  }

  async applySettings(settings: LabSettings) {
    await this.requireLab();
    const r = await this.engine.applySettings(settings);
    this.emit('changed', { what: 'settings' });
    return r;
  }

  async settingsDiff(settings?: LabSettings) {
    const s = settings ? validateSettings(settings) : (await this.getSettings()).settings;
    return compareGateways(s);
  }

  async diagnosis() {
    return this.engine.diagnosis.current();
  }

  // ------------------------------------------------------------ log history

  async logsPage(side: Side, from: number, limit: number) {
    const c = this.engine.logStore.count(side);
    const start = Math.min(from, Math.max(0, c.total - 1));
    return { total: c.total, spilled: c.spilled, from: start, records: this.engine.logStore.page(side, start, limit) };
  }

  // ------------------------------------------------------------ validate

  /** The settings (the lab's, or the given ones) as a template, on a lab of their own next to this one. */
  async validateRun(settings?: LabSettings, opts: { quick?: boolean } = {}): Promise<ValidateRunInfo> {
    const s = settings ? validateSettings(settings) : (await this.getSettings()).settings;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ipsec-lab-validate-'));
    const file = path.join(dir, 'settings.json');
    try {
      await saveSettingsFile(file, s);
      const started = new Date();
      const lab = `${this.engine.name.slice(0, 14)}-val`;
      const r = await validateTemplate(file, lab, {
        quick: opts.quick,
        onProgress: (line) => this.emit('validate', { line }),
      });
      const checks = r.checks;
      const totals = {
        pass: checks.filter((c) => c.status === 'pass').length,
        fail: checks.filter((c) => c.status === 'fail').length,
        skipped: checks.filter((c) => c.status === 'skipped').length,
      };
      const secrets = [s.left.gateway.psk, s.right.gateway.psk].filter(Boolean);
      const html = reportHtml(
        {
          tool: 'ipsec-lab validate',
          startedAt: started.toISOString(),
          durationMs: r.durationMs,
          options: { concurrency: 1, quick: !!opts.quick },
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
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------ capture

  private capture: CaptureSession | undefined;

  async captureStart(): Promise<{ startedAt: number }> {
    await this.requireLab();
    if (this.capture) throw new LabError('unsupported', 'a capture is already running: stop it first');
    this.capture = await startCapture(this.engine);
    return { startedAt: this.capture.startedAt };
  }

  async captureStop(): Promise<CaptureInfo> {
    const session = this.capture;
    if (!session) throw new LabError('unsupported', 'no capture is running: start one first');
    this.capture = undefined;
    const r = await session.stop();
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

  // ------------------------------------------------------------ scenarios

  private scenario: { id: string; runner: ScenarioRunner; next: number } | undefined;

  async scenariosList(): Promise<ScenarioInfo[]> {
    return SCENARIOS.map((s) => ({
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

  async scenarioStep(id: string, index: number): Promise<ScenarioStepInfo> {
    const scenario = findScenario(id);
    if (!scenario)
      throw new LabError('unsupported', `unknown scenario "${id}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    if (index >= scenario.steps.length)
      throw new LabError(
        'unsupported',
        `scenario "${id}" has ${scenario.steps.length} steps; there is no step ${index + 1}`,
      );
    if (index === 0 || this.scenario?.id !== id) {
      if (index !== 0) throw new LabError('unsupported', `scenario "${id}" is not running: start it at step 1`);
      this.scenario?.runner.close().catch(ignoreRejection('a scenario lab being replaced may already be gone'));
      this.scenario = {
        id,
        runner: new ScenarioRunner(this.engine, { hostWatch: () => this.startWatching() }),
        next: 0,
      };
    }
    if (index !== this.scenario!.next)
      throw new LabError(
        'unsupported',
        `scenario "${id}": step ${this.scenario!.next + 1} comes next, not step ${index + 1}`,
      );
    // The app's own start: the lab is created as the app's, and the UI hears that it is up.
    if (index === 0 && !(await this.engine.find())) await this.labUp();
    const action = scenario.steps[index].action?.kind;
    const r = await this.scenario!.runner.runStep(scenario, index);
    this.scenario!.next = r.ok ? index + 1 : index;
    if (action === 'break' || action === 'fix' || action === 'start') this.emit('changed', { what: 'faults' });
    return r;
  }

  // ------------------------------------------------------------ watching

  private async requireLab(): Promise<void> {
    if (!(await this.engine.find()))
      throw new LabError('lab-not-found', `lab "${this.engine.name}" is not running`, 'start it first');
  }

  private startWatching(): Promise<void> {
    if (this.stopWatch || this.disposed) return Promise.resolve();
    this.watchStarting ??= this.engine.watch().then(
      (stop) => {
        this.watchStarting = undefined;
        if (this.disposed) return stop();
        this.stopWatch = stop;
      },
      (e) => {
        this.watchStarting = undefined;
        this.emit('health', {
          type: 'engine',
          available: this.availability.available,
          message: `could not watch the lab: ${(e as Error).message}`,
        });
      },
    );
    return this.watchStarting;
  }

  private stopWatching(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.flush();
  }

  /** A box was removed: if the whole lab is gone (e.g. `down` from the CLI), stop watching it. */
  private async checkLabGone(): Promise<void> {
    await new Promise((r) => setTimeout(r, 500));
    if (this.stopWatch && !(await this.engine.find().catch(() => true))) {
      this.stopWatching();
      this.lastSas = {};
      this.emit('changed', { what: 'down' });
    }
  }

  private async pollEngine(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.engine.ping();
      this.setAvailability({ available: true, message: `Docker engine available at ${this.engine.endpoint.host}` });
    } catch (e) {
      this.setAvailability({ available: false, message: (e as Error).message });
    }
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pollEngine(), this.pollMs);
    this.pollTimer.unref?.();
  }

  private setAvailability(a: EngineAvailability): void {
    const changed = a.available !== this.availability.available;
    this.availability = a;
    if (changed) this.emit('engine', a);
  }

  // ------------------------------------------------------------ events

  private queueLog(r: LogRecord): void {
    this.pending.push(r);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.batchMs);
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.emit('logs', batch);
  }

  private emit<E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]): void {
    const message = { event, payload } as ApiEventMessage;
    for (const l of [...this.listeners]) {
      try {
        l(message);
      } catch (e) {
        console.error('ipsec-lab: event listener failed:', e);
      }
    }
  }

  /** Stops watching and polling; the lab itself is left as it is (the host decides about `down`). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopWatching();
    clearTimeout(this.pollTimer);
    this.offs.splice(0).forEach((off) => off());
    this.listeners.clear();
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Any error as the envelope's error: a stable code, a readable message, the fix when known. */
export function toErrorInfo(e: unknown): ApiErrorInfo {
  if (e instanceof SettingsError) return { code: 'invalid-settings', message: e.message, issues: e.issues };
  if (e instanceof ImpairmentError)
    return { code: 'invalid-impairment', message: e.message, issues: [{ field: e.field, message: e.message }] };
  if (e instanceof FaultError) return { code: e.code, message: e.message };
  if (e instanceof LabError) return { code: e.code, message: e.message, hint: e.hint };
  const err = e as NodeJS.ErrnoException | undefined;
  if (
    err?.code &&
    CONNECTION_CODES.has(err.code) &&
    /docker|sock|connect/i.test(`${err.message} ${(err as { address?: string }).address ?? ''}`)
  ) {
    return {
      code: 'docker-unavailable',
      message: `Docker engine unavailable: ${err.message}`,
      hint: 'run `ipsec-lab doctor`',
    };
  }
  return { code: 'internal', message: err?.message ?? String(e) };
}
