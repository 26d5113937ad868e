/**
 * Rules on SA listings alone (strongSwan, Cisco ASA, Palo Alto, VyOS): the state an SA is stuck in
 * says which message never came, and an IKE SA without an IPsec SA in a listing that lists them says
 * phase 2 does not come up. Counters are judged by datapath.ts.
 */
import type { CauseId, Evidence, Finding } from '../findings.js';
import type { IkeSaSnapshot, SaSnapshot } from '../snapshot.js';
import { finding, type Rule, type RuleContext } from './common.js';

export interface StuckState {
  cause: CauseId;
  confidence: number;
  /** What the state means, in the device's own terms. */
  reason: string;
  alternatives: CauseId[];
  check: string;
}

const PSK_CHECK =
  'Compare the pre-shared key on both ends (ASA 8.4+: `tunnel-group <peer> ipsec-attributes` / `ikev1 pre-shared-key`; strongSwan: the secret for both IDs), and whether NAT between them needs NAT-T (UDP 4500) open.';
const SILENT_CHECK =
  'Capture UDP 500 on the peer (`capture` on an ASA, `tcpdump` on strongSwan): nothing arriving means routing, the address or a firewall; arriving but unanswered means no matching policy or crypto map there.';

/**
 * IKEv1 main/aggressive mode states (Cisco ASA `show crypto isakmp sa`) by role: an initiator waits
 * in MSG2/4/6 for the responder's messages, a responder in MSG3/5 for the initiator's. MM1-2 agree
 * on a proposal, MM3-4 exchange keys and nonces (and NAT-D), MM5-6 authenticate, encrypted with keys
 * derived from the pre-shared key.
 */
export const STUCK: Record<string, StuckState> = {
  'initiator MM_WAIT_MSG2': {
    cause: 'peer-unreachable',
    confidence: 0.7,
    reason:
      'it sent main mode message 1 (its proposals) and never got message 2: the peer does not answer (down, wrong address, UDP 500 blocked, or ISAKMP not enabled on its interface), or it has no matching policy',
    alternatives: ['ike-port-blocked', 'ike-proposal-mismatch', 'peer-address-mismatch'],
    check: SILENT_CHECK,
  },
  'responder MM_WAIT_MSG3': {
    cause: 'ike-port-blocked',
    confidence: 0.55,
    reason:
      'it answered with main mode message 2 (the chosen proposal) and message 3 never came: its answer does not reach the initiator (no route back, a firewall on the return path) or the initiator rejected it',
    alternatives: ['peer-unreachable', 'ike-proposal-mismatch'],
    check: 'Capture on the initiator: does message 2 arrive there? If not, the return path drops UDP 500.',
  },
  'initiator MM_WAIT_MSG4': {
    cause: 'psk-mismatch',
    confidence: 0.6,
    reason:
      'it sent main mode message 3 (key exchange) and message 4 never came: the responder has no tunnel-group / pre-shared key for this peer address (it needs one to compute the keys), or the key exchange failed',
    alternatives: ['peer-address-mismatch', 'dh-group-mismatch'],
    check:
      "On the responder: a tunnel-group named after this gateway's address (ASA) or a secret for it (strongSwan 'no shared key found'); a tunnel-group under another address means the peer address is wrong.",
  },
  'responder MM_WAIT_MSG5': {
    cause: 'psk-mismatch',
    confidence: 0.75,
    reason:
      'it sent main mode message 4 and message 5 (the initiator’s encrypted identity and hash) never completed: with different pre-shared keys the responder cannot decrypt it; with NAT between them message 5 goes to UDP 4500, which may be blocked',
    alternatives: ['natt-port-blocked'],
    check: PSK_CHECK,
  },
  'initiator MM_WAIT_MSG6': {
    cause: 'psk-mismatch',
    confidence: 0.8,
    reason:
      'it sent main mode message 5 (identity and hash, encrypted with the key derived from its pre-shared key) and message 6 never came: the responder could not decrypt or verify it, so the pre-shared keys differ (or NAT-T on UDP 4500 is blocked)',
    alternatives: ['natt-port-blocked', 'id-mismatch'],
    check: PSK_CHECK,
  },
  'initiator AM_WAIT_MSG2': {
    cause: 'peer-unreachable',
    confidence: 0.6,
    reason:
      'it sent aggressive mode message 1 and never got message 2: the peer does not answer, or refuses aggressive mode',
    alternatives: ['aggressive-mode-mismatch', 'ike-port-blocked'],
    check: SILENT_CHECK,
  },
  'responder AM_WAIT_MSG3': {
    cause: 'psk-mismatch',
    confidence: 0.65,
    reason:
      'it answered aggressive mode message 1 and message 3 (the initiator’s hash) never came: the initiator could not verify the responder’s hash, so the pre-shared keys differ',
    alternatives: ['aggressive-mode-mismatch'],
    check: PSK_CHECK,
  },
};

/**
 * The main mode states Cisco IOS routers (and some ASA releases) show instead of MM_WAIT_MSGn,
 * the same for either role: MM_SA_SETUP has agreed on a proposal (MM1-2) without the key exchange
 * (MM3-4) done, MM_KEY_EXCH has done the Diffie-Hellman exchange and computed the keys but not
 * authenticated (MM5-6). Stuck there, they mean what MM_WAIT_MSG4 and MM_WAIT_MSG5/6 mean.
 */
const ROUTER_STATES: Record<string, StuckState> = {
  MM_SA_SETUP: {
    cause: 'psk-mismatch',
    confidence: 0.5,
    reason:
      'the peers agreed on a proposal, and the key exchange (main mode messages 3 and 4) never completed: the other end has no pre-shared key for this address (it needs one to compute the keys), or its answers do not come back',
    alternatives: ['peer-address-mismatch', 'ike-port-blocked'],
    check:
      "On the other end: a pre-shared key (ASA tunnel-group, IOS crypto isakmp key) for this gateway's address; then a capture of UDP 500 on both ends for messages 3 and 4.",
  },
  MM_KEY_EXCH: {
    cause: 'psk-mismatch',
    confidence: 0.75,
    reason:
      'the Diffie-Hellman exchange is done and the keys are computed, and authentication (main mode messages 5 and 6, encrypted with keys derived from the pre-shared key) never completed: the pre-shared keys differ (or NAT-T on UDP 4500 is blocked)',
    alternatives: ['natt-port-blocked', 'id-mismatch'],
    check: PSK_CHECK,
  },
};

function latest(series: SaSnapshot[]): SaSnapshot | undefined {
  return series[series.length - 1];
}

function snapshots(ctx: RuleContext): { side: 'left' | 'right' | 'unknown'; snap: SaSnapshot }[] {
  const out = [];
  for (const side of ['left', 'right', 'unknown'] as const) {
    const snap = latest(ctx.snapshots[side]);
    if (snap) out.push({ side, snap });
  }
  return out;
}

const where = (side: string) => (side === 'unknown' ? 'this' : `the ${side}`);

export const listingRule: Rule = (ctx) => {
  const out: Finding[] = [];
  for (const { side, snap } of snapshots(ctx)) {
    for (const ike of snap.ikeSas) {
      const state = ike.deviceState ?? '';
      const stuck = (ike.role && STUCK[`${ike.role} ${state}`]) || ROUTER_STATES[state];
      const ev = [ike.header, ike.stateLine].filter((e): e is Evidence => !!e);
      if (stuck) {
        out.push(
          finding(
            stuck.cause,
            'both',
            stuck.confidence,
            `${capital(where(side))} gateway's IKEv1 SA with ${ike.peer ?? ike.name} is ${ike.role ? `the ${ike.role} ` : ''}in ${state}: ${stuck.reason}.`,
            dedupe(ev),
            { alternatives: stuck.alternatives, decidingCheck: stuck.check },
          ),
        );
        continue;
      }
      // Still negotiating: an IKEv2 SA that stays IN-NEG waits for answers (a refused proposal or
      // authentication ends it at once with a notify); MM_NO_STATE has not even agreed on a proposal.
      if (state === 'MM_NO_STATE' || (ike.version === 2 && /^IN-NEG$/.test(state))) {
        const noState = state === 'MM_NO_STATE';
        out.push(
          finding(
            noState ? 'ike-proposal-mismatch' : 'peer-unreachable',
            'both',
            0.4,
            `${capital(where(side))} gateway's IKE SA with ${ike.peer ?? ike.name} is still negotiating (${state}): ${noState ? 'no proposal was agreed yet, or the peer stopped answering' : 'it waits for the peer’s answers'}.`,
            dedupe(ev),
            {
              alternatives: noState ? ['peer-unreachable', 'psk-mismatch'] : ['ike-proposal-mismatch', 'psk-mismatch'],
              decidingCheck: `The IKE debug or syslog of ${where(side)} gateway for this peer: a proposal mismatch, an authentication failure, or retransmissions say which.`,
            },
          ),
        );
      }
    }
    const up = snap.ikeSas.filter((i) => i.state === 'ESTABLISHED');
    const children = snap.ikeSas.flatMap((i) => i.children).filter((c) => c.state === 'INSTALLED');
    // IKE is up and the listing lists IPsec SAs, but there is none: phase 2 does not come up.
    if (up.length && !children.length && snap.childrenListed) {
      out.push(
        finding(
          'esp-proposal-mismatch',
          'both',
          0.45,
          `${capital(where(side))} gateway's IKE SA with ${up[0].peer ?? up[0].name} is up, but the listing shows no IPsec (CHILD) SA: phase 2 does not come up, most often because the ESP proposals (transform sets) differ.`,
          dedupe([up[0].stateLine ?? up[0].header, snap.childrenListed]),
          {
            alternatives: ['ts-mismatch', 'pfs-mismatch'],
            decidingCheck:
              "The responder's log for the phase 2 exchange: NO_PROPOSAL_CHOSEN means the ESP proposals, INVALID_ID_INFORMATION / TS_UNACCEPTABLE the traffic selectors (crypto ACL / proxy IDs).",
          },
        ),
      );
    }
  }
  return out;
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dedupe(ev: (Evidence | undefined)[]): Evidence[] {
  const seen = new Set<string>();
  return ev.filter((e): e is Evidence => {
    if (!e || seen.has(`${e.source}:${e.line}`)) return false;
    seen.add(`${e.source}:${e.line}`);
    return true;
  });
}

/** The IKE SAs of a listing that are up, and their installed CHILD_SAs, for the healthy verdict. */
export function listedUp(snap: SaSnapshot | undefined): { ike: IkeSaSnapshot[]; evidence: Evidence[] } {
  const ike = (snap?.ikeSas ?? []).filter((i) => i.state === 'ESTABLISHED');
  const ev: Evidence[] = [];
  for (const i of ike) {
    if (i.stateLine ?? i.header) ev.push((i.stateLine ?? i.header)!);
    const c = i.children.find((x) => x.state === 'INSTALLED');
    if (c?.lines?.header) ev.push(c.lines.header);
  }
  return { ike, evidence: dedupe(ev).slice(0, 4) };
}
