import { peerAddressOf, siteAddresses, trafficSelectors } from './addresses.js';
import { parseProposal, pfsGroups } from './proposals.js';
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
  relation: 'equal' | 'mirror' | 'overlap';
  ok: boolean;
  /** Why it matters when it is not ok. */
  why: string;
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

/** Every pair of fields the two gateways must agree on, with whether they do. */
export function compareGateways(s: LabSettings): SettingsPair[] {
  const L = s.left.gateway;
  const R = s.right.gateway;
  const tsL = trafficSelectors(s, 'left');
  const tsR = trafficSelectors(s, 'right');
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
      left: 'left.gateway.startAction',
      right: 'right.gateway.startAction',
      leftValue: L.startAction,
      rightValue: R.startAction,
      relation: 'equal',
      ok: L.startAction === 'initiate' || R.startAction === 'initiate',
      why: 'at least one side must initiate, or nothing starts until traffic arrives (trap) or never (wait)',
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
      why: 'different lifetimes are legal but make one side rekey early; the seeds list them under flapping',
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
