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
import { Emitter } from '../common/event.js';
import { ignoreRejection } from '../common/ignore.js';
import { LabError } from '../docker/errors.js';
import { runChecks } from '../doctor/checks.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { FaultService } from '../faults/fault-service.js';
import { SCENARIOS } from '../scenarios/index.js';
import { compareGateways } from '../settings/compare.js';
import { defaultSettings } from '../settings/defaults.js';
import { saveSettingsFile } from '../settings/io.js';
import { SettingsKeeper } from '../settings/persist.js';
import type { LabSettings, Side } from '../settings/types.js';
import { SettingsError, validateSettings } from '../settings/validate.js';
import { validateTemplate, validationLabName } from '../validate/index.js';
import type {
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
  SavedSettingsInfo,
  ScenarioInfo,
  ScenarioStepInfo,
  SettingsInfo,
  UpResultInfo,
  ValidateRunInfo,
} from './contract.js';
import { CustomerDesk, CustomerMethods } from './customer.js';
import { toErrorInfo } from './errors.js';
import { Follower, forgetEarlierLab, labStateStamp } from './follow.js';
import { LogBatcher } from './log-batcher.js';
import { ScenarioSession } from './scenario-session.js';
import { settingsInfo } from './settings-info.js';
import { captureInfo, faultCatalogueInfo, scenarioInfos, validateRunInfo } from './to-info.js';

export interface LabServiceOptions {
  /** How often batched log records are sent (ms). */
  batchMs?: number;
  /** How often the Docker engine's availability is checked (ms). */
  pollMs?: number;
  /** Newest log lines per gateway a fresh window gets. */
  snapshotLines?: number;
  /** The doctor's checks (injectable for tests). */
  doctor?: () => Promise<CheckInfo[]>;
  /** Where the user's settings per lab are kept (default: the user's config directory, see settings/persist.ts). */
  configDir?: string;
}

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
  'customerReproduce',
]);

export class LabService extends CustomerMethods implements LabApi {
  readonly faults: FaultService;
  private readonly _onEvent = new Emitter<ApiEventMessage>();
  /** Every event for one listener; returns the unsubscribe. */
  readonly onEvent = this._onEvent.event;
  private readonly logs: LogBatcher;
  private readonly offs: Array<() => void> = [];
  private stopWatch: (() => void) | undefined;
  private watchStarting: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private availability: EngineAvailability = { available: false, message: 'checking the Docker engine' };
  private lastSas: Partial<Record<Side, SaSnapshotInfo>> = {};
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** This service started the lab (attached to this process): the host removes it on exit. */
  ownsLab = false;
  private readonly pollMs: number;
  /** The user's settings per lab name, kept across stops and restarts of the app. */
  readonly keeper: SettingsKeeper;
  private readonly follower = new Follower();
  /** Mutating requests running now: the lab may be half made or half removed, so following waits. */
  private serialRunning = 0;
  /** A customer's logs and configs (lab/api/customer.ts), behind the customer* methods. */
  readonly customer: CustomerDesk;

  constructor(
    readonly engine: LabEngine,
    private readonly opts: LabServiceOptions = {},
  ) {
    super();
    this.faults = new FaultService(engine);
    this.pollMs = opts.pollMs ?? 3000;
    this.keeper = new SettingsKeeper(opts.configDir);
    this.logs = new LogBatcher(opts.batchMs ?? 50, (batch) => this.emit('logs', batch));
    this.customer = new CustomerDesk(
      engine,
      (e, p) => this.emit(e, p),
      () => this.startWatching(),
    );
    this.offs.push(() => this.customer.dispose());
    this.offs.push(
      engine.onEvent((e) => {
        // A new lab begins (whoever asked this engine for it): nothing of the previous one carries over.
        if (e.type === 'step' && e.step === 'leftovers') {
          forgetEarlierLab(engine);
          this.lastSas = {};
          this.follower.ownStart();
        }
        this.emit('lab', e);
        // The boxes exist from here on: watch now, so the logs show the very first exchange.
        if (e.type === 'step' && e.step === 'configure') void this.startWatching();
      }),
      engine.onLog((r) => this.logs.add(r)),
      engine.onSas((s) => {
        this.lastSas[s.side] = s;
        this.emit('sas', s);
      }),
      engine.onHealth((h) => {
        this.emit('health', h);
        if (h.type === 'engine') this.setAvailability({ available: h.available, message: h.message });
        if (h.type === 'box' && h.action === 'destroy') void this.checkLabGone();
      }),
      engine.diagnosis.onResult((d) => this.emit('findings', d)),
    );
  }

  /**
   * Checks the engine and follows the lab that runs under this name, now and from then on, whoever
   * started it (the CLI, a test, another app window): see `follow`.
   */
  async start(): Promise<void> {
    await this.pollEngine();
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
    const counted = async () => {
      this.serialRunning++;
      try {
        return await run();
      } finally {
        this.serialRunning--;
      }
    };
    const next = this.queue.then(counted, counted);
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
    // What the user started the lab with is what the Settings tab shows after a stop or a restart.
    if (settings)
      await this.keeper
        .save(this.engine.name, settings)
        .catch(ignoreRejection('the lab runs; only keeping its settings for later failed'));
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

  /** The running lab's settings, else the saved ones for this lab name, else the defaults (settings-info.ts). */
  async getSettings(): Promise<SettingsInfo> {
    return settingsInfo(this.keeper, this.engine);
  }

  /** Keeps settings for this lab name (owner-only file), so they survive a stop and a restart of the app. */
  async settingsSave(settings: LabSettings): Promise<SavedSettingsInfo> {
    return this.keeper.save(this.engine.name, validateSettings(settings));
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
    const [entries, state, settings, features] = await Promise.all([
      this.faults.catalogue(),
      this.faults.state(),
      this.engine.settings(),
      this.engine.kernelFeatures(),
    ]);
    // Texts in the lab's own addressing; impairments the kernel cannot do said before anyone types one.
    return faultCatalogueInfo(entries, state.impairments, this.faults.impossibleCauses(), { settings, features });
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
    // A change the running lab cannot take (its subnets, its own Docker network) is refused by the engine before anything changes, and nothing is kept.
    const r = await this.engine.applySettings(settings);
    await this.keeper
      .save(this.engine.name, settings)
      .catch(ignoreRejection('the change is applied; only keeping it for later failed'));
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
      const lab = validationLabName(this.engine.name);
      const r = await validateTemplate(file, lab, {
        quick: opts.quick,
        onProgress: (line) => this.emit('validate', { line }),
      });
      return validateRunInfo(r, lab, s, started, !!opts.quick);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------ capture

  private capture: CaptureSession | undefined;

  async captureStart(): Promise<{ startedAt: number }> {
    await this.requireLab();
    if (this.capture) throw new LabError('busy', 'a capture is already running: stop it first');
    this.capture = await startCapture(this.engine);
    return { startedAt: this.capture.startedAt };
  }

  async captureStop(): Promise<CaptureInfo> {
    const session = this.capture;
    if (!session) throw new LabError('not-running', 'no capture is running: start one first');
    this.capture = undefined;
    return captureInfo(await session.stop());
  }

  // ------------------------------------------------------------ scenarios

  private readonly scenarios = new ScenarioSession(this);

  async scenariosList(): Promise<ScenarioInfo[]> {
    return scenarioInfos(SCENARIOS);
  }

  async scenarioStep(id: string, index: number): Promise<ScenarioStepInfo> {
    const { report, action } = await this.scenarios.step(id, index);
    if (action?.kind === 'break' || action?.kind === 'fix' || action?.kind === 'start')
      this.emit('changed', { what: 'faults' });
    return report;
  }

  // ------------------------------------------------------------ watching

  private async requireLab(): Promise<void> {
    if (!(await this.engine.find()))
      throw new LabError('lab-not-found', `lab "${this.engine.name}" is not running`, 'start it first');
  }

  /** Follows the lab (its logs, SAs and health) if not already; scenarios use it too. */
  startWatching(): Promise<void> {
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
    this.logs.flush();
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
    if (this.availability.available)
      await this.follow().catch(ignoreRejection('following is tried again at the next poll'));
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pollEngine(), this.pollMs);
    this.pollTimer.unref?.();
  }

  /**
   * Follows the lab the engine's labels say runs under this name (see Follower): a lab started by
   * the CLI or anyone is watched from its first log line; one that replaced the lab followed is
   * followed afresh; settings or faults changed elsewhere make the UI refetch. Waits while this
   * service itself creates or removes a lab.
   */
  private async follow(): Promise<void> {
    if (this.disposed || this.serialRunning > 0 || this.watchStarting) return;
    const step = this.follower.next(await this.engine.find(), !!this.stopWatch);
    if (step.kind === 'gone') {
      this.stopWatching();
      this.lastSas = {};
      this.emit('changed', { what: 'down' });
    } else if (step.kind === 'check') {
      const what = this.follower.stampChanged(await labStateStamp(this.engine));
      if (what) this.emit('changed', { what });
    } else if (step.kind === 'follow') {
      this.stopWatching();
      if (step.forget) {
        forgetEarlierLab(this.engine);
        this.lastSas = {};
      }
      await this.startWatching();
      this.emit('changed', { what: 'up' });
    }
  }

  private setAvailability(a: EngineAvailability): void {
    const changed = a.available !== this.availability.available;
    this.availability = a;
    if (changed) this.emit('engine', a);
  }

  // ------------------------------------------------------------ events

  private emit<E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]): void {
    this._onEvent.fire({ event, payload } as ApiEventMessage);
  }

  /** Stops watching and polling; the lab itself is left as it is (the host decides about `down`). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopWatching();
    clearTimeout(this.pollTimer);
    this.offs.splice(0).forEach((off) => off());
  }
}
