/**
 * The app's state: what the lab host said last, in one place. Screens read slices with
 * `useApp(selector)`; the high-volume parts (log lines, the exchange ladder) live in mutable
 * buffers with a version so views redraw at most once a frame.
 */
import { useSyncExternalStore } from 'react';

import type {
  AppSnapshot,
  CaptureInfo,
  CheckInfo,
  CounterPointInfo,
  DiagnosisResult,
  EngineAvailability,
  FaultCatalogueInfo,
  HealthEventInfo,
  ImageProgressInfo,
  LabSettings,
  LabStatusInfo,
  PingResultInfo,
  Release,
  SaSnapshotInfo,
  ScenarioInfo,
  ScenarioStepInfo,
  SettingsInfo,
  Side,
  TunnelStateInfo,
  ValidateRunInfo,
} from '../../../lab/api/contract';
import { ApiError, type ConnectionState, type LabClient } from '../api/client';
import { Ladder } from '../model/ladder';
import type { LineFilter } from './filtered-lines';
import { LogBuffer } from './log-buffer';

export type Tab =
  'logs' | 'ladder' | 'sas' | 'settings' | 'faults' | 'link' | 'scenarios' | 'validate' | 'evidence' | 'config';

export interface UiError {
  id: number;
  title: string;
  message: string;
  code?: string;
  hint?: string;
}

/** One run of the traffic generator: what was sent, and what came back (or why nothing could be sent). */
export interface TrafficRun {
  id: number;
  /** When it was started (ms since epoch). */
  time: number;
  from: Side;
  running: boolean;
  result?: PingResultInfo;
  error?: string;
}

export interface LogFilter extends LineFilter {
  sides: 'both' | Side;
  follow: boolean;
  /** Long lines wrap under themselves (off: one text line per row, the whole line on click). */
  wrap: boolean;
}

export interface AppState {
  connection: ConnectionState;
  labName: string;
  engine: EngineAvailability | null;
  watching: boolean;
  status: LabStatusInfo | null;
  sas: Partial<Record<Side, SaSnapshotInfo>>;
  counters: Record<Side, CounterPointInfo[]>;
  diagnosis: DiagnosisResult | null;
  faults: FaultCatalogueInfo | null;
  settings: SettingsInfo | null;
  steps: { time: number; message: string; step: string }[];
  image: Partial<Record<Release, ImageProgressInfo>>;
  /** What the lab is busy with (start, stop, a fault...), for the busy indicator. */
  busy: string | null;
  /** The guided scenarios, and the one being presented: each step's report, or running. */
  scenarios: ScenarioInfo[] | null;
  scenarioRun: { id: string; steps: (ScenarioStepInfo | 'running')[] } | null;
  /** A packet capture in the router: running since, or the last one's result. */
  capture: { running: boolean; startedAt?: number; result?: CaptureInfo };
  /** A template validation of the current settings: progress lines while it runs, then its result. */
  validation: { running: boolean; progress: string[]; result?: ValidateRunInfo };
  errors: UiError[];
  notices: { id: number; text: string }[];
  /**
   * The settings being edited in the Settings tab, kept across tab switches; `dirty`: edited since
   * `baseline` (what they were loaded from). Valid edits are saved for the lab name as they are made.
   */
  draft: { settings: LabSettings; baseline: LabSettings; dirty: boolean } | null;
  /** The last time the edited settings were saved for this lab name, and where. */
  draftSaved: { at: number; file: string } | null;
  /** A destructive action waiting for the user's yes (ConfirmDialog). */
  confirm: { title: string; body: string; action: string; run: () => void } | null;
  /** Every traffic run of this lab, newest last (kept until the next lab). */
  traffic: TrafficRun[];
  /** When the lab last changed (started, followed, a fault, settings, impairments): traffic before it says nothing now. */
  changedAt: number;
  health: HealthEventInfo[];
  doctor: CheckInfo[] | null;
  tab: Tab;
  /** A log line to show (from a finding's evidence or the ladder). */
  jump: { side: Side; seq: number; nonce: number } | null;
  /** Which gateway the settings editor opened on (topology click). */
  focusSide: Side | null;
  logFilter: LogFilter;
}

const MAX_POINTS = 900;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const NO_TUNNEL: TunnelStateInfo = { ike: 'NONE', child: 'NONE' };

/** The lab connection's state in a snapshot (computed by the engine; none before the first snapshot). */
export function tunnelOf(s: SaSnapshotInfo | undefined): TunnelStateInfo {
  return s?.tunnel ?? NO_TUNNEL;
}

export class AppStore {
  readonly logs = new LogBuffer();
  readonly ladder = new Ladder();
  private state: AppState = {
    connection: { state: 'connecting' },
    labName: '',
    engine: null,
    watching: false,
    status: null,
    sas: {},
    counters: { left: [], right: [] },
    diagnosis: null,
    faults: null,
    settings: null,
    steps: [],
    image: {},
    busy: null,
    scenarios: null,
    scenarioRun: null,
    capture: { running: false },
    validation: { running: false, progress: [] },
    errors: [],
    notices: [],
    draft: null,
    draftSaved: null,
    confirm: null,
    traffic: [],
    changedAt: 0,
    health: [],
    doctor: null,
    tab: 'logs',
    jump: null,
    focusSide: null,
    logFilter: { hiddenGroups: [], maxLevel: 4, text: '', sides: 'both', follow: true, hideVici: true, wrap: true },
  };
  private listeners = new Set<() => void>();
  private nextId = 1;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly client: LabClient) {}

  get = (): AppState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  set(patch: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
  }

  /** Subscribes to the host's events and loads the present state. Returns the unsubscribe. */
  start(): () => void {
    const c = this.client;
    const offs = [
      c.onConnection((connection) => {
        this.set({ connection });
        if (connection.state === 'open') void this.load();
      }),
      c.on('logs', (batch) => {
        this.logs.append(batch);
        for (const r of batch) this.ladder.push(r);
      }),
      c.on('sas', (s) => {
        this.set((st) => {
          // Like the engine's history: an unanswered poll is no point of the chart.
          const list = s.error ? st.counters[s.side] : [...st.counters[s.side], s.counters];
          return {
            sas: { ...st.sas, [s.side]: s },
            counters: { ...st.counters, [s.side]: list.length > MAX_POINTS ? list.slice(-MAX_POINTS) : list },
          };
        });
      }),
      c.on('findings', (diagnosis) => this.set({ diagnosis })),
      c.on('engine', (engine) => {
        this.set({ engine });
        if (engine.available) this.scheduleRefresh();
      }),
      c.on('health', (h) => {
        this.set((st) => ({ health: [...st.health.slice(-19), h] }));
        if (h.type !== 'engine') this.scheduleRefresh();
      }),
      c.on('lab', (e) => {
        if (e.type === 'step') {
          // A new lab: its logs, exchanges and counters start afresh.
          if (e.step === 'leftovers' && this.state.busy?.startsWith('Starting')) this.resetLabView();
          this.set((st) => ({
            steps: [...st.steps.slice(-30), { time: Date.now(), message: e.message, step: e.step }],
          }));
        } else if (e.type === 'image') {
          this.set((st) => ({ image: { ...st.image, [e.progress.release]: e.progress } }));
        } else {
          this.set((st) => ({
            steps: [
              ...st.steps.slice(-30),
              { time: Date.now(), message: e.message, step: e.up ? 'tunnel-up' : 'tunnel-down' },
            ],
          }));
          this.scheduleRefresh();
        }
      }),
      c.on('validate', ({ line }) =>
        this.set((st) => ({ validation: { ...st.validation, progress: [...st.validation.progress, line] } })),
      ),
      c.on('changed', (ch) => {
        this.set({ changedAt: Date.now() });
        if (ch.what === 'down') this.set({ watching: false, sas: {} });
        if (ch.what === 'up') {
          // A lab appeared (started here, or by the CLI or anyone): its whole present state, its log from line 1.
          this.resetLabView();
          this.set({ watching: true });
          void this.load();
          return;
        }
        this.scheduleRefresh();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  private resetLabView(): void {
    this.logs.reset();
    this.ladder.clear();
    this.set({
      counters: { left: [], right: [] },
      sas: {},
      diagnosis: null,
      steps: [],
      traffic: [],
      changedAt: Date.now(),
    });
  }

  /** The whole present state (after connecting or reconnecting). */
  async load(): Promise<void> {
    try {
      const snap: AppSnapshot = await this.client.call('snapshot');
      this.logs.reset(snap.logs);
      this.ladder.clear();
      for (const side of ['left', 'right'] as const) for (const r of snap.logs[side]) this.ladder.push(r);
      this.set((st) => ({
        labName: snap.labName,
        engine: snap.engine,
        watching: snap.watching,
        // A window opened on a running lab knows of no traffic before it: its history starts now.
        changedAt: st.changedAt || (snap.watching ? Date.now() : 0),
        sas: snap.sas,
        counters: snap.counters,
        diagnosis: snap.diagnosis ?? null,
      }));
      if (!snap.engine.available) void this.runDoctor();
      await this.refresh();
    } catch (e) {
      this.error('Could not load the lab state', e);
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 150);
  }

  /** Status, settings and the fault catalogue again (after a change). */
  async refresh(): Promise<void> {
    if (this.state.engine && !this.state.engine.available) return;
    try {
      const status = await this.client.call('labStatus');
      this.set({ status });
      const settings = await this.client.call('getSettings');
      this.set((st) => ({
        settings,
        draft:
          st.draft?.dirty && settings.source !== 'lab'
            ? st.draft
            : st.draft?.dirty && st.draft.baseline && same(st.draft.baseline, settings.settings)
              ? st.draft
              : { settings: settings.settings, baseline: settings.settings, dirty: false },
      }));
      if (status.exists) {
        const faults = await this.client
          .call('faultsList')
          .catch((e) => (e instanceof ApiError && e.code === 'lab-not-found' ? null : Promise.reject(e)));
        this.set({ faults });
      } else this.set({ faults: null });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'docker-unavailable') {
        this.set({ engine: { available: false, message: e.message } });
        void this.runDoctor();
      } else this.error('Could not refresh the lab state', e);
    }
  }

  async runDoctor(): Promise<void> {
    try {
      this.set({ doctor: await this.client.call('doctor') });
    } catch (e) {
      this.error('The doctor could not run', e);
    }
  }

  error(title: string, e: unknown): void {
    const err = e as Partial<ApiError> & Error;
    const ui: UiError = {
      id: this.nextId++,
      title,
      message: err?.message ?? String(e),
      code: err?.code,
      hint: err?.hint,
    };
    this.set((st) => ({ errors: [...st.errors.slice(-4), ui] }));
  }

  dismissError(id: number): void {
    this.set((st) => ({ errors: st.errors.filter((e) => e.id !== id) }));
  }

  notice(text: string): void {
    const id = this.nextId++;
    this.set((st) => ({ notices: [...st.notices.slice(-3), { id, text }] }));
    setTimeout(() => this.set((st) => ({ notices: st.notices.filter((n) => n.id !== id) })), 8000);
  }

  /** Runs a lab action with a busy label; errors become readable messages, never a blank window. */
  async act<T>(label: string, run: () => Promise<T>): Promise<T | undefined> {
    this.set({ busy: label });
    try {
      return await run();
    } catch (e) {
      this.error(`${label.replace(/…$/, '')} failed`, e);
      return undefined;
    } finally {
      this.set({ busy: null });
      this.scheduleRefresh();
    }
  }

  // ---------------------------------------------------------------- actions

  labUp(settings?: LabSettings) {
    return this.act('Starting the lab…', async () => {
      const r = await this.client.call('labUp', settings);
      // The lab runs the edited settings now: they are no longer edits.
      this.set((st) => ({
        watching: true,
        status: r.status,
        draft: settings ? { settings, baseline: settings, dirty: false } : st.draft,
      }));
      this.notice(
        r.status.up
          ? `Tunnel up in ${(r.ms.total / 1000).toFixed(1)} s (${r.datapath} datapath)`
          : `Lab running, tunnel not up: ${r.reason ?? ''}`,
      );
      return r;
    });
  }

  /** An edit in the Settings tab: kept, and saved for the lab name shortly after (when valid). */
  editDraft(settings: LabSettings): void {
    this.set((st) => ({ draft: { baseline: st.draft?.baseline ?? settings, settings, dirty: true } }));
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveDraft(), 600);
  }

  /** Saves the edited settings for this lab name when they are valid (invalid ones wait for the next edit). */
  async saveDraft(): Promise<void> {
    const settings = this.state.draft?.settings;
    if (!settings) return;
    try {
      if ((await this.client.call('validateSettings', settings)).length) return;
      if (this.state.draft?.settings !== settings) return;
      const saved = await this.client.call('settingsSave', settings);
      this.set({ draftSaved: { at: saved.savedAt, file: saved.file } });
    } catch (e) {
      this.error('Could not save the settings', e);
    }
  }

  /** Back to what the settings were before the edits (and saved so, so the dropped edits do not come back). */
  discardDraft(): void {
    const base = this.state.draft?.baseline;
    if (!base) return;
    this.set({ draft: { settings: base, baseline: base, dirty: false } });
    clearTimeout(this.saveTimer);
    void this.saveDraft();
  }

  /** Replaces the editor's settings (loaded from a file, or the saved ones): an edit of the whole document. */
  replaceDraft(settings: LabSettings): void {
    this.editDraft(settings);
    // A whole document at once: saved now, not after a pause in typing.
    clearTimeout(this.saveTimer);
    void this.saveDraft();
  }

  /** Asks first: stopping removes the lab's boxes, its logs and SAs with them. */
  confirmLabDown(): void {
    const name = this.state.labName;
    this.set({
      confirm: {
        title: `Stop lab "${name}"?`,
        body:
          "Its five boxes are removed, with both gateways' SAs and logs and every fault and impairment applied. " +
          'The settings stay saved for the next start.',
        action: 'Stop the lab',
        run: () => void this.labDown(),
      },
    });
  }

  labDown() {
    return this.act('Stopping the lab…', async () => {
      const r = await this.client.call('labDown');
      this.set({ watching: false, sas: {}, faults: null });
      this.notice(`Lab removed (${r.containers} containers, ${r.networks} networks)`);
    });
  }

  /** 10 pings from one LAN host to the other; every run stays in the traffic history (SAs tab). */
  async traffic(from: Side = 'left') {
    const id = this.nextId++;
    const update = (patch: Partial<TrafficRun>) =>
      this.set((st) => ({ traffic: st.traffic.map((t) => (t.id === id ? { ...t, ...patch } : t)) }));
    this.set((st) => ({ traffic: [...st.traffic.slice(-99), { id, time: Date.now(), from, running: true }] }));
    try {
      const r = await this.act('Sending traffic…', async () => {
        try {
          return await this.client.call('traffic', { from, count: 10, intervalMs: 100, size: 1000 });
        } catch (e) {
          update({ error: (e as Error).message });
          throw e;
        }
      });
      if (r) update({ result: r });
      return r;
    } finally {
      update({ running: false });
    }
  }

  async loadScenarios(): Promise<void> {
    if (this.state.scenarios) return;
    try {
      this.set({ scenarios: await this.client.call('scenariosList') });
    } catch (e) {
      this.error('Loading the scenarios failed', e);
    }
  }

  /** Runs the scenario's next step (the first one starts a new run); false when it failed. */
  async scenarioNext(id: string): Promise<boolean> {
    const prev =
      this.state.scenarioRun?.id === id
        ? this.state.scenarioRun.steps.filter((x): x is ScenarioStepInfo => x !== 'running' && x.ok)
        : [];
    const index = prev.length;
    this.set({ scenarioRun: { id, steps: [...prev, 'running'] } });
    const r = await this.act(`Scenario step ${index + 1}…`, () => this.client.call('scenarioStep', id, index));
    const done = r ?? {
      index,
      title: '',
      ok: false,
      seen: [],
      error: 'the step could not run (see the message)',
      ms: 0,
    };
    this.set({ scenarioRun: { id, steps: [...prev, done] } });
    return done.ok;
  }

  /** Runs the remaining steps of a scenario one after the other, stopping at a failure. */
  async scenarioAll(id: string): Promise<void> {
    const total = this.state.scenarios?.find((s) => s.id === id)?.steps.length ?? 0;
    if (this.state.scenarioRun?.id !== id || this.state.scenarioRun.steps.length >= total)
      this.set({ scenarioRun: null });
    for (;;) {
      const done = this.state.scenarioRun?.steps.filter((x) => x !== 'running' && x.ok).length ?? 0;
      if (done >= total || !(await this.scenarioNext(id))) return;
    }
  }

  /** Validates the settings shown (the running lab's, or the defaults) on a lab of their own. */
  validateSettings(quick: boolean) {
    this.set({ validation: { running: true, progress: [] } });
    return this.act('Validating the settings…', async () => {
      try {
        const result = await this.client.call('validateRun', this.state.settings?.settings, { quick });
        this.set((st) => ({ validation: { running: false, progress: st.validation.progress, result } }));
        this.notice(
          `Validation ${result.ok ? 'passed' : 'failed'}: ${result.totals.pass} passed, ${result.totals.fail} failed, ${result.totals.skipped} skipped`,
        );
      } finally {
        this.set((st) => ({ validation: { ...st.validation, running: false } }));
      }
    });
  }

  captureStart() {
    return this.act('Starting a capture…', async () => {
      const r = await this.client.call('captureStart');
      this.set({ capture: { running: true, startedAt: r.startedAt } });
    });
  }

  captureStop() {
    return this.act('Stopping the capture…', async () => {
      const result = await this.client.call('captureStop');
      this.set({ capture: { running: false, result } });
      this.notice(`Captured ${result.packets} packets: ${result.ike} IKE, ${result.esp} ESP`);
    });
  }

  applyFault(id: string) {
    return this.act(`Breaking: ${id}…`, async () => {
      const r = await this.client.call('faultApply', [id]);
      for (const n of r.notes) this.notice(n);
      this.notice(`Applied ${r.applied.join(', ')}`);
    });
  }

  revertFault(id?: string) {
    return this.act(id ? `Fixing: ${id}…` : 'Fixing everything…', async () => {
      const r = await this.client.call('faultRevert', id ? [id] : undefined);
      this.notice(r.reverted.length ? `Reverted ${r.reverted.join(', ')}` : 'Nothing was applied; impairments cleared');
    });
  }

  showEvidence(side: Side, seq: number): void {
    this.set((s) => ({
      tab: 'logs',
      jump: { side, seq, nonce: this.nextId++ },
      logFilter: {
        ...s.logFilter,
        follow: false,
        sides: s.logFilter.sides === 'both' || s.logFilter.sides === side ? s.logFilter.sides : 'both',
      },
    }));
  }
}

let current: AppStore | undefined;
export const setStore = (s: AppStore) => (current = s);
export const store = (): AppStore => current!;

export function useApp<T>(select: (s: AppState) => T): T {
  const s = store();
  return useSyncExternalStore(s.subscribe, () => select(s.get()));
}

/** Re-renders when a mutable buffer changes (its `subscribe` already calls at most once per frame). */
export function useBufferVersion(subscribe: (l: () => void) => () => void, version: () => number): number {
  return useSyncExternalStore(subscribe, version);
}
