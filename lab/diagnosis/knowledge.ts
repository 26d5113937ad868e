/**
 * What each cause means for the engineer: its phase, the fix in strongSwan terms, and (through
 * vendorViews) how the same fault looks on a Cisco ASA or a Palo Alto firewall in either gateway's
 * place, for the IKE version and roles in play. The vendor tables are lab/diagnosis/vendors/asa.ts
 * and paloalto.ts: one entry per cause there too, so every finding has both views.
 */
import type { Correlator } from './correlate.js';
import type { CauseId, Finding, Phase } from './findings.js';
import type { SaSeries } from './sas-text.js';
import { eventIndex, ikeInPlay } from './vendors/in-play.js';
import { vendorViews } from './vendors/views.js';

export { ikeInPlay } from './vendors/in-play.js';
export type { IkeInPlay } from './vendors/types.js';
export { asaView, panView, vendorViews } from './vendors/views.js';

export interface CauseKnowledge {
  phase: Phase;
  title: string;
  fix: string[];
}

/**
 * Rewrites each finding's ASA and Palo Alto views for the IKE version and roles its own evidence
 * shows (a finding is built before that is known, with the views of both versions).
 */
export function withVendorViews(findings: Finding[], log: Correlator, snapshots?: SaSeries): void {
  if (!findings.length) return;
  const index = eventIndex(log);
  for (const f of findings) f.vendor = vendorViews(f.cause, ikeInPlay(f, log, snapshots, index));
}

export const KNOWLEDGE: Record<CauseId, CauseKnowledge> = {
  healthy: { phase: 'ike', title: 'tunnel established', fix: [] },
  'psk-mismatch': {
    phase: 'ike',
    title: 'pre-shared key differs',
    fix: [
      "Set the same secret in both gateways' swanctl.conf `secrets { ike-... { secret = ... } }` and reload with `swanctl --load-creds`.",
      "Check that the secret's `id-*` owners match the identities both sides use (a secret for the wrong ID is the same as a wrong secret).",
    ],
  },
  'ike-proposal-mismatch': {
    phase: 'ike',
    title: 'no IKE proposal in common',
    fix: [
      'Make the connection `proposals` of both sides share at least one encryption-integrity/prf-DH combination (compare the `received proposals` and `configured proposals` lines of the responder).',
      'Reload with `swanctl --load-conns`.',
    ],
  },
  'dh-group-mismatch': {
    phase: 'ike',
    title: 'no DH group in common (ciphers agree)',
    fix: [
      'The proposals agree on encryption, integrity and PRF but share no DH (key exchange) group: add a common group to `proposals` on one side (e.g. both `aes256-sha256-modp2048`, or list `ecp384` and `modp2048` on both).',
      'Reload with `swanctl --load-conns`.',
    ],
  },
  'dh-group-retry': {
    phase: 'ike',
    title: 'different first DH group (recovered with INVALID_KE_PAYLOAD)',
    fix: ['Harmless: put the group both sides prefer first in `proposals` to save one round trip.'],
  },
  'aggressive-mode-mismatch': {
    phase: 'ike',
    title: 'IKEv1 aggressive mode refused',
    fix: [
      'Use main mode on both sides (`aggressive = no`): aggressive mode with a PSK sends a hash an eavesdropper can crack offline.',
      'If the peer can only do aggressive mode, the strongSwan responder must allow it explicitly: `charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes` in strongswan.conf, and both sides need `aggressive = yes`.',
    ],
  },
  'no-initiator': {
    phase: 'ike',
    title: 'neither gateway initiates',
    fix: [
      'Let one side initiate: `start_action = start` (bring the tunnel up at load) or `start_action = trap` (on the first matching packet) in the child of one gateway, then `swanctl --load-conns`; or initiate by hand with `swanctl --initiate --child <name>`.',
      'With both sides on `start_action = none` (or a responder-only peer), nothing is ever sent: no error appears in either log.',
    ],
  },
  'esp-proposal-mismatch': {
    phase: 'child',
    title: 'no ESP proposal in common',
    fix: [
      "Make the children's `esp_proposals` of both sides share a proposal (the responder logs `received proposals` / `configured proposals` for ESP).",
      'Reload with `swanctl --load-conns`; the IKE_SA stays up and the CHILD_SA is retried with `swanctl --initiate --child <name>`.',
    ],
  },
  'pfs-mismatch': {
    phase: 'child',
    title: 'PFS on one side only',
    fix: [
      'Either add the same DH group to `esp_proposals` of both children (e.g. aes256-sha256-modp2048) or remove it from both.',
      'IKEv2 builds the first CHILD_SA without a key exchange, so a PFS mismatch only breaks the first rekey: test with a short child `rekey_time`.',
    ],
  },
  'ts-mismatch': {
    phase: 'child',
    title: 'traffic selectors (encryption domain) not mirrored',
    fix: [
      "Make each side's child `local_ts` equal the other side's `remote_ts` (exact subnets; IKEv1 uses only the first selector).",
      'Reload with `swanctl --load-conns`.',
    ],
  },
  'id-mismatch': {
    phase: 'ike',
    title: 'IKE identities do not match',
    fix: [
      "Set each side's `remote.id` to exactly what the peer sends as `local.id` (IP address vs FQDN vs email are different ID types).",
      'The responder logs `looking for peer configs matching A[idA]...B[idB]`: the bracketed IDs are what was received.',
    ],
  },
  'ike-version-mismatch': {
    phase: 'ike',
    title: 'IKE versions differ',
    fix: ['Set the same `version` (1 or 2) in both connections; `version = 0` accepts both as responder.'],
  },
  'peer-address-mismatch': {
    phase: 'ike',
    title: "the responder has no connection for the initiator's address",
    fix: [
      "Set the responder's `remote_addrs` to the initiator's address as it arrives (after any NAT), and the initiator's `remote_addrs` to the responder's public address.",
    ],
  },
  'peer-unreachable': {
    phase: 'path',
    title: 'peer does not answer IKE',
    fix: [
      "Check that the peer's address in `remote_addrs` is right and routed (`ip route get <peer>`), and that the peer's charon runs (`swanctl --stats`).",
      'Capture on both sides: `tcpdump -ni any udp port 500 or udp port 4500`.',
    ],
  },
  'ike-port-blocked': {
    phase: 'path',
    title: 'UDP 500 blocked between the gateways',
    fix: [
      'Allow UDP 500 and UDP 4500 (and ESP, protocol 50) in both directions on every firewall between the gateways and on the gateways themselves (`nft list ruleset`).',
    ],
  },
  'natt-port-blocked': {
    phase: 'path',
    title: 'UDP 4500 blocked (NAT-T / MOBIKE port)',
    fix: [
      'Allow UDP 4500 in both directions: IKEv2 with MOBIKE (the default) moves to 4500 at IKE_AUTH even without NAT, and NAT-T always does.',
      'As a stopgap, `mobike = no` keeps IKEv2 on 500 when there is no NAT.',
    ],
  },
  'esp-blocked': {
    phase: 'datapath',
    title: 'ESP packets lost on the path',
    fix: [
      'Allow ESP (IP protocol 50) or, with UDP encapsulation (`TUNNEL-in-UDP`), UDP 4500 between the gateways.',
      'Set `encap = yes` on both sides if a middlebox drops protocol 50.',
    ],
  },
  'dpd-peer-dead': {
    phase: 'ike',
    title: 'peer stopped answering (DPD)',
    fix: [
      'Find why the peer went silent (rebooted, charon stopped, path broken); the surviving side acts per `dpd_action` (restart re-initiates).',
      "Keep `dpd_delay` on both sides so each notices the other's loss.",
    ],
  },
  'dpd-mismatch': {
    phase: 'ike',
    title: 'DPD configured on one side only',
    fix: ['Set `dpd_delay` on both sides, so a side that lost its SAs is detected by the other.'],
  },
  'stale-sa': {
    phase: 'ike',
    title: 'one side keeps SAs the peer has lost',
    fix: [
      'The peer restarted (or cleared its SAs) without telling this side: enable DPD here (`dpd_delay = 30s`, `dpd_action = restart`) so the stale SAs are detected and re-negotiated.',
      'Right now: `swanctl --terminate --ike <name>` on the side that still holds the SAs, then initiate again; keep `unique = replace` and send INITIAL_CONTACT so a restarted peer replaces old SAs.',
    ],
  },
  'peer-closed': {
    phase: 'ike',
    title: 'the peer closed the tunnel and nobody re-established it',
    fix: [
      'The peer sent DELETE for the IKE_SA (it was shut down, restarted or its tunnel was terminated); find out why on the peer first.',
      'To have this side bring the tunnel back by itself: `close_action = start` (or `trap`) and `start_action = start` on the initiator, `dpd_action = restart` for peers that die without a DELETE.',
    ],
  },
  'rekey-failure': {
    phase: 'child',
    title: 'CHILD_SA rekeying fails',
    fix: [
      "Compare the children's `esp_proposals` (DH groups!), `rekey_time`/`life_time` of both sides; the responder of the failed CREATE_CHILD_SA logs the reason.",
    ],
  },
  'lifetime-mismatch': {
    phase: 'config',
    title: 'lifetimes differ',
    fix: [
      'Not fatal in strongSwan (each side rekeys on its own timer), but align child `rekey_time`/`life_time` to avoid rekey collisions with other vendors.',
    ],
  },
  'no-return-traffic': {
    phase: 'datapath',
    title: 'traffic arrives through the tunnel but nothing goes back',
    fix: [
      "On the side that decrypts but does not encrypt: check the LAN host's route back to the remote subnet (default gateway), forwarding (`net.ipv4.ip_forward`), the host firewall, and that replies are not NATed before IPsec.",
    ],
  },
  'no-outbound-traffic': {
    phase: 'datapath',
    title: 'no traffic enters the tunnel',
    fix: [
      'Send traffic that matches the traffic selectors from a LAN host (not from the gateway itself unless its address is in `local_ts`).',
      'Check routing into the tunnel and that no NAT rule rewrites the source before IPsec (NAT exemption).',
    ],
  },
  'nat-t-disabled-behind-nat': {
    phase: 'ike',
    title: 'NAT between the gateways but NAT-T not used',
    fix: [
      'Allow NAT-T (strongSwan always supports it; check the peer) and UDP 4500; `encap = yes` forces UDP encapsulation.',
    ],
  },
  'packet-loss': {
    phase: 'path',
    title: 'packets lost on the path (retransmits that later succeed)',
    fix: [
      'Check the path between the gateways for loss (`mtr`, interface errors); IKE recovers by retransmitting, but large loss also hurts ESP.',
    ],
  },
  'overlapping-subnets': {
    phase: 'config',
    title: 'local and remote subnets overlap',
    fix: [
      'Renumber one LAN or NAT it to a unique range before IPsec (the selectors must not overlap, or traffic stays local).',
    ],
  },
  'kernel-install-failure': {
    phase: 'child',
    title: 'the kernel rejected the IPsec SA or policy',
    fix: [
      'Check that the ESP algorithms are available in the kernel (`modprobe` the crypto modules) or use kernel-libipsec.',
      'Look for conflicting policies/SAs (`ip xfrm policy`, `ip xfrm state`).',
    ],
  },
  'local-socket-error': {
    phase: 'path',
    title: 'charon cannot send (local routing or socket error)',
    fix: ['Check the local route to the peer (`ip route get <peer>`) and the local address in `local_addrs`.'],
  },
};
