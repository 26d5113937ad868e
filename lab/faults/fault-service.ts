import { ignoreRejection } from '../common/ignore.js';
import { LabError } from '../docker/errors.js';
import { execIn, execOk } from '../docker/exec.js';
import { asChange, markWindow } from '../engine/change-marks.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { putStateFile } from '../lifecycle/settings-file.js';
import { FAULTS_PATH } from '../lifecycle/state-paths.js';
import type { KernelFeatures } from '../probe/kernel-features.js';
import type { LabSettings } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import { gatewaySide } from '../topology/plan.js';
import { FAULTS, faultUnavailable, findFault, IMPOSSIBLE_CAUSES } from './catalogue.js';
import {
  type Direction,
  DIRECTIONS,
  type Impairment,
  ImpairmentError,
  unavailableImpairments,
  validateImpairment,
} from './impairment.js';
import { impairmentScript } from './router-impairment.js';
import { emptyState, type FaultState } from './state.js';
import type { FaultDefinition } from './types.js';

/** A peer fault (paused, stopped, crashed gateway) shows after DPD intervals or a restart (ms). */
const PEER_FAULT_BOUND_MS = 25_000;
/** A fix brings the tunnel up within this, or the lab is judged as it is (ms). */
const FIX_BOUND_MS = 20_000;

export class FaultError extends Error {
  constructor(
    readonly code: 'unknown-fault' | 'fault-unavailable' | 'fault-active' | 'fault-not-active' | 'invalid-impairment',
    message: string,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}

/** The catalogue, with why each fault cannot be applied to this lab now (undefined: it can). */
export interface CatalogueEntry {
  /** Without the evidence rows: their RegExp patterns have no JSON form; `symptoms` is their text. */
  fault: Omit<FaultDefinition, 'settings' | 'boxes' | 'unavailable' | 'evidence'>;
  unavailable?: string;
  active: boolean;
}

/**
 * Named, reversible faults on a running lab. Settings faults are applied live over VICI; path,
 * LAN and peer faults run in the boxes. Every fault composes with the others and `fix` reverts
 * all of them with no leftovers.
 */
export class FaultService {
  constructor(private readonly lab: LabEngine) {}

  private async features(): Promise<KernelFeatures> {
    return this.lab.kernelFeatures();
  }

  async state(): Promise<FaultState> {
    const r = await execIn(this.lab.docker, this.lab.container('router'), ['cat', FAULTS_PATH]);
    if (r.exitCode === 0 && r.stdout.trim()) return JSON.parse(r.stdout) as FaultState;
    return emptyState(await this.lab.settings());
  }

  private async saveState(state: FaultState): Promise<void> {
    await putStateFile(this.lab.docker, this.lab.container('router'), FAULTS_PATH, JSON.stringify(state));
  }

  async catalogue(): Promise<CatalogueEntry[]> {
    const [state, settings, features] = await Promise.all([this.state(), this.lab.settings(), this.features()]);
    return FAULTS.map(({ settings: _s, boxes: _b, unavailable: _u, evidence: _e, ...fault }) => ({
      fault,
      unavailable: faultUnavailable(
        FAULTS.find((f) => f.id === fault.id)!,
        { settings, features },
      ),
      active: state.active.some((a) => a.id === fault.id),
    }));
  }

  impossibleCauses() {
    return IMPOSSIBLE_CAUSES;
  }

  /** The settings with every active settings fault applied on the baseline, in order. */
  private effective(state: FaultState, active = state.active): LabSettings {
    const s = structuredClone(state.baseline);
    for (const a of active) findFault(a.id)?.settings?.(s);
    return validateSettings(s);
  }

  /** Applies faults (several at once allowed); nothing is applied unless all of them can be. */
  async apply(ids: string[]): Promise<{ applied: string[]; notes: string[] }> {
    const state = await this.state();
    const features = await this.features();
    const current = await this.lab.settings();
    const defs: FaultDefinition[] = [];
    for (const id of ids) {
      const f = findFault(id);
      if (!f)
        throw new FaultError('unknown-fault', `unknown fault "${id}" (known: ${FAULTS.map((x) => x.id).join(', ')})`);
      if (state.active.some((a) => a.id === id))
        throw new FaultError('fault-active', `fault "${id}" is already applied`);
      const why = faultUnavailable(f, { settings: current, features });
      if (why) throw new FaultError('fault-unavailable', `fault "${id}" cannot be applied here: ${why}`);
      defs.push(f);
    }
    const next: FaultState = { ...state, active: [...state.active] };
    for (const f of defs) next.active.push({ id: f.id, boxes: f.boxes?.({ settings: current, features }) ?? [] });
    const nextSettings = this.effective(next);
    // One change of the lab: the live diagnosis says "re-negotiating" until it has settled, and judges
    // the evidence from where the change tore the old SAs down (change-marks.ts). Peer faults show
    // only after DPD intervals or a restart: they may take longer to settle.
    const slow = defs.some((f) => f.docker);
    return asChange(
      this.lab,
      `applying ${ids.join(' + ')}`,
      () => this.applyNow(defs, state, next, nextSettings),
      slow ? { boundMs: PEER_FAULT_BOUND_MS } : {},
    );
  }

  private async applyNow(
    defs: FaultDefinition[],
    state: FaultState,
    next: FaultState,
    nextSettings: LabSettings,
  ): Promise<{ applied: string[]; notes: string[] }> {
    // Settings first: a settings fault that charon refuses must leave the lab untouched.
    if (defs.some((f) => f.settings)) await this.lab.applySettings(nextSettings);
    const done: string[] = [];
    try {
      for (const f of defs) {
        for (const b of next.active.find((a) => a.id === f.id)!.boxes)
          await execOk(this.lab.docker, this.lab.container(b.role), ['sh', '-c', b.apply]);
        if (f.docker) {
          // A peer fault acts on a working tunnel (the settings just applied re-negotiated it), and the
          // window must be marked while the peer can still take the mark.
          if (defs.some((x) => x.settings)) await this.lab.waitForTunnel(10_000);
          if (!this.lab.diagnosis.changing?.windows) await markWindow(this.lab);
          await this.dockerAction(f.docker.role, f.docker.action);
        }
        done.push(f.id);
      }
      if (defs.some((f) => f.renegotiate)) await this.lab.renegotiate();
    } catch (e) {
      // Undo what this call did, so a failed apply leaves the lab as it was.
      for (const id of done.reverse())
        await this.undoBoxes(next, id).catch(
          ignoreRejection('best-effort undo after a failed apply; the apply error is what is reported'),
        );
      if (defs.some((f) => f.settings))
        await this.lab
          .applySettings(this.effective(state))
          .catch(ignoreRejection('best-effort undo after a failed apply; the apply error is what is reported'));
      throw e;
    }
    await this.saveState(next);
    return { applied: defs.map((f) => f.id), notes: defs.filter((f) => f.note).map((f) => `${f.id}: ${f.note}`) };
  }

  private async undoBoxes(state: FaultState, id: string): Promise<void> {
    const f = findFault(id);
    const a = state.active.find((x) => x.id === id);
    for (const b of [...(a?.boxes ?? [])].reverse())
      await execIn(this.lab.docker, this.lab.container(b.role), ['sh', '-c', b.revert]);
    if (f?.docker) await this.undoDocker(f.docker.role, f.docker.action);
  }

  /** Reverts the named faults, or all of them (and every impairment) when none is named. */
  async revert(ids?: string[]): Promise<{ reverted: string[] }> {
    const state = await this.state();
    const targets = ids?.length ? ids : state.active.map((a) => a.id).reverse();
    for (const id of targets) {
      if (!findFault(id)) throw new FaultError('unknown-fault', `unknown fault "${id}"`);
      if (!state.active.some((a) => a.id === id))
        throw new FaultError('fault-not-active', `fault "${id}" is not applied`);
    }
    const remaining = state.active.filter((a) => !targets.includes(a.id));
    // Fixing everything should bring the tunnel up: only that (or a longer wait) settles the change.
    return asChange(
      this.lab,
      targets.length ? `fixing ${targets.join(' + ')}` : 'clearing the link impairments',
      () => this.revertNow(state, targets, remaining, !ids?.length),
      remaining.length ? {} : { expect: 'healthy', boundMs: FIX_BOUND_MS },
    );
  }

  private async revertNow(
    state: FaultState,
    targets: string[],
    remaining: FaultState['active'],
    all: boolean,
  ): Promise<{ reverted: string[] }> {
    for (const id of targets) await this.undoBoxes(state, id);
    const next: FaultState = { ...state, active: remaining };
    if (all) next.impairments = emptyState(state.baseline).impairments;
    const settingsChanged = targets.some((id) => findFault(id)?.settings);
    if (settingsChanged || targets.some((id) => findFault(id)?.docker))
      await this.lab.applySettings(this.effective(next));
    else if (targets.some((id) => findFault(id)?.renegotiate)) await this.lab.renegotiate();
    if (all) await this.applyImpairments(next.impairments);
    await this.saveState(next);
    return { reverted: targets };
  }

  private async dockerAction(
    role: Parameters<LabEngine['container']>[0],
    action: 'pause' | 'stop' | 'kill-restart',
  ): Promise<void> {
    const c = this.lab.docker.getContainer(this.lab.container(role));
    if (action === 'pause') await c.pause();
    else if (action === 'stop') await c.stop({ t: 1 });
    else {
      await c.kill();
      await c.wait().catch(ignoreRejection('a killed box may be gone before wait answers'));
      await c.start();
      await this.lab.forgetVici();
      await this.waitForConfig(role);
    }
    await this.lab.forgetVici();
  }

  private async undoDocker(
    role: Parameters<LabEngine['container']>[0],
    action: 'pause' | 'stop' | 'kill-restart',
  ): Promise<void> {
    const c = this.lab.docker.getContainer(this.lab.container(role));
    const info = await c.inspect();
    if (action === 'pause' && info.State.Paused) await c.unpause();
    if (action === 'stop' && !info.State.Running) await c.start();
    await this.lab.forgetVici();
    if (action !== 'pause') await this.waitForConfig(role);
  }

  /** A restarted gateway loads its config by itself; wait until charon has it (other boxes have none). */
  private async waitForConfig(role: Parameters<LabEngine['container']>[0]): Promise<void> {
    const side = gatewaySide(role);
    if (!side) return;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        const conns = await (await this.lab.viciOf(side)).listConns();
        if (conns.some((c) => 'lab' in c)) return;
      } catch {
        await this.lab.forgetVici();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${role} restarted but charon did not load its config within 15 s`);
  }

  /** Sets the link impairment of one or both directions; unavailable parts are refused, not ignored. */
  async impair(
    changes: Partial<Record<Direction, Record<string, unknown>>>,
    opts: { replace?: boolean } = {},
  ): Promise<{ impairments: Record<Direction, Impairment> }> {
    const features = await this.features();
    const state = await this.state();
    const next = structuredClone(state.impairments);
    for (const [dir, change] of Object.entries(changes) as [Direction, Record<string, unknown>][]) {
      if (!DIRECTIONS.includes(dir))
        throw new ImpairmentError(dir, `unknown direction (expected ${DIRECTIONS.join(' or ')})`);
      const valid = validateImpairment(dir, change);
      next[dir] = opts.replace ? valid : { ...next[dir], ...valid };
      for (const [k, v] of Object.entries(change))
        if (v === undefined || v === null) delete (next[dir] as Record<string, unknown>)[k];
      const missing = unavailableImpairments(next[dir], features.netem, features.tbf);
      if (missing.length)
        throw new ImpairmentError(`${dir}.${missing[0].key}`, `unavailable on this engine: ${missing[0].why}`);
    }
    await this.applyImpairments(next);
    await this.saveState({ ...state, impairments: next });
    return { impairments: next };
  }

  private async applyImpairments(imps: Record<Direction, Impairment>): Promise<void> {
    const features = await this.features();
    await execOk(this.lab.docker, this.lab.container('router'), ['sh', '-c', impairmentScript(imps, features.netem)]);
  }
}

export { LabError };
