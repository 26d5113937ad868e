/**
 * The app's customer desk (issues 14 and 15): a customer's logs, SA listings and device outputs
 * diagnosed as `ipsec-lab diagnose` does and reproduced on the lab as `diagnose --reproduce` does;
 * a customer's configs imported (one end mirrored, or both ends from their own configs) and a
 * gateway's config exported for a device. Texts arrive in pieces (customer-uploads.ts) and never
 * cross back whole: the UI asks for the lines it shows.
 */
import type { ReadStream } from 'node:fs';

import { diagnose } from '../diagnosis/diagnose.js';
import type { CauseId } from '../diagnosis/findings.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { faultsForCause, reproduce } from '../reproduce/reproduce.js';
import { defaultSettings } from '../settings/defaults.js';
import type { LabSettings, Side } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import type {
  ApiEvents,
  ApiMethods,
  CustomerDiagnosisInfo,
  CustomerImportInfo,
  CustomerImportRequest,
  CustomerInputInfo,
  CustomerLinesInfo,
  ExportFormatInfo,
  LabApi,
  ReproductionInfo,
  UploadInfo,
} from './contract.js';
import { exportConfig, importConfigs } from './customer-config.js';
import { UploadStore } from './customer-uploads.js';

/** The contract methods the desk answers (LabService forwards them). */
export type CustomerMethod = Extract<keyof ApiMethods, `customer${string}`>;

/** How the desk tells the UIs (the service's events). */
export type CustomerEmit = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => void;

/** How often progress is told while a large text is diagnosed. */
const PROGRESS_MS = 200;

export class CustomerDesk implements Pick<LabApi, CustomerMethod> {
  private readonly uploads = new UploadStore();

  /** `watch`: the host's own watch of the lab (a second watch would feed every log line twice). */
  constructor(
    private readonly engine: LabEngine,
    private readonly emit: CustomerEmit,
    private readonly watch: () => Promise<void>,
  ) {}

  async customerOpen(meta: { name: string; size?: number }): Promise<UploadInfo> {
    return this.uploads.open(meta);
  }

  async customerAppend(id: string, seq: number, chunk: string): Promise<UploadInfo> {
    return this.uploads.append(id, seq, chunk);
  }

  async customerFinish(id: string): Promise<UploadInfo> {
    return this.uploads.finish(id);
  }

  async customerDiscard(id: string): Promise<{ discarded: boolean }> {
    return { discarded: await this.uploads.discard(id) };
  }

  async customerLines(id: string, from: number, count: number): Promise<CustomerLinesInfo> {
    return this.uploads.lines(id, from, count);
  }

  async customerDiagnose(inputs: CustomerInputInfo[]): Promise<CustomerDiagnosisInfo> {
    const started = Date.now();
    const names = new Set<string>();
    const sources = inputs.map((i) => {
      const info = this.uploads.get(i.upload).info;
      // Findings cite a source by name: two texts both called "pasted text" must stay apart.
      let source = info.name;
      for (let n = 2; names.has(source); n++) source = `${info.name} (${n})`;
      names.add(source);
      return { source, upload: i.upload, side: i.side, lines: info.lines };
    });
    const total = inputs.reduce((n, i) => n + this.uploads.get(i.upload).info.bytes, 0);
    const streams: ReadStream[] = inputs.map((i) => this.uploads.stream(i.upload));
    const tell = () =>
      this.emit('customer', { task: 'diagnose', done: streams.reduce((n, s) => n + s.bytesRead, 0), total });
    const timer = setInterval(tell, PROGRESS_MS);
    let result;
    try {
      result = await diagnose({
        logs: inputs.map((i, k) => ({ source: sources[k].source, side: i.side, lines: streams[k] })),
      });
    } finally {
      clearInterval(timer);
      for (const s of streams) s.destroy();
    }
    this.emit('customer', { task: 'diagnose', done: total, total });
    const sides = new Set(inputs.map((i) => i.side));
    if (!(sides.has('left') && sides.has('right')))
      result.notes.push(
        "Only one side's text (or texts without a side): the responder's log usually holds the reason; add the other gateway's.",
      );
    return { ...result, sources, reproduce: reproducible(result.verdict), durationMs: Date.now() - started };
  }

  async customerReproduce(cause: string, opts: { settings?: LabSettings } = {}): Promise<ReproductionInfo> {
    const started = Date.now();
    const settings = opts.settings ? validateSettings(opts.settings) : undefined;
    const say = (line: string) => this.emit('customer', { task: 'reproduce', line });
    try {
      const r = await reproduce(
        this.engine,
        { verdict: cause as CauseId },
        {
          settings,
          onProgress: say,
          watch: async () => {
            await this.watch();
            // The host keeps watching after the reproduction: the user looks at the lab next.
            return () => {};
          },
        },
      );
      // The lab may have been started for this: the UIs follow it as a lab that came up.
      this.emit('changed', { what: 'up' });
      say(
        r.matched
          ? `the lab's own diagnosis reaches ${r.labVerdict}: the same symptoms are on the lab now`
          : `the lab's diagnosis says ${r.labVerdict}, not ${r.cause}`,
      );
      return {
        cause: r.cause,
        fault: r.fault.id,
        faultTitle: r.fault.title,
        alternatives: r.alternatives,
        labVerdict: r.labVerdict,
        matched: r.matched,
        notes: r.notes,
        fixCommand: r.fixCommand,
        lab: this.engine.name,
        durationMs: Date.now() - started,
      };
    } finally {
      this.emit('changed', { what: 'faults' });
    }
  }

  async customerImport(request: CustomerImportRequest): Promise<CustomerImportInfo> {
    return importConfigs(this.uploads, request);
  }

  async customerExport(
    settings: LabSettings,
    side: Side,
    format: ExportFormatInfo,
    opts: { revealSecrets?: boolean } = {},
  ): Promise<{ text: string; side: Side; format: ExportFormatInfo; fileName: string }> {
    return exportConfig(settings, side, format, opts);
  }

  /** Removes every text kept (the host is closing). */
  dispose(): void {
    this.uploads.dispose();
  }
}

/**
 * The customer* methods of the contract, forwarded to the desk: LabService extends this, so the
 * service file stays the adapter of the lab's own methods.
 */
export abstract class CustomerMethods implements Pick<LabApi, CustomerMethod> {
  protected abstract readonly customer: CustomerDesk;
  customerOpen(...a: Parameters<LabApi['customerOpen']>) {
    return this.customer.customerOpen(...a);
  }
  customerAppend(...a: Parameters<LabApi['customerAppend']>) {
    return this.customer.customerAppend(...a);
  }
  customerFinish(...a: Parameters<LabApi['customerFinish']>) {
    return this.customer.customerFinish(...a);
  }
  customerDiscard(...a: Parameters<LabApi['customerDiscard']>) {
    return this.customer.customerDiscard(...a);
  }
  customerLines(...a: Parameters<LabApi['customerLines']>) {
    return this.customer.customerLines(...a);
  }
  customerDiagnose(...a: Parameters<LabApi['customerDiagnose']>) {
    return this.customer.customerDiagnose(...a);
  }
  customerReproduce(...a: Parameters<LabApi['customerReproduce']>) {
    return this.customer.customerReproduce(...a);
  }
  customerImport(...a: Parameters<LabApi['customerImport']>) {
    return this.customer.customerImport(...a);
  }
  customerExport(...a: Parameters<LabApi['customerExport']>) {
    return this.customer.customerExport(...a);
  }
}

/** What "Reproduce in the lab" would apply on the default (IKEv2) lab, or why nothing can. */
function reproducible(verdict: CustomerDiagnosisInfo['verdict']): CustomerDiagnosisInfo['reproduce'] {
  if (verdict === 'healthy') return { unavailable: 'the texts show a healthy tunnel: nothing to reproduce' };
  if (verdict === 'unknown' || verdict === 're-negotiating')
    return { unavailable: 'no cause was diagnosed: there is nothing to reproduce' };
  const ike = defaultSettings().left.gateway.ikeVersion;
  const [fault] = faultsForCause(verdict, ike);
  return fault
    ? { fault: fault.id, title: fault.title }
    : { unavailable: `no catalogue fault produces "${verdict}" on IKEv${ike} (a lab cannot show it)` };
}
