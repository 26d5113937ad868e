/**
 * State of the customer screens (issues 14 and 15): the texts a user brought in (sent to the host
 * in pieces; only their names, sizes and ids live here), the diagnosis of the evidence and its
 * reproduction on the lab, the imported configs with their validation and export. Errors go to
 * the app's message list; lab actions (start, fix) go through the app's store.
 */
import { useSyncExternalStore } from 'react';

import type {
  CustomerDiagnosisInfo,
  CustomerImportInfo,
  CustomerSide,
  ExportFormatInfo,
  ReproductionInfo,
  Side,
  UploadInfo,
  ValidateRunInfo,
} from '../../../lab/api/contract';
import { sendText, sourceSize, type TextSource } from './send-text';
import { store } from './store';

export interface CustomerText {
  key: number;
  name: string;
  side: CustomerSide;
  /** Bytes (file) or characters (paste) to send, and sent so far. */
  size: number;
  sent: number;
  /** Set once the host has it whole. */
  upload?: UploadInfo;
  error?: string;
}

/** A line of a text to bring into view (a finding's evidence, a line not imported). */
export interface LineTarget {
  upload: string;
  line: number;
  nonce: number;
}

export interface CustomerState {
  texts: CustomerText[];
  diagnosing: boolean;
  progress: { done: number; total: number } | null;
  diagnosis: CustomerDiagnosisInfo | null;
  evidenceView: LineTarget | null;
  reproducing: boolean;
  reproduceLog: string[];
  reproduction: ReproductionInfo | null;
  /** Reproduce with the imported customer config instead of the lab's defaults. */
  useImported: boolean;

  configs: Record<Side, CustomerText | null>;
  tunnels: Record<Side, string>;
  importing: boolean;
  imported: CustomerImportInfo | null;
  importError: string | null;
  configView: LineTarget | null;
  validating: boolean;
  validateLog: string[];
  validation: ValidateRunInfo | null;
  exported: { text: string; fileName: string; side: Side; format: ExportFormatInfo } | null;
}

/** Which gateway a file is from, when its name says so. */
export function sideFromName(name: string): CustomerSide {
  const n = name.toLowerCase();
  const left = /(^|[^a-z])(left|local|site-?a)([^a-z]|$)/.test(n);
  const right = /(^|[^a-z])(right|remote|peer|site-?b)([^a-z]|$)/.test(n);
  return left === right ? 'unknown' : left ? 'left' : 'right';
}

export class CustomerStore {
  private state: CustomerState = {
    texts: [],
    diagnosing: false,
    progress: null,
    diagnosis: null,
    evidenceView: null,
    reproducing: false,
    reproduceLog: [],
    reproduction: null,
    useImported: false,
    configs: { left: null, right: null },
    tunnels: { left: '', right: '' },
    importing: false,
    imported: null,
    importError: null,
    configView: null,
    validating: false,
    validateLog: [],
    validation: null,
    exported: null,
  };
  private listeners = new Set<() => void>();
  private nextKey = 1;
  private removed = new Set<number>();
  private again = false;

  constructor() {
    const c = store().client;
    c.on('customer', (p) => {
      if (p.task === 'diagnose' && this.state.diagnosing && p.total !== undefined)
        this.set({ progress: { done: p.done ?? 0, total: p.total } });
      if (p.task === 'reproduce' && this.state.reproducing && p.line)
        this.set((s) => ({ reproduceLog: [...s.reproduceLog, p.line!] }));
    });
    c.on('validate', ({ line }) => {
      if (this.state.validating) this.set((s) => ({ validateLog: [...s.validateLog, line] }));
    });
  }

  get = () => this.state;
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  set(patch: Partial<CustomerState> | ((s: CustomerState) => Partial<CustomerState>)): void {
    this.state = { ...this.state, ...(typeof patch === 'function' ? patch(this.state) : patch) };
    for (const l of this.listeners) l();
  }

  /** Sends one text; `update` keeps its entry current as pieces go. */
  private async send(t: CustomerText, src: TextSource, update: (t: CustomerText) => void): Promise<UploadInfo | null> {
    let last = 0;
    try {
      const upload = await sendText(
        store().client,
        t.name,
        src,
        (sent) => {
          // Redraw at most every 1% of the text: a hundred pieces should not mean a hundred renders each.
          if (sent - last < t.size / 100 && sent < t.size) return;
          last = sent;
          update({ ...t, sent });
        },
        () => this.removed.has(t.key),
      );
      update({ ...t, sent: t.size, upload });
      return upload;
    } catch (e) {
      if (!this.removed.has(t.key)) {
        update({ ...t, error: (e as Error).message });
        store().error(`Could not bring in ${t.name}`, e);
      }
      return null;
    }
  }

  private newText(name: string, src: TextSource, side: CustomerSide): CustomerText {
    return { key: this.nextKey++, name, side, size: sourceSize(src), sent: 0 };
  }

  // ---------------------------------------------------------------- evidence (issue 14)

  async addEvidence(name: string, src: TextSource, side: CustomerSide = sideFromName(name)): Promise<void> {
    const t = this.newText(name, src, side);
    this.set((s) => ({ texts: [...s.texts, t] }));
    const replace = (n: CustomerText) => this.set((s) => ({ texts: s.texts.map((x) => (x.key === n.key ? n : x)) }));
    if (await this.send(t, src, replace)) await this.diagnose();
  }

  setSide(key: number, side: CustomerSide): void {
    this.set((s) => ({ texts: s.texts.map((x) => (x.key === key ? { ...x, side } : x)) }));
    void this.diagnose();
  }

  removeText(key: number): void {
    const t = this.state.texts.find((x) => x.key === key);
    this.removed.add(key);
    if (t?.upload)
      void store()
        .client.call('customerDiscard', t.upload.id)
        .catch(() => false);
    this.set((s) => ({ texts: s.texts.filter((x) => x.key !== key) }));
    if (this.state.texts.length) void this.diagnose();
    else this.set({ diagnosis: null, evidenceView: null, reproduction: null, reproduceLog: [] });
  }

  /** Diagnoses every text once all have arrived; a change meanwhile runs it again after. */
  async diagnose(): Promise<void> {
    const texts = this.state.texts;
    if (!texts.length || texts.some((t) => !t.upload && !t.error)) return;
    if (this.state.diagnosing) {
      this.again = true;
      return;
    }
    const inputs = texts.filter((t) => t.upload).map((t) => ({ upload: t.upload!.id, side: t.side }));
    if (!inputs.length) return;
    this.set({ diagnosing: true, progress: null });
    try {
      const diagnosis = await store().client.call('customerDiagnose', inputs);
      const first = diagnosis.findings[0]?.evidence.find((e) => e.line > 0);
      const src = first && diagnosis.sources.find((s) => s.source === first.source);
      this.set({
        diagnosis,
        reproduction: null,
        reproduceLog: [],
        evidenceView: src
          ? { upload: src.upload, line: first.line, nonce: this.nextKey++ }
          : { upload: inputs[0].upload, line: 0, nonce: this.nextKey++ },
      });
    } catch (e) {
      store().error('The diagnosis could not run', e);
    } finally {
      this.set({ diagnosing: false });
      if (this.again) {
        this.again = false;
        void this.diagnose();
      }
    }
  }

  showEvidence(source: string, line: number): void {
    const src = this.state.diagnosis?.sources.find((s) => s.source === source);
    if (src) this.set({ evidenceView: { upload: src.upload, line: Math.max(1, line), nonce: this.nextKey++ } });
  }

  async reproduce(): Promise<void> {
    const d = this.state.diagnosis;
    if (!d || !('fault' in d.reproduce)) return;
    const settings = this.state.useImported ? this.state.imported?.settings : undefined;
    this.set({ reproducing: true, reproduceLog: [], reproduction: null });
    await store().act('Reproducing in the lab…', async () => {
      try {
        const reproduction = await store().client.call('customerReproduce', d.verdict, { settings });
        this.set({ reproduction });
        store().notice(
          reproduction.matched
            ? `Reproduced: the lab's own diagnosis says ${reproduction.labVerdict}`
            : `Not reproduced: the lab's diagnosis says ${reproduction.labVerdict}`,
        );
      } finally {
        this.set({ reproducing: false });
      }
    });
  }

  // ---------------------------------------------------------------- configs (issue 15)

  /** Puts a config on one side (replacing the one there) and imports what the two slots hold. */
  async addConfig(side: Side, name: string, src: TextSource): Promise<void> {
    const old = this.state.configs[side];
    if (old) this.dropConfig(side, false);
    const t = this.newText(name, src, side);
    const update = (n: CustomerText) =>
      this.set((s) => (s.configs[side]?.key === n.key ? { configs: { ...s.configs, [side]: n } } : {}));
    this.set((s) => ({ configs: { ...s.configs, [side]: t }, tunnels: { ...s.tunnels, [side]: '' } }));
    if (await this.send(t, src, update)) await this.importConfigs();
  }

  dropConfig(side: Side, reimport = true): void {
    const t = this.state.configs[side];
    if (!t) return;
    this.removed.add(t.key);
    if (t.upload)
      void store()
        .client.call('customerDiscard', t.upload.id)
        .catch(() => false);
    this.set((s) => ({ configs: { ...s.configs, [side]: null }, tunnels: { ...s.tunnels, [side]: '' } }));
    if (reimport) void this.importConfigs();
  }

  chooseTunnel(side: Side, tunnel: string): void {
    this.set((s) => ({ tunnels: { ...s.tunnels, [side]: tunnel } }));
    void this.importConfigs();
  }

  async importConfigs(): Promise<void> {
    const { configs, tunnels } = this.state;
    const sides = (['left', 'right'] as const).filter((s) => configs[s]?.upload);
    if (!sides.length || (['left', 'right'] as const).some((s) => configs[s] && !configs[s]!.upload)) {
      if (!sides.length) this.set({ imported: null, importError: null, validation: null, exported: null });
      return;
    }
    this.set({ importing: true, importError: null });
    try {
      const imported = await store().client.call('customerImport', {
        configs: sides.map((s) => ({ upload: configs[s]!.upload!.id, side: s, tunnel: tunnels[s] || undefined })),
      });
      const shown =
        this.state.configView && sides.some((x) => configs[x]!.upload!.id === this.state.configView!.upload);
      this.set({
        imported,
        validation: null,
        validateLog: [],
        exported: null,
        // The config just imported shows, its lines not imported marked.
        configView: shown
          ? this.state.configView
          : { upload: configs[sides.at(-1)!]!.upload!.id, line: 0, nonce: this.nextKey++ },
      });
    } catch (e) {
      this.set({ imported: null, importError: (e as Error).message });
    } finally {
      this.set({ importing: false });
    }
  }

  showConfigLine(side: Side, line: number): void {
    const up = this.state.configs[side]?.upload;
    if (up) this.set({ configView: { upload: up.id, line, nonce: this.nextKey++ } });
  }

  async validate(quick: boolean): Promise<void> {
    const settings = this.state.imported?.settings;
    if (!settings) return;
    // Not a busy action of the app: the validation runs in labs of its own, the lab stays usable meanwhile.
    this.set({ validating: true, validateLog: [], validation: null });
    try {
      const validation = await store().client.call('validateRun', settings, { quick });
      this.set({ validation });
      store().notice(
        `Customer config ${validation.ok ? 'passed' : 'failed'} validation: ${validation.totals.pass} passed, ${validation.totals.fail} failed`,
      );
    } catch (e) {
      store().error('Validating the customer config failed', e);
    } finally {
      this.set({ validating: false });
    }
  }

  async exportConfig(side: Side, format: ExportFormatInfo, reveal: boolean): Promise<void> {
    const settings = this.state.imported?.settings;
    if (!settings) return;
    try {
      const r = await store().client.call('customerExport', settings, side, format, { revealSecrets: reveal });
      this.set({ exported: r });
    } catch (e) {
      this.set({ exported: null });
      store().error(`Export as ${format} failed`, e);
    }
  }
}

let current: CustomerStore | undefined;
/** The one customer store, made on first use (after the app's store exists). */
export const customer = (): CustomerStore => (current ??= new CustomerStore());

export function useCustomer<T>(select: (s: CustomerState) => T): T {
  const c = customer();
  return useSyncExternalStore(c.subscribe, () => select(c.get()));
}
