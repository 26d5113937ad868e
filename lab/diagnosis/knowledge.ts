/**
 * What each cause means for the engineer: its phase, the fix in strongSwan terms, and how the same
 * fault looks on a Cisco ASA or a Palo Alto firewall (the peer is often one of those).
 */
import type { CauseId, Phase } from './findings.js';

export interface CauseKnowledge {
  phase: Phase;
  title: string;
  fix: string[];
  asa?: string;
  paloAlto?: string;
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
    asa: 'An ASA initiator would sit in MM_WAIT_MSG5/MM_WAIT_MSG6 (IKEv1); for IKEv2 `debug crypto ikev2` shows an AUTH verification failure. Compare `tunnel-group <peer> ipsec-attributes` pre-shared-key.',
    paloAlto:
      'System log shows IKE phase-1 authentication failure; re-enter the pre-shared key on the IKE Gateway (Authentication tab) on both ends.',
  },
  'ike-proposal-mismatch': {
    phase: 'ike',
    title: 'no IKE proposal in common',
    fix: [
      'Make the connection `proposals` of both sides share at least one encryption-integrity/prf-DH combination (compare the `received proposals` and `configured proposals` lines of the responder).',
      'Reload with `swanctl --load-conns`.',
    ],
    asa: 'An ASA initiator would stay in MM_WAIT_MSG2 (IKEv1) or log "no proposal chosen"; check `crypto ikev1/ikev2 policy` encryption, hash/integrity, group, prf.',
    paloAlto:
      'IKE Crypto profile mismatch: system log "IKE phase-1 negotiation is failed ... no proposal chosen"; align the IKE Crypto profile.',
  },
  'dh-group-mismatch': {
    phase: 'ike',
    title: 'no DH group in common (ciphers agree)',
    fix: [
      'The proposals agree on encryption, integrity and PRF but share no DH (key exchange) group: add a common group to `proposals` on one side (e.g. both `aes256-sha256-modp2048`, or list `ecp384` and `modp2048` on both).',
      'Reload with `swanctl --load-conns`.',
    ],
    asa: 'An ASA initiator would stay in MM_WAIT_MSG2 (IKEv1: the responder found no acceptable `crypto ikev1 policy`); compare the `group` of the IKE policies on both ends (IKEv2: `crypto ikev2 policy` group).',
    paloAlto:
      'IKE Crypto profile: the DH Group lists share no group ("no proposal chosen" in the system log); add the peer\'s group.',
  },
  'dh-group-retry': {
    phase: 'ike',
    title: 'different first DH group (recovered with INVALID_KE_PAYLOAD)',
    fix: ['Harmless: put the group both sides prefer first in `proposals` to save one round trip.'],
    asa: 'Align `group` in the IKE policy order.',
    paloAlto: 'Align DH group order in the IKE Crypto profile.',
  },
  'aggressive-mode-mismatch': {
    phase: 'ike',
    title: 'IKEv1 aggressive mode refused',
    fix: [
      'Use main mode on both sides (`aggressive = no`): aggressive mode with a PSK sends a hash an eavesdropper can crack offline.',
      'If the peer can only do aggressive mode, the strongSwan responder must allow it explicitly: `charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes` in strongswan.conf, and both sides need `aggressive = yes`.',
    ],
    asa: 'Aggressive mode is refused with `crypto ikev1 am-disable`; as initiator it is chosen by `crypto map <map> <seq> set phase1-mode aggressive`. Both ends must agree on main or aggressive mode.',
    paloAlto:
      'IKE Gateway, Advanced Options, IKEv1 Exchange Mode: set the same mode (main or aggressive; auto only answers) on both ends.',
  },
  'no-initiator': {
    phase: 'ike',
    title: 'neither gateway initiates',
    fix: [
      'Let one side initiate: `start_action = start` (bring the tunnel up at load) or `start_action = trap` (on the first matching packet) in the child of one gateway, then `swanctl --load-conns`; or initiate by hand with `swanctl --initiate --child <name>`.',
      'With both sides on `start_action = none` (or a responder-only peer), nothing is ever sent: no error appears in either log.',
    ],
    asa: 'An ASA brings a crypto map tunnel up only when interesting traffic matches the crypto ACL; with nothing sent from either LAN, `show crypto isakmp sa` stays empty ("There are no IKEv1 SAs"). Send traffic or use `crypto map <map> <seq> set connection-type originate-only/answer-only` consistently.',
    paloAlto:
      'A Palo Alto tunnel initiates on traffic or with Tunnel Monitor enabled; a "passive mode" IKE gateway only answers. Make sure one end is not passive, or enable Tunnel Monitor.',
  },
  'esp-proposal-mismatch': {
    phase: 'child',
    title: 'no ESP proposal in common',
    fix: [
      "Make the children's `esp_proposals` of both sides share a proposal (the responder logs `received proposals` / `configured proposals` for ESP).",
      'Reload with `swanctl --load-conns`; the IKE_SA stays up and the CHILD_SA is retried with `swanctl --initiate --child <name>`.',
    ],
    asa: 'Phase 1 MM_ACTIVE but no IPsec SA; compare `crypto ipsec ikev1 transform-set` / `ikev2 ipsec-proposal` with the peer.',
    paloAlto:
      'IPSec Crypto profile mismatch: "IKE phase-2 negotiation failed ... no proposal chosen"; align the IPSec Crypto profile.',
  },
  'pfs-mismatch': {
    phase: 'child',
    title: 'PFS on one side only',
    fix: [
      'Either add the same DH group to `esp_proposals` of both children (e.g. aes256-sha256-modp2048) or remove it from both.',
      'IKEv2 builds the first CHILD_SA without a key exchange, so a PFS mismatch only breaks the first rekey: test with a short child `rekey_time`.',
    ],
    asa: '`crypto map <map> <seq> set pfs groupN` on one side only; phase 2 fails (IKEv1 quick mode) or the tunnel drops at rekey (IKEv2).',
    paloAlto: 'IPSec Crypto profile "DH Group" must match the peer (no-pfs vs groupN).',
  },
  'ts-mismatch': {
    phase: 'child',
    title: 'traffic selectors (encryption domain) not mirrored',
    fix: [
      "Make each side's child `local_ts` equal the other side's `remote_ts` (exact subnets; IKEv1 uses only the first selector).",
      'Reload with `swanctl --load-conns`.',
    ],
    asa: '"no matching crypto map entry for remote proxy"; the crypto ACL must mirror the peer\'s exactly.',
    paloAlto: "Proxy-ID mismatch: set Proxy IDs on the IPSec Tunnel to mirror the peer's local/remote subnets.",
  },
  'id-mismatch': {
    phase: 'ike',
    title: 'IKE identities do not match',
    fix: [
      "Set each side's `remote.id` to exactly what the peer sends as `local.id` (IP address vs FQDN vs email are different ID types).",
      'The responder logs `looking for peer configs matching A[idA]...B[idB]`: the bracketed IDs are what was received.',
    ],
    asa: '`crypto isakmp identity address|hostname` and the tunnel-group name must match what the peer expects.',
    paloAlto:
      'Local/Peer Identification on the IKE Gateway must match the peer\'s configured IDs ("peer ID mismatch").',
  },
  'ike-version-mismatch': {
    phase: 'ike',
    title: 'IKE versions differ',
    fix: ['Set the same `version` (1 or 2) in both connections; `version = 0` accepts both as responder.'],
    asa: "`crypto ikev1 enable outside` vs `crypto ikev2 enable outside`, and the tunnel-group's ikev1/ikev2 attributes.",
    paloAlto: 'IKE Gateway Version must be the same (IKEv1 only / IKEv2 only / IKEv2 preferred).',
  },
  'peer-address-mismatch': {
    phase: 'ike',
    title: "the responder has no connection for the initiator's address",
    fix: [
      "Set the responder's `remote_addrs` to the initiator's address as it arrives (after any NAT), and the initiator's `remote_addrs` to the responder's public address.",
    ],
    asa: 'No tunnel-group / crypto map peer for that address: MM_WAIT_MSG2 on the initiator.',
    paloAlto: "Peer IP Address on the IKE Gateway must be the address the peer's packets come from.",
  },
  'peer-unreachable': {
    phase: 'path',
    title: 'peer does not answer IKE',
    fix: [
      "Check that the peer's address in `remote_addrs` is right and routed (`ip route get <peer>`), and that the peer's charon runs (`swanctl --stats`).",
      'Capture on both sides: `tcpdump -ni any udp port 500 or udp port 4500`.',
    ],
    asa: 'An ASA initiator would sit in MM_WAIT_MSG2 (IKEv1): no answer at all.',
    paloAlto:
      'IKE gateway stays down with "IKE phase-1 negotiation is failed ... no response"; check routing and that IKE is allowed on the peer.',
  },
  'ike-port-blocked': {
    phase: 'path',
    title: 'UDP 500 blocked between the gateways',
    fix: [
      'Allow UDP 500 and UDP 4500 (and ESP, protocol 50) in both directions on every firewall between the gateways and on the gateways themselves (`nft list ruleset`).',
    ],
    asa: 'An ASA initiator would sit in MM_WAIT_MSG2; `packet-tracer input outside udp <peer> 500 <asa> 500` shows where it is dropped.',
    paloAlto: 'Allow the "ike" application (UDP 500) in a security policy from the peer to the untrust interface.',
  },
  'natt-port-blocked': {
    phase: 'path',
    title: 'UDP 4500 blocked (NAT-T / MOBIKE port)',
    fix: [
      'Allow UDP 4500 in both directions: IKEv2 with MOBIKE (the default) moves to 4500 at IKE_AUTH even without NAT, and NAT-T always does.',
      'As a stopgap, `mobike = no` keeps IKEv2 on 500 when there is no NAT.',
    ],
    asa: 'Phase 1 starts on 500 then stalls (IKEv1 MM_WAIT_MSG5 after the NAT-D switch); allow `udp 4500` / `crypto isakmp nat-traversal`.',
    paloAlto: 'Allow the "ipsec-esp-udp" application (UDP 4500) in a security policy.',
  },
  'esp-blocked': {
    phase: 'datapath',
    title: 'ESP packets lost on the path',
    fix: [
      'Allow ESP (IP protocol 50) or, with UDP encapsulation (`TUNNEL-in-UDP`), UDP 4500 between the gateways.',
      'Set `encap = yes` on both sides if a middlebox drops protocol 50.',
    ],
    asa: '`#pkts encaps` grows on the sender, `#pkts decaps` stays 0 on the receiver.',
    paloAlto: 'Tunnel up but decap counters 0 on the receiving firewall: allow ESP / ipsec-esp-udp.',
  },
  'dpd-peer-dead': {
    phase: 'ike',
    title: 'peer stopped answering (DPD)',
    fix: [
      'Find why the peer went silent (rebooted, charon stopped, path broken); the surviving side acts per `dpd_action` (restart re-initiates).',
      "Keep `dpd_delay` on both sides so each notices the other's loss.",
    ],
    asa: '`show crypto isakmp sa` loses the SA after DPD (keepalive) timeouts.',
    paloAlto: 'Tunnel monitor / DPD marks the tunnel down; check the peer and the path.',
  },
  'dpd-mismatch': {
    phase: 'ike',
    title: 'DPD configured on one side only',
    fix: ['Set `dpd_delay` on both sides, so a side that lost its SAs is detected by the other.'],
    asa: '`isakmp keepalive` in the tunnel-group on both ends.',
    paloAlto: 'Enable Dead Peer Detection on both IKE gateways (or disable on both).',
  },
  'stale-sa': {
    phase: 'ike',
    title: 'one side keeps SAs the peer has lost',
    fix: [
      'The peer restarted (or cleared its SAs) without telling this side: enable DPD here (`dpd_delay = 30s`, `dpd_action = restart`) so the stale SAs are detected and re-negotiated.',
      'Right now: `swanctl --terminate --ike <name>` on the side that still holds the SAs, then initiate again; keep `unique = replace` and send INITIAL_CONTACT so a restarted peer replaces old SAs.',
    ],
    asa: 'The side that kept its SAs shows #pkts encaps rising and #pkts decaps flat in `show crypto ipsec sa`, while the restarted peer logs "invalid SPI" for the ESP it receives; enable `isakmp keepalive` (DPD) in the tunnel-group and `crypto isakmp invalid-spi-recovery`.',
    paloAlto:
      'Enable Dead Peer Detection on the IKE gateway; the restarted peer logs ESP packets with unknown SPI; `clear vpn ipsec-sa` on the stale side brings it back.',
  },
  'peer-closed': {
    phase: 'ike',
    title: 'the peer closed the tunnel and nobody re-established it',
    fix: [
      'The peer sent DELETE for the IKE_SA (it was shut down, restarted or its tunnel was terminated); find out why on the peer first.',
      'To have this side bring the tunnel back by itself: `close_action = start` (or `trap`) and `start_action = start` on the initiator, `dpd_action = restart` for peers that die without a DELETE.',
    ],
    asa: '`show vpn-sessiondb l2l` loses the peer; the syslog shows the peer deleting the SA (IKE DELETE received). The tunnel comes back only on interesting traffic or with an originate-only crypto map.',
    paloAlto:
      'The system log shows "IKE SA deleted by peer"; with Tunnel Monitor (or traffic) the gateway re-initiates.',
  },
  'rekey-failure': {
    phase: 'child',
    title: 'CHILD_SA rekeying fails',
    fix: [
      "Compare the children's `esp_proposals` (DH groups!), `rekey_time`/`life_time` of both sides; the responder of the failed CREATE_CHILD_SA logs the reason.",
    ],
    asa: 'Tunnel drops at the IPsec SA lifetime; compare `crypto ipsec security-association lifetime` and PFS.',
    paloAlto: 'Phase 2 rekey failure: compare IPSec Crypto profile lifetime and DH group.',
  },
  'lifetime-mismatch': {
    phase: 'config',
    title: 'lifetimes differ',
    fix: [
      'Not fatal in strongSwan (each side rekeys on its own timer), but align child `rekey_time`/`life_time` to avoid rekey collisions with other vendors.',
    ],
    asa: 'Phase 2 lifetime should match; phase 1 lifetime longer than phase 2.',
    paloAlto: 'Align lifetimes in the IKE and IPSec Crypto profiles.',
  },
  'no-return-traffic': {
    phase: 'datapath',
    title: 'traffic arrives through the tunnel but nothing goes back',
    fix: [
      "On the side that decrypts but does not encrypt: check the LAN host's route back to the remote subnet (default gateway), forwarding (`net.ipv4.ip_forward`), the host firewall, and that replies are not NATed before IPsec.",
    ],
    asa: '`#pkts decaps` grows but `#pkts encaps` stays 0: return route, NAT exemption or ACL behind the ASA.',
    paloAlto:
      'Decap grows, encap 0: check the return route via the tunnel interface and the security policy for the reply direction.',
  },
  'no-outbound-traffic': {
    phase: 'datapath',
    title: 'no traffic enters the tunnel',
    fix: [
      'Send traffic that matches the traffic selectors from a LAN host (not from the gateway itself unless its address is in `local_ts`).',
      'Check routing into the tunnel and that no NAT rule rewrites the source before IPsec (NAT exemption).',
    ],
    asa: '`#pkts encaps` stays 0: crypto ACL, NAT exemption (identity NAT) or routing.',
    paloAlto: 'Encap 0: route to the remote subnet via the tunnel interface and allow it in a security policy.',
  },
  'nat-t-disabled-behind-nat': {
    phase: 'ike',
    title: 'NAT between the gateways but NAT-T not used',
    fix: [
      'Allow NAT-T (strongSwan always supports it; check the peer) and UDP 4500; `encap = yes` forces UDP encapsulation.',
    ],
    asa: '`crypto isakmp nat-traversal` must be enabled.',
    paloAlto: 'Enable NAT Traversal on the IKE Gateway (Advanced Options).',
  },
  'packet-loss': {
    phase: 'path',
    title: 'packets lost on the path (retransmits that later succeed)',
    fix: [
      'Check the path between the gateways for loss (`mtr`, interface errors); IKE recovers by retransmitting, but large loss also hurts ESP.',
    ],
    asa: '`show crypto isakmp stats` / retransmissions; check interface drops.',
    paloAlto: 'Check interface counters and the path for loss.',
  },
  'overlapping-subnets': {
    phase: 'config',
    title: 'local and remote subnets overlap',
    fix: [
      'Renumber one LAN or NAT it to a unique range before IPsec (the selectors must not overlap, or traffic stays local).',
    ],
    asa: 'Overlapping encryption domains need twice NAT (policy NAT) to a unique subnet.',
    paloAlto: "Use NAT to translate one side's overlapping subnet before it enters the tunnel.",
  },
  'kernel-install-failure': {
    phase: 'child',
    title: 'the kernel rejected the IPsec SA or policy',
    fix: [
      'Check that the ESP algorithms are available in the kernel (`modprobe` the crypto modules) or use kernel-libipsec.',
      'Look for conflicting policies/SAs (`ip xfrm policy`, `ip xfrm state`).',
    ],
    asa: 'n/a on an ASA (hardware crypto): compare with an IPsec SA that fails to install.',
    paloAlto: 'n/a; compare with a tunnel whose SA fails to program (check system logs).',
  },
  'local-socket-error': {
    phase: 'path',
    title: 'charon cannot send (local routing or socket error)',
    fix: ['Check the local route to the peer (`ip route get <peer>`) and the local address in `local_addrs`.'],
    asa: 'Route to the peer missing on the outside interface.',
    paloAlto: "Check the virtual router's route to the peer.",
  },
};
