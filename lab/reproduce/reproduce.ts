/**
 * From a customer's diagnosis to the same symptoms on the lab: the diagnosed cause is mapped to
 * the catalogue fault that produces it, the lab is brought up healthy (with the customer's
 * settings when given), the fault applied, and the lab's own live diagnosis must reach the same
 * cause, so the engineer sees the problem locally and can try the fix (`ipsec-lab fix`).
 */
import { ignoreRejection } from '../common/ignore.js';
import type { DiagnosisResult } from '../diagnosis/findings.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { FAULTS } from '../faults/catalogue.js';
import { FaultService } from '../faults/fault-service.js';
import type { FaultDefinition } from '../faults/types.js';
import type { LabMode } from '../lifecycle/labels.js';
import { defaultSettings } from '../settings/defaults.js';
import type { LabSettings } from '../settings/types.js';

export class ReproduceError extends Error {}

export interface Reproduction {
  cause: string;
  fault: FaultDefinition;
  /** Other catalogue faults that give the same cause. */
  alternatives: string[];
  /** The lab's own verdict after the fault, and whether it matches the customer's. */
  labVerdict: string;
  matched: boolean;
  notes: string[];
  fixCommand: string;
}

/** Catalogue faults that produce a cause on an IKE version, the one named like the cause first. */
export function faultsForCause(cause: string, ikeVersion: 1 | 2): FaultDefinition[] {
  return FAULTS.filter((f) => f.cause === cause && f.ikeVersions.includes(ikeVersion)).sort(
    (a, b) => Number(b.id === cause) - Number(a.id === cause),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function reproduce(
  engine: LabEngine,
  diagnosis: Pick<DiagnosisResult, 'verdict'>,
  opts: {
    settings?: LabSettings;
    waitMs?: number;
    onProgress?: (line: string) => void;
    /** The caller's own watch of the lab (the app already follows it); returns its stop. */
    watch?: () => Promise<() => void>;
    /**
     * Who owns a lab started here: the app keeps it attached to itself; the CLI leaves it detached,
     * as `up` does, because it exits while the user goes on with the lab (`ipsec-lab fix`).
     */
    mode?: LabMode;
  } = {},
): Promise<Reproduction> {
  const cause = diagnosis.verdict;
  if (cause === 'healthy' || cause === 'unknown')
    throw new ReproduceError(`nothing to reproduce: the diagnosis is "${cause}"`);
  const settings = opts.settings ?? defaultSettings();
  const [fault, ...others] = faultsForCause(cause, settings.left.gateway.ikeVersion);
  if (!fault)
    throw new ReproduceError(
      `no catalogue fault produces "${cause}" on IKEv${settings.left.gateway.ikeVersion} (see \`ipsec-lab faults\`)`,
    );
  const say = opts.onProgress ?? (() => {});
  const faults = new FaultService(engine);

  if (await engine.find()) {
    say(`using the running lab "${engine.name}"; reverting its faults first`);
    await faults.revert();
  } else {
    say(`starting lab "${engine.name}"${opts.settings ? ' with the given settings' : ' with default settings'}...`);
    const up = await engine.up(settings, { timeoutMs: 45_000, mode: opts.mode });
    if (!up.status.up)
      throw new ReproduceError(
        `the lab did not come up healthy, so the fault cannot be shown on its own: ${up.reason ?? 'tunnel not up'}`,
      );
  }
  const stop = opts.watch ? await opts.watch() : await engine.watch({ intervalMs: 500 });
  try {
    say(`applying ${fault.id}: ${fault.change}`);
    const applied = await faults.apply([fault.id]);
    const datapath = fault.family === 'no-traffic';
    const deadline = Date.now() + (opts.waitMs ?? 45_000);
    let verdict = engine.diagnosis.current().verdict;
    while (verdict !== cause && Date.now() < deadline) {
      // Datapath faults show only in the counters, and only once traffic is offered.
      if (datapath)
        await engine
          .traffic({ count: 3, intervalMs: 100 })
          .catch(ignoreRejection('a failing ping is the symptom being reproduced'));
      await sleep(datapath ? 800 : 400);
      verdict = engine.diagnosis.current().verdict;
    }
    return {
      cause,
      fault,
      alternatives: others.map((f) => f.id),
      labVerdict: verdict,
      matched: verdict === cause,
      notes: applied.notes,
      fixCommand: `ipsec-lab --lab ${engine.name} fix ${fault.id}`,
    };
  } finally {
    stop();
  }
}
