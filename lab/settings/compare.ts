import { peerAddressOf, siteAddresses, trafficSelectors } from './addresses.js';
import { adviceLine, type CryptoAdvice, cryptoAdvice } from './crypto-strength.js';
import { parseProposal, pfsGroups } from './proposals.js';
import { recoveryAfterRestart, startPlan } from './start-plan.js';
import type { LabSettings } from './types.js';

/**
 * One pair of settings that must agree between the gateways: the same value on both (proposals,
 * key, version), or mirrored (my local ID is your remote ID). The seeds' first cause of a tunnel
 * that will not come up is a mismatch here.
 */
export interface SettingsPair {
  /** Field paths, e.g. "left.gateway.localId" and "right.gateway.remoteId". */
  left: string;
  right: string;
  leftValue: unknown;
  rightValue: unknown;
  /** `either`: not a pair that must agree, but one side has to do it (start the tunnel, bring it back). */
  relation: 'equal' | 'mirror' | 'overlap' | 'either';
  ok: boolean;
  /** Why it matters when it is not ok. */
  why: string;
  /** Weak cryptography in these fields (advice: the tunnel works, the vendors recommend otherwise). */
  advice?: string[];
  /** The configuration lines these fields were imported from (imported settings only). */
  lines?: { field: string; line: number; text: string }[];
}

/** Where an imported field came from: the shape of an import result's provenance entries. */
export interface FieldSource {
  line: number;
  text: string;
  more?: { line: number; text: string }[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

function proposalsOverlap(a: string[], b: string[], kind: 'ike' | 'esp'): boolean {
  const parse = (list: string[]) =>
    list.flatMap((p) => {
      try {
        return [parseProposal(p, kind)];
      } catch {
        return [];
      }
    });
  const shares = (x: string[], y: string[]) => (x.length === 0 && y.length === 0) || x.some((v) => y.includes(v));
  return parse(a).some((x) =>
    parse(b).some(
      (y) =>
        shares(x.encryption, y.encryption) &&
        shares(x.integrity, y.integrity) &&
        shares(x.dh, y.dh) &&
        (kind === 'esp' || shares(x.prf, y.prf) || !x.prf.length || !y.prf.length),
    ),
  );
}

/**
 * Every pair of fields the two gateways must agree on, with whether they do; weak cryptography as
 * advice on the pair of its fields; with an import's provenance, the device lines of each field.
 */
export function compareGateways(s: LabSettings, provenance?: Record<string, FieldSource>): SettingsPair[] {
  const pairs = pairsOf(s);
  attachAdvice(pairs, cryptoAdvice(s));
  if (provenance) for (const p of pairs) attachLines(p, provenance);
  return pairs;
}

function pairsOf(s: LabSettings): SettingsPair[] {
  const L = s.left.gateway;
  const R = s.right.gateway;
  const tsL = trafficSelectors(s, 'left');
  const tsR = trafficSelectors(s, 'right');
  const plan = startPlan(s);
  const recovery = { left: recoveryAfterRestart(s, 'left'), right: recoveryAfterRestart(s, 'right') };
  const pairs: SettingsPair[] = [
    {
      left: 'left.gateway.ikeVersion',
      right: 'right.gateway.ikeVersion',
      leftValue: L.ikeVersion,
      rightValue: R.ikeVersion,
      relation: 'equal',
      ok: L.ikeVersion === R.ikeVersion,
      why: 'both sides must speak the same IKE version',
    },
    {
      left: 'left.gateway.ikeProposals',
      right: 'right.gateway.ikeProposals',
      leftValue: L.ikeProposals,
      rightValue: R.ikeProposals,
      relation: 'overlap',
      ok: proposalsOverlap(L.ikeProposals, R.ikeProposals, 'ike'),
      why: 'at least one IKE proposal (cipher, integrity, DH group) must be on both sides',
    },
    {
      left: 'left.gateway.espProposals',
      right: 'right.gateway.espProposals',
      leftValue: L.espProposals,
      rightValue: R.espProposals,
      relation: 'overlap',
      ok: proposalsOverlap(L.espProposals, R.espProposals, 'esp'),
      why: 'at least one ESP proposal (and the same PFS group, or none) must be on both sides',
    },
    {
      left: 'left.gateway.espProposals',
      right: 'right.gateway.espProposals',
      leftValue: pfsGroups(L.espProposals),
      rightValue: pfsGroups(R.espProposals),
      relation: 'equal',
      ok: sameSet(pfsGroups(L.espProposals), pfsGroups(R.espProposals)),
      why: 'PFS on one side only fails Quick Mode (IKEv1) or the first CHILD_SA rekey (IKEv2)',
    },
    {
      left: 'left.gateway.psk',
      right: 'right.gateway.psk',
      leftValue: '(hidden)',
      rightValue: '(hidden)',
      relation: 'equal',
      ok: L.psk === R.psk,
      why: 'the pre-shared keys must be identical',
    },
    {
      left: 'left.gateway.localId',
      right: 'right.gateway.remoteId',
      leftValue: L.localId,
      rightValue: R.remoteId,
      relation: 'mirror',
      ok: L.localId === R.remoteId,
      why: 'the right gateway must expect the identity the left one sends',
    },
    {
      left: 'left.gateway.remoteId',
      right: 'right.gateway.localId',
      leftValue: L.remoteId,
      rightValue: R.localId,
      relation: 'mirror',
      ok: L.remoteId === R.localId,
      why: 'the left gateway must expect the identity the right one sends',
    },
    {
      left: 'left.gateway.localTs',
      right: 'right.gateway.remoteTs',
      leftValue: tsL.local,
      rightValue: tsR.remote,
      relation: 'mirror',
      ok: sameSet(tsL.local, tsR.remote),
      why: "encryption domains must mirror: the left's local networks are the right's remote ones",
    },
    {
      left: 'left.gateway.remoteTs',
      right: 'right.gateway.localTs',
      leftValue: tsL.remote,
      rightValue: tsR.local,
      relation: 'mirror',
      ok: sameSet(tsL.remote, tsR.local),
      why: "encryption domains must mirror: the left's remote networks are the right's local ones",
    },
    {
      left: 'left.gateway.peerAddress',
      right: 'right.wan',
      leftValue: peerAddressOf(s, 'left'),
      rightValue: siteAddresses(s, 'right').gatewayWan,
      relation: 'mirror',
      ok: peerAddressOf(s, 'left') === siteAddresses(s, 'right').gatewayWan,
      why: "the left gateway must send IKE to the right gateway's address",
    },
    {
      left: 'left.wan',
      right: 'right.gateway.peerAddress',
      leftValue: siteAddresses(s, 'left').gatewayWan,
      rightValue: peerAddressOf(s, 'right'),
      relation: 'mirror',
      ok: peerAddressOf(s, 'right') === siteAddresses(s, 'left').gatewayWan,
      why: 'the right gateway accepts IKE only from the address it expects (behind NAT: the public address)',
    },
    {
      // Not a pair that must agree: an initiator (or an on-demand trap gateway) on one side and an
      // answer-only one on the other is the usual site-to-site setup.
      left: 'left.gateway.startAction',
      right: 'right.gateway.startAction',
      leftValue: L.startAction,
      rightValue: R.startAction,
      relation: 'either',
      ok: !!plan.starter,
      why:
        plan.reason ??
        'one side must start the tunnel: initiate at once, or trap (on demand, on the first matching packet)',
    },
    {
      left: 'left.gateway.dpd.action',
      right: 'right.gateway.dpd.action',
      leftValue: L.dpd.action,
      rightValue: R.dpd.action,
      relation: 'either',
      ok: !!(recovery.left.by && recovery.right.by),
      why:
        [recovery.left, recovery.right].find((r) => !r.by)?.says ??
        'after either gateway restarts, one side must bring the tunnel back (initiator, DPD restart, or trap on traffic)',
    },
    {
      left: 'left.gateway.dpd.delay',
      right: 'right.gateway.dpd.delay',
      leftValue: L.dpd.delay,
      rightValue: R.dpd.delay,
      relation: 'equal',
      ok: L.dpd.delay > 0 === R.dpd.delay > 0,
      why: 'DPD on one side only: the other never notices a dead peer and keeps stale SAs',
    },
    {
      left: 'left.gateway.child.rekeyTime',
      right: 'right.gateway.child.rekeyTime',
      leftValue: L.child.rekeyTime,
      rightValue: R.child.rekeyTime,
      relation: 'equal',
      ok: L.child.rekeyTime === R.child.rekeyTime,
      why: 'different lifetimes are legal but make one side rekey early, a known cause of a flapping tunnel',
    },
    {
      left: 'left.gateway.ike.rekeyTime',
      right: 'right.gateway.ike.rekeyTime',
      leftValue: L.ike.rekeyTime,
      rightValue: R.ike.rekeyTime,
      relation: 'equal',
      ok: L.ike.rekeyTime === R.ike.rekeyTime,
      why: 'different IKE lifetimes are legal but make one side rekey early',
    },
  ];
  if (L.ikeVersion === 1 || R.ikeVersion === 1) {
    pairs.push({
      left: 'left.gateway.aggressive',
      right: 'right.gateway.aggressive',
      leftValue: L.aggressive,
      rightValue: R.aggressive,
      relation: 'equal',
      ok: L.aggressive === R.aggressive,
      why: 'IKEv1 main mode and aggressive mode do not meet',
    });
  }
  return pairs;
}

// Lifetime fields without a pair of their own belong to the rekey pair of the same SA.
const ADVICE_FIELD: Record<string, string> = {
  'gateway.ike.reauthTime': 'gateway.ike.rekeyTime',
  'gateway.child.lifeTime': 'gateway.child.rekeyTime',
};

function attachAdvice(pairs: SettingsPair[], advice: CryptoAdvice[]): void {
  for (const a of advice) {
    const field = ADVICE_FIELD[a.field] ?? a.field;
    const matching = pairs.filter((p) => p.left === `left.${field}` && p.right === `right.${field}`);
    // ESP proposals have two pairs: the overlap and the PFS groups; "no PFS" belongs to the latter.
    const pair = /PFS/.test(a.issue) ? matching[matching.length - 1] : matching[0];
    if (!pair) continue;
    (pair.advice ??= []).push(adviceLine(a));
  }
}

function attachLines(p: SettingsPair, provenance: Record<string, FieldSource>): void {
  for (const field of [p.left, p.right]) {
    const src = provenance[field];
    // A line number 0 means "the input as a whole": nothing to cite.
    for (const l of src ? [src, ...(src.more ?? [])] : [])
      if (l.line > 0) (p.lines ??= []).push({ field, line: l.line, text: l.text });
  }
}
