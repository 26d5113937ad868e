/**
 * What each catalogue fault shows on the lab, as data: per fault, rows of evidence in the order it
 * shows (charon log lines on a side, SA states, pings and counters, the live verdict), each for
 * IKEv1, IKEv2 or both, with its meaning in plain words. Like the `evaltest.dat` files of
 * strongSwan's own `testing/` scenarios, one table serves two readers: the fault tests check every
 * row on a live lab, and the symptoms the app and the CLI show are written from it.
 *
 * Addresses and subnets are the default lab's (gw-left 198.51.100.10, gw-right 203.0.113.10,
 * router 203.0.113.1 on the right, LANs 10.1.0.0/24 and 10.2.0.0/24).
 */
import type { EvidenceRow, IkeScope, LogEvidence } from './types.js';

const GIVE_UP = 'giving up after 3 retransmits';
/** What a gateway logs when IKE itself goes wrong; a datapath fault leaves none of it. */
const IKE_TROUBLE = /retransmit|error|failed/;

export const EVIDENCE: Record<string, EvidenceRow[]> = {
  // ---- phase 1 (IKE) ----
  'psk-mismatch': [
    {
      side: 'right',
      ike: 2,
      pattern: /tried \d+ shared key for .* but MAC mismatched/,
      what: "the responder checks the initiator's AUTH payload with its own key, and it does not verify",
    },
    {
      side: 'left',
      ike: 2,
      pattern: 'received AUTHENTICATION_FAILED notify error',
      what: 'the initiator is only told that authentication failed, and does not retry',
    },
    {
      side: 'right',
      ike: 1,
      pattern: /invalid ID_V1 payload length, decryption failed\?|could not decrypt payloads/,
      what: "main mode message 5 does not decrypt with gw-right's key; a Cisco ASA responder waits in MM_WAIT_MSG5, an ASA initiator in MM_WAIT_MSG6",
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'invalid HASH_V1 payload length, decryption failed?',
      what: "the initiator cannot decrypt gw-right's answer either, and retransmits message 5",
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'ike-proposal-mismatch': [
    {
      side: 'right',
      ike: 'any',
      pattern: 'configured proposals: IKE:AES_CBC_128/HMAC_SHA1_96',
      what: 'the responder lists the proposals it received next to its own: nothing in common',
    },
    { side: 'right', ike: 2, pattern: 'received proposals unacceptable', what: 'the responder refuses them' },
    { side: 'right', ike: 1, pattern: 'no proposal found', what: 'the responder refuses them' },
    {
      side: 'left',
      ike: 2,
      pattern: 'received NO_PROPOSAL_CHOSEN notify error',
      what: 'the initiator is told no proposal was chosen',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'received NO_PROPOSAL_CHOSEN error notify',
      what: 'the initiator is told no proposal was chosen; an ASA initiator stays in MM_WAIT_MSG2 (no matching policy)',
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'dh-group-mismatch': [
    {
      side: 'right',
      ike: 'any',
      pattern: /configured proposals: .*ECP_384/,
      what: 'the responder has the same ciphers but only ECP-384 as DH group: the proposals differ in the group alone',
    },
    { side: 'right', ike: 2, pattern: 'received proposals unacceptable', what: 'the responder refuses them' },
    { side: 'right', ike: 1, pattern: 'no proposal found', what: 'the responder refuses them' },
    {
      side: 'left',
      ike: 2,
      pattern: 'received NO_PROPOSAL_CHOSEN notify error',
      what: 'the initiator is told no proposal was chosen',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'received NO_PROPOSAL_CHOSEN error notify',
      what: 'the initiator is told no proposal was chosen',
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'ike-version-mismatch': [
    {
      side: 'right',
      ike: 'any',
      pattern: 'no IKE config found for 203.0.113.10...198.51.100.10',
      what: 'the responder has no config for this peer in the IKE version the initiator speaks, and answers NO_PROPOSAL_CHOSEN',
    },
    {
      side: 'right',
      ike: 'any',
      pattern: 'received proposals',
      absent: true,
      what: 'it never gets as far as comparing proposals',
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'peer-address-mismatch': [
    {
      side: 'right',
      ike: 'any',
      pattern: 'no IKE config found for 203.0.113.10...198.51.100.10',
      what: 'the responder has no config for the address the peer really comes from (it expects 198.51.100.99) and answers NO_PROPOSAL_CHOSEN',
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'id-mismatch': [
    {
      side: 'right',
      ike: 'any',
      pattern: 'peer configs matching',
      what: 'the responder looks for a config with the identity the initiator presents, its address',
    },
    {
      side: 'right',
      ike: 2,
      pattern: 'no matching peer config found',
      what: 'none expects that identity: gw-right expects vpn.branch.example',
    },
    {
      side: 'right',
      ike: 1,
      pattern: 'no peer config found',
      what: 'none expects that identity: gw-right expects vpn.branch.example',
    },
    {
      side: 'left',
      ike: 2,
      pattern: 'received AUTHENTICATION_FAILED notify error',
      what: 'the initiator is told that authentication failed',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'received AUTHENTICATION_FAILED error notify',
      what: 'the initiator is told that authentication failed',
    },
    { ike: 'any', tunnel: 'no-ike', what: 'phase 1 never completes' },
  ],
  'aggressive-mode-mismatch': [
    {
      side: 'left',
      ike: 1,
      pattern: 'initiating Aggressive Mode IKE_SA',
      what: 'the initiator opens in aggressive mode',
    },
    {
      side: 'right',
      ike: 1,
      pattern: 'Aggressive Mode PSK disabled for security reasons',
      what: 'the responder refuses aggressive mode with a pre-shared key and answers AUTHENTICATION_FAILED',
    },
    { ike: 'any', tunnel: 'not-up', what: 'the tunnel does not come up' },
  ],
  'no-initiator': [
    { ike: 'any', tunnel: 'none', what: 'the old SAs are gone and nothing replaces them' },
    {
      side: 'left',
      ike: 'any',
      pattern: /initiating (Main Mode )?IKE_SA|generating (IKE_SA_INIT|ID_PROT) request/,
      absent: true,
      what: 'nothing starts a negotiation: no IKE packets, no errors',
    },
    {
      side: 'right',
      ike: 'any',
      pattern: /initiating (Main Mode )?IKE_SA|generating (IKE_SA_INIT|ID_PROT) request/,
      absent: true,
      what: 'it waits for the peer, as it is configured to',
    },
  ],
  // ---- path faults that stop phase 1 ----
  'peer-unreachable': [
    {
      side: 'left',
      ike: 2,
      pattern: 'retransmit 2 of request with message ID 0',
      what: 'IKE_SA_INIT goes unanswered and is retransmitted',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'sending retransmit 2 of request message ID 0',
      what: 'main mode message 1 goes unanswered and is retransmitted; an ASA initiator sits in MM_WAIT_MSG2',
    },
    {
      ike: 'any',
      verdict: ['peer-unreachable'],
      what: "a silent peer: from the logs a missing route and a UDP 500 block look the same; the lab's deciding check finds the router's route to gw-right black-holed (offline, both are ranked with that check)",
    },
    { side: 'left', ike: 'any', pattern: GIVE_UP, withinS: 20, what: 'the initiator gives up' },
    { side: 'right', ike: 'any', pattern: 'received packet', absent: true, what: 'the responder hears nothing at all' },
  ],
  'ike-port-blocked': [
    {
      side: 'left',
      ike: 2,
      pattern: 'retransmit 1 of request with message ID 0',
      what: 'IKE_SA_INIT goes unanswered and is retransmitted',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'sending retransmit 1 of request message ID 0',
      what: 'main mode message 1 goes unanswered and is retransmitted; an ASA initiator sits in MM_WAIT_MSG2',
    },
    {
      ike: 'any',
      verdict: ['ike-port-blocked'],
      what: "a silent peer: from the logs a UDP 500 block and a missing route look the same; the lab's deciding check finds gw-right answering ping while no IKE packet reaches it (offline, both are ranked with that check)",
    },
    { side: 'left', ike: 'any', pattern: GIVE_UP, withinS: 20, what: 'the initiator gives up' },
    {
      side: 'right',
      ike: 'any',
      pattern: 'received packet: from 198.51.100.10[500]',
      absent: true,
      what: 'nothing reaches the responder on UDP 500',
    },
  ],
  'natt-port-blocked': [
    { side: 'left', ike: 2, pattern: 'parsed IKE_SA_INIT response 0', what: 'IKE_SA_INIT completes on UDP 500' },
    {
      side: 'left',
      ike: 2,
      pattern: 'retransmit 1 of request with message ID 1',
      what: 'IKE_AUTH (message ID 1) goes unanswered and is retransmitted',
    },
    {
      side: 'left',
      ike: 2,
      pattern: 'sending packet: from 198.51.100.10[4500]',
      what: 'it is sent from UDP 4500, where the firewall drops it',
    },
  ],
  'gateway-route-missing': [
    {
      side: 'left',
      ike: 'any',
      pattern: /error writing to socket: Network is unreachable|unable to send|no route/i,
      what: 'the gateway cannot send at all',
    },
    { side: 'right', ike: 'any', pattern: 'received packet', absent: true, what: 'no IKE packet reaches the peer' },
  ],
  // ---- phase 2 (CHILD) ----
  'esp-proposal-mismatch': [
    {
      side: 'left',
      ike: 2,
      pattern: 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built',
      what: 'IKE_AUTH succeeds but the CHILD_SA in it is refused',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'received NO_PROPOSAL_CHOSEN error notify',
      what: 'quick mode is refused',
    },
    {
      side: 'right',
      ike: 2,
      pattern: 'no acceptable proposal found',
      what: 'the responder finds no ESP proposal in common',
    },
    {
      side: 'right',
      ike: 2,
      pattern: 'failed to establish CHILD_SA, keeping IKE_SA',
      what: 'and keeps the IKE_SA without a CHILD_SA',
    },
    {
      side: 'right',
      ike: 1,
      pattern: 'no matching proposal found, sending NO_PROPOSAL_CHOSEN',
      what: 'the responder finds no ESP proposal in common',
    },
    {
      side: 'left',
      ike: 'any',
      sa: 'ike',
      state: 'ESTABLISHED',
      what: 'phase 1 is up (IKEv1: an ASA shows MM_ACTIVE with no IPsec SA; IKEv2: a Cisco peer may delete the IKE SA when the first CHILD_SA fails)',
    },
    { side: 'left', ike: 2, sa: 'child', state: 'NONE', what: 'phase 2 is not; an ASA has no IPsec SA for the peer' },
    {
      side: 'left',
      ike: 1,
      sa: 'child',
      state: 'INSTALLED',
      not: true,
      what: 'phase 2 is not; an ASA has no IPsec SA for the peer',
    },
  ],
  'pfs-mismatch': [
    {
      side: 'right',
      ike: 1,
      pattern: /no matching proposal found|no acceptable (DIFFIE_HELLMAN_GROUP|KEY_EXCHANGE_METHOD)/,
      what: 'quick mode carries a DH group gw-right does not expect, and fails at once',
    },
    { side: 'left', ike: 1, sa: 'child', state: 'INSTALLED', not: true, what: 'no IPsec SA' },
    {
      ike: 2,
      tunnel: 'up',
      what: 'the first CHILD_SA comes up: IKE_AUTH carries no key exchange, so PFS plays no part yet',
    },
    {
      side: 'left',
      ike: 2,
      pattern: /received NO_PROPOSAL_CHOSEN notify|CHILD_SA rekeying failed|no acceptable proposal/,
      withinS: 30,
      what: 'its first rekey (after 12 s) offers a DH group gw-right does not expect, and fails',
    },
  ],
  'ts-mismatch': [
    {
      side: 'right',
      ike: 2,
      pattern: /traffic selectors .* unacceptable/,
      what: "the initiator's encryption domain is not the one the responder expects, 10.99.0.0/24",
    },
    {
      side: 'right',
      ike: 1,
      pattern: 'no matching CHILD_SA config found',
      what: "the initiator's encryption domain is not the one the responder expects, 10.99.0.0/24",
    },
    {
      side: 'left',
      ike: 2,
      pattern: 'received TS_UNACCEPTABLE notify, no CHILD_SA built',
      what: 'the initiator is told its traffic selectors are unacceptable',
    },
    {
      side: 'left',
      ike: 1,
      pattern: 'received INVALID_ID_INFORMATION error notify',
      what: 'quick mode is refused; an ASA in the initiator\'s place logs "Received non-routine Notify message: Invalid ID info" (713068), an ASA responder "no matching crypto map entry" (713061)',
    },
    { side: 'left', ike: 'any', sa: 'ike', state: 'ESTABLISHED', what: 'phase 1 is up' },
    { side: 'left', ike: 'any', sa: 'child', state: 'INSTALLED', not: true, what: 'phase 2 is not' },
  ],
  'overlapping-subnets': [
    { ike: 'any', tunnel: 'up', what: 'the tunnel comes up' },
    {
      side: 'left',
      ike: 'any',
      ts: 'remote',
      equals: ['10.0.0.0/8'],
      what: 'its remote encryption domain holds the local LAN 10.1.0.0/24: traffic meant for the local LAN can be routed into the tunnel',
    },
  ],
  // ---- tunnel up, no traffic ----
  'no-return-traffic': [
    { side: 'left', ike: 'any', pings: 5, replies: 'none', what: 'pings to host-right get no answer' },
    { side: 'right', ike: 'any', counter: 'in', change: 'per-ping', what: 'it decrypts every ping' },
    {
      side: 'right',
      ike: 'any',
      counter: 'out',
      change: 'flat',
      what: 'and encrypts no reply: host-right has no route back through gw-right',
    },
  ],
  'lan-host-firewall': [
    { side: 'left', ike: 'any', pings: 4, replies: 'none', what: 'pings to host-right get no answer' },
    { side: 'right', ike: 'any', counter: 'in', change: 'per-ping', what: 'it decrypts every ping' },
    {
      side: 'right',
      ike: 'any',
      counter: 'out',
      change: 'flat',
      what: "and encrypts no reply: host-right's own firewall drops the pings",
    },
    { side: 'left', ike: 'any', pattern: IKE_TROUBLE, absent: true, what: 'IKE sees nothing wrong' },
    { side: 'right', ike: 'any', pattern: IKE_TROUBLE, absent: true, what: 'IKE sees nothing wrong' },
  ],
  'esp-blocked': [
    { side: 'left', ike: 'any', pings: 4, replies: 'none', what: 'pings to host-right get no answer' },
    { side: 'left', ike: 'any', counter: 'out', change: 'per-ping', what: 'it encrypts every ping' },
    {
      side: 'right',
      ike: 'any',
      counter: 'in',
      change: 'flat',
      what: 'it receives none of them: ESP is dropped on the way',
    },
    { ike: 'any', tunnel: 'up', what: 'IKE still passes: both SAs stay up' },
    { side: 'left', ike: 'any', pattern: IKE_TROUBLE, absent: true, what: 'IKE sees nothing wrong' },
    { side: 'right', ike: 'any', pattern: IKE_TROUBLE, absent: true, what: 'IKE sees nothing wrong' },
  ],
  'no-outbound-traffic': [
    { ike: 'any', tunnel: 'up', what: 'the tunnel comes up with the narrowed encryption domain' },
    {
      side: 'left',
      ike: 'any',
      ts: 'local',
      equals: ['10.1.0.128/25'],
      what: 'its local encryption domain leaves host-left (10.1.0.10) outside',
    },
    { side: 'left', ike: 'any', pings: 4, replies: 'none', what: 'pings to host-right get no answer' },
    {
      side: 'left',
      ike: 'any',
      counter: 'out',
      change: 'zero',
      what: "it encrypts nothing: host-left's traffic leaves in clear and is dropped; on an ASA, check the crypto ACL and NAT exemption",
    },
  ],
  // ---- conditions ----
  'left-behind-nat': [
    {
      side: 'left',
      ike: 'any',
      pattern: 'local host is behind NAT, sending keep alives',
      withinS: 20,
      what: 'NAT detection finds the NAT: IKE and ESP move to UDP 4500, with keepalives',
    },
    { ike: 'any', tunnel: 'up', withinS: 20, what: 'the tunnel comes up through NAT' },
    {
      side: 'right',
      ike: 'any',
      peerAt: '203.0.113.1',
      what: "it sees gw-left at the router's public address",
    },
    {
      side: 'left',
      ike: 'any',
      pings: 3,
      replies: 'all',
      what: 'traffic passes; combine with natt-port-blocked for the classic NAT-T failure',
    },
    { ike: 'any', verdict: ['healthy'], what: 'NAT is a condition, not a fault' },
  ],
  // ---- established tunnel failures, flapping ----
  'dpd-peer-dead': [
    { side: 'left', ike: 2, pattern: 'sending DPD request', withinS: 10, what: 'it probes the silent peer' },
    {
      side: 'left',
      ike: 2,
      pattern: /retransmit \d of request with message ID \d+/,
      withinS: 10,
      what: 'the DPD request goes unanswered and is retransmitted',
    },
    { ike: 2, verdict: ['dpd-peer-dead'], what: 'named from the first retransmits, before charon gives up' },
    {
      side: 'left',
      ike: 2,
      pattern: GIVE_UP,
      withinS: 20,
      what: 'charon declares the peer dead and runs the DPD action (restart)',
    },
    {
      side: 'left',
      ike: 1,
      pattern: /sending DPD request|R_U_THERE/,
      withinS: 15,
      what: 'it probes the silent peer (R_U_THERE)',
    },
    {
      side: 'left',
      ike: 1,
      pattern: /DPD check timed out|giving up after \d+ retransmits/,
      withinS: 30,
      what: 'no R_U_THERE_ACK comes back: charon declares the peer dead and runs the DPD action (restart)',
    },
  ],
  'peer-restart': [
    { side: 'right', ike: 'any', sa: 'ike', state: 'NONE', withinS: 20, what: 'it comes back with no SAs' },
    {
      side: 'left',
      ike: 'any',
      sa: 'ike',
      state: 'ESTABLISHED',
      what: 'it never heard of the crash and keeps its stale SAs',
    },
    { side: 'left', ike: 'any', pings: 3, replies: 'none', what: 'pings to host-right get no answer' },
    {
      side: 'left',
      ike: 'any',
      counter: 'out',
      change: 'per-ping',
      what: 'it keeps encrypting into the stale CHILD_SA: nothing comes back until a rekey or DPD',
    },
  ],
  'peer-down': [
    {
      side: 'left',
      ike: 'any',
      pattern: 'received DELETE for IKE_SA',
      what: "gw-right's charon is shut down (SIGTERM) and deletes the IKE_SA on its way out",
    },
    {
      side: 'left',
      ike: 'any',
      sa: 'ike',
      state: 'NONE',
      what: 'it deletes its SAs and, with close_action none, does not re-initiate; a box that dies without a DELETE looks different (dpd-peer-dead)',
    },
  ],
  'lifetime-mismatch': [
    { ike: 'any', tunnel: 'up', withinS: 15, what: 'the tunnel stays up' },
    {
      side: 'left',
      ike: 2,
      pattern: 'rekeyed CHILD_SA',
      withinS: 30,
      what: 'it rekeys its CHILD_SA every 15 s, with new SPIs each time',
    },
    {
      side: 'right',
      ike: 1,
      pattern: /received \d+s lifetime, configured \d+s/,
      what: 'it accepts the shorter lifetime quick mode offers: not fatal in strongSwan',
    },
    { ike: 'any', verdict: ['healthy'], what: 'differing lifetimes are no fault by themselves' },
  ],
  'packet-loss': [
    {
      side: 'left',
      ike: 'any',
      pings: 60,
      intervalMs: 20,
      replies: { lossPercent: [20, 85] },
      what: 'about half the round trips are lost at 30 % each way; over minutes IKE retransmits that later succeed, and DPD and rekey retries, follow',
    },
  ],
};

export type EvidenceKind = 'log' | 'sa' | 'tunnel' | 'ts' | 'peer' | 'pings' | 'counter' | 'verdict';

export function evidenceKind(row: EvidenceRow): EvidenceKind {
  if ('pattern' in row) return 'log';
  if ('sa' in row) return 'sa';
  if ('tunnel' in row) return 'tunnel';
  if ('ts' in row) return 'ts';
  if ('peerAt' in row) return 'peer';
  if ('pings' in row) return 'pings';
  if ('counter' in row) return 'counter';
  return 'verdict';
}

/** The rows that hold for one IKE version, in order. */
export function evidenceFor(rows: EvidenceRow[], ike: 1 | 2): EvidenceRow[] {
  return rows.filter((r) => r.ike === 'any' || r.ike === ike);
}

/** Whether a charon log message is the line a log row means. */
export function logMatches(row: LogEvidence, message: string): boolean {
  return typeof row.pattern === 'string' ? message.includes(row.pattern) : row.pattern.test(message);
}

const ASA_COUNTER = { out: '#pkts encaps', in: '#pkts decaps' } as const;
const TUNNEL_TEXT = {
  up: 'IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways',
  'not-up': 'not ESTABLISHED and INSTALLED on both gateways',
  'no-ike': 'no ESTABLISHED IKE_SA on either gateway',
  none: 'no IKE_SA at all on either gateway',
} as const;
const CHANGE_TEXT = { 'per-ping': '+1 per ping', flat: '+0', zero: '0' } as const;

/** One line of symptoms for the app and the CLI: who shows it, what it means, and the evidence itself. */
export function symptomText(row: EvidenceRow): string {
  const scope = (ike: IkeScope) => (ike === 'any' ? '' : ` (IKEv${ike})`);
  const line = (who: string, evidence: string) => `${who}${scope(row.ike)}: ${row.what} (${evidence})`;
  const gw = 'side' in row ? `gw-${row.side}` : '';
  if ('pattern' in row) {
    const text = patternText(row.pattern)
      .map((t) => `\`${t}\``)
      .join(' or ');
    return line(gw, row.absent ? `never ${text}` : text);
  }
  if ('sa' in row) return line(gw, `${row.sa === 'ike' ? 'IKE_SA' : 'CHILD_SA'} ${row.not ? 'not ' : ''}${row.state}`);
  if ('tunnel' in row) return line('both gateways', TUNNEL_TEXT[row.tunnel]);
  if ('ts' in row) return line(gw, `CHILD_SA ${row.ts} traffic selector ${row.equals.join(', ')}`);
  if ('peerAt' in row) return line(gw, `IKE_SA with its peer at ${row.peerAt}`);
  if ('pings' in row) {
    const r = row.replies;
    const replies =
      r === 'all' ? 'every one answered' : r === 'none' ? 'none answered' : `${r.lossPercent.join('-')} % lost`;
    return line(`host-${row.side}`, `${row.pings} pings, ${replies}`);
  }
  if ('counter' in row)
    return line(gw, `CHILD_SA packets ${row.counter} (ASA ${ASA_COUNTER[row.counter]}) ${CHANGE_TEXT[row.change]}`);
  return line('diagnosis', `verdict ${row.verdict.join(' or ')}`);
}

/**
 * A pattern as text a reader recognises in the log: each alternative of a RegExp on its own, `\d+`
 * as N, `.*` as …, optional parts in brackets, a group's alternatives joined by a slash. Anything
 * else a RegExp could say is refused, so a row never shows regex syntax to a user.
 */
export function patternText(pattern: RegExp | string): string[] {
  if (typeof pattern === 'string') return [pattern];
  const fail = (why: string): never => {
    throw new Error(
      `evidence pattern ${pattern}: ${why}; write it with literal text, \\d+, .*, X?, (a|b) and escapes only, so that it reads as text in the symptoms`,
    );
  };
  const alternatives = (src: string): string[] => {
    const out: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '|' && depth === 0) {
        out.push(src.slice(start, i));
        start = i + 1;
      }
    }
    out.push(src.slice(start));
    return out;
  };
  const render = (src: string): string => {
    let out = '';
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      const next = src[i + 1];
      if (c === '\\') {
        if (next === 'd') {
          out += 'N';
          i += src[i + 2] === '+' ? 2 : 1;
        } else if (next !== undefined && '.[]()?*+|/\\-{}^$'.includes(next)) {
          out += next;
          i++;
        } else fail(`"\\${next}" has no plain-text form`);
      } else if (c === '.' && (next === '*' || next === '+')) {
        out += '…';
        i++;
      } else if (c === '(') {
        let depth = 1;
        let j = i + 1;
        for (; j < src.length && depth; j++) {
          if (src[j] === '\\') j++;
          else if (src[j] === '(') depth++;
          else if (src[j] === ')') depth--;
        }
        if (depth) fail('an unclosed group');
        const inner = src.slice(i + 1, j - 1).replace(/^\?:/, '');
        const text = alternatives(inner).map(render).join('/');
        if (src[j] === '?') {
          // "(matching )?" reads "(matching) ": the space stays outside the brackets.
          const trimmed = text.trimEnd();
          out += `(${trimmed})${text.slice(trimmed.length)}`;
          j++;
        } else out += text;
        i = j - 1;
      } else if (/[\w ,:'"/=-]/.test(c) && next === '?') {
        out += `(${c})`;
        i++;
      } else if ('.[]{}()*+?^$|\\'.includes(c)) fail(`"${c}" has no plain-text form here`);
      else out += c;
    }
    return out;
  };
  return alternatives(pattern.source).map(render);
}
