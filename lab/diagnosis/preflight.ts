/**
 * Pre-flight: compare both gateways' settings before anything runs. Evidence points at settings
 * fields (source '<side>-settings', line 0: settings objects have no lines).
 */
import { cidrsOverlap, otherSide, peerAddressOf, siteAddresses, trafficSelectors } from '../settings/addresses.js';
import { parseProposal, pfsGroups } from '../settings/proposals.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { Evidence, Finding } from './findings.js';
import { finding } from './rules/common.js';

function field(side: Side, path: string, value: unknown): Evidence {
  return { source: `${side}-settings`, line: 0, text: `${side}.${path} = ${JSON.stringify(value)}` };
}

type Parsed = ReturnType<typeof parseProposal>;
function parsed(list: string[], kind: 'ike' | 'esp'): Parsed[] {
  const out: Parsed[] = [];
  for (const p of list) {
    try {
      out.push(parseProposal(p, kind));
    } catch {
      /* validation reports bad proposals */
    }
  }
  return out;
}

const shares = (a: string[], b: string[]) => (a.length === 0 && b.length === 0) || a.some((x) => b.includes(x));

function overlap(a: Parsed[], b: Parsed[], ignoreDh: boolean): boolean {
  return a.some((x) =>
    b.some(
      (y) => shares(x.encryption, y.encryption) && shares(x.integrity, y.integrity) && (ignoreDh || shares(x.dh, y.dh)),
    ),
  );
}

export function preflight(settings: LabSettings): Finding[] {
  const out: Finding[] = [];
  const L = settings.left.gateway;
  const R = settings.right.gateway;
  if (L.ikeVersion !== R.ikeVersion) {
    out.push(
      finding(
        'ike-version-mismatch',
        'both',
        0.95,
        `left uses IKEv${L.ikeVersion}, right IKEv${R.ikeVersion}.`,
        [field('left', 'gateway.ikeVersion', L.ikeVersion), field('right', 'gateway.ikeVersion', R.ikeVersion)],
        { phase: 'config' },
      ),
    );
  }
  const li = parsed(L.ikeProposals, 'ike');
  const ri = parsed(R.ikeProposals, 'ike');
  if (li.length && ri.length && !overlap(li, ri, false)) {
    const dhOnly = overlap(li, ri, true);
    out.push(
      finding(
        'ike-proposal-mismatch',
        'both',
        0.95,
        `The IKE proposals have nothing in common${dhOnly ? ' (only the DH groups differ)' : ''}.`,
        [field('left', 'gateway.ikeProposals', L.ikeProposals), field('right', 'gateway.ikeProposals', R.ikeProposals)],
        { phase: 'config' },
      ),
    );
  }
  const le = parsed(L.espProposals, 'esp');
  const re = parsed(R.espProposals, 'esp');
  const lp = pfsGroups(L.espProposals);
  const rp = pfsGroups(R.espProposals);
  const espEv = [
    field('left', 'gateway.espProposals', L.espProposals),
    field('right', 'gateway.espProposals', R.espProposals),
  ];
  if (le.length && re.length && !overlap(le, re, true)) {
    out.push(
      finding(
        'esp-proposal-mismatch',
        'both',
        0.95,
        'The ESP proposals have no cipher/integrity combination in common.',
        espEv,
        { phase: 'config' },
      ),
    );
  } else if (lp.length > 0 !== rp.length > 0 || (lp.length && rp.length && !shares(lp, rp))) {
    out.push(
      finding(
        'pfs-mismatch',
        'both',
        0.9,
        `PFS differs: left ${lp.length ? lp.join(',') : 'none'}, right ${rp.length ? rp.join(',') : 'none'}` +
          (L.ikeVersion === 2
            ? ' (IKEv2: the first CHILD_SA comes up, the first rekey fails).'
            : ' (IKEv1: quick mode fails).'),
        espEv,
        { phase: 'config' },
      ),
    );
  }
  if (L.psk !== R.psk) {
    out.push(
      finding(
        'psk-mismatch',
        'both',
        0.95,
        'The pre-shared keys differ.',
        [
          { source: 'left-settings', line: 0, text: 'left.gateway.psk = (hidden)' },
          { source: 'right-settings', line: 0, text: 'right.gateway.psk = (hidden, different)' },
        ],
        { phase: 'config' },
      ),
    );
  }
  for (const side of ['left', 'right'] as const) {
    const me = settings[side].gateway;
    const peer = settings[otherSide(side)].gateway;
    if (me.remoteId !== peer.localId) {
      out.push(
        finding(
          'id-mismatch',
          side,
          0.9,
          `${side} expects the peer to be '${me.remoteId}', but ${otherSide(side)} identifies as '${peer.localId}'.`,
          [field(side, 'gateway.remoteId', me.remoteId), field(otherSide(side), 'gateway.localId', peer.localId)],
          { phase: 'config' },
        ),
      );
    }
    const target = peerAddressOf(settings, side);
    const wan = siteAddresses(settings, otherSide(side)).gatewayWan;
    if (target !== wan) {
      out.push(
        finding(
          'peer-address-mismatch',
          side,
          0.85,
          `${side} sends IKE to ${target}, but the ${otherSide(side)} gateway's WAN address is ${wan}.`,
          [
            field(side, 'gateway.peerAddress', me.peerAddress),
            field(otherSide(side), 'wan', settings[otherSide(side)].wan),
          ],
          { phase: 'config' },
        ),
      );
    }
  }
  const lt = trafficSelectors(settings, 'left');
  const rt = trafficSelectors(settings, 'right');
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (!same(lt.local, rt.remote) || !same(lt.remote, rt.local)) {
    out.push(
      finding(
        'ts-mismatch',
        'both',
        0.85,
        `Traffic selectors are not mirrored: left ${lt.local} === ${lt.remote}, right ${rt.local} === ${rt.remote}.`,
        [
          field('left', 'gateway.localTs/remoteTs', [lt.local, lt.remote]),
          field('right', 'gateway.localTs/remoteTs', [rt.local, rt.remote]),
        ],
        { phase: 'config' },
      ),
    );
  }
  for (const side of ['left', 'right'] as const) {
    const ts = trafficSelectors(settings, side);
    if (ts.local.some((l) => ts.remote.some((r) => cidrsOverlap(l, r)))) {
      out.push(
        finding(
          'overlapping-subnets',
          side,
          0.9,
          `${side}'s local and remote selectors overlap (${ts.local} / ${ts.remote}).`,
          [field(side, 'local/remote selectors', [ts.local, ts.remote])],
          { phase: 'config' },
        ),
      );
    }
  }
  if (L.dpd.delay > 0 !== R.dpd.delay > 0) {
    out.push(
      finding(
        'dpd-mismatch',
        'both',
        0.5,
        `DPD is on one side only (left dpd_delay ${L.dpd.delay}s, right ${R.dpd.delay}s): a side that lost its SAs goes unnoticed by the other.`,
        [field('left', 'gateway.dpd.delay', L.dpd.delay), field('right', 'gateway.dpd.delay', R.dpd.delay)],
        { phase: 'config' },
      ),
    );
  }
  if (L.child.rekeyTime !== R.child.rekeyTime || L.ike.rekeyTime !== R.ike.rekeyTime) {
    out.push(
      finding(
        'lifetime-mismatch',
        'both',
        0.3,
        'Rekey times differ (not fatal in strongSwan: each side rekeys on its own timer).',
        [
          field('left', 'gateway.child.rekeyTime', L.child.rekeyTime),
          field('right', 'gateway.child.rekeyTime', R.child.rekeyTime),
        ],
        { phase: 'config' },
      ),
    );
  }
  return out;
}
