/**
 * Cisco ASA knowledge per cause: what `show crypto ikev1 sa` / `show crypto ikev2 sa` show for an ASA
 * in the initiator's and in the responder's place, the syslog / debug lines, the commands that
 * confirm it, and the fix in ASA 8.4+/9.x syntax (`ikev1`/`ikev2` keywords, not the pre-8.4 ones).
 *
 * Sources (read for this table; wording here is ours):
 * - IKEv1 main-mode states by role (initiator waits in MSG2/4/6, responder in MSG3/5): the ASA field
 *   guide in /work/shared/seeds/000_687c19ea88294c08.txt; https://www.learnitwithcifelli.com/post/debugging-ikev1-on-asa
 *   ("issues from the initiator side include the following states MM_WAIT_MSG2/MSG4/MSG6");
 *   https://www.thinknetsec.com/isakmp-ike-phase-1-status-messages-mm_wait_msg/ ;
 *   http://secureitnetworks.net/index.php/2015/07/30/troubleshooting-isakmp-ike-phase-1-negotiation-on-cisco-asa/
 * - IKEv1 debugs: https://www.cisco.com/c/en/us/support/docs/security/asa-5500-x-series-next-generation-firewalls/113574-tg-asa-ipsec-ike-debugs-main-00.html
 * - IKEv2 debugs and 8.4+ tunnel-group syntax (`ikev2 remote-authentication pre-shared-key`,
 *   `ikev2 local-authentication pre-shared-key`): https://www.cisco.com/c/en/us/support/docs/security/asa-5500-x-series-next-generation-firewalls/115935-asa-ikev2-debugs.html
 * - Syslog texts: Cisco Secure Firewall ASA Series Syslog Messages (https://www.cisco.com/c/en/us/td/docs/security/asa/syslog/b_syslog.html):
 *   713061, 713068 (701001-713109 chapter); 750001-750007 incl. the 750003 error list
 *   (722001-776020 chapter); 752015; published lines 713041, 713119, 713902, 713259, 713904,
 *   713903, 602303, 402116 in the fixtures of test/fixtures/diagnosis/public/asa-*.
 * - MM_WAIT_MSG4 on a responder without a tunnel-group for the initiator's address:
 *   https://www.tunnelsup.com/l2l-tunnel-failed-at-mm_wait_msg4/
 * - "no matching crypto map entry" (713061) on the side that receives the proxy IDs:
 *   https://www.tunnelsup.com/troubleshooting-vpn-between-cisco-asa-and-amazon-aws/
 * - Encaps without decaps: https://www.tunnelsup.com/cisco-vpn-troubleshooting-encaps-but-no-decaps/
 * - IPsec/ISAKMP configuration (crypto map, transform set, ipsec-proposal, isakmp keepalive):
 *   https://www.cisco.com/c/en/us/td/docs/security/asa/asa915/configuration/vpn/asa-915-vpn-config/vpn-ike.html
 */
import type { CauseId } from '../findings.js';
import type { AsaKnowledge } from './types.js';

const DEBUG_V1 = '`debug crypto condition peer <peer>` then `debug crypto ikev1 127`';
const DEBUG_V2 =
  '`debug crypto condition peer <peer>` then `debug crypto ikev2 protocol 127` and `debug crypto ikev2 platform 127`';
const IPSEC_SA =
  '`show crypto ipsec sa peer <peer>` (`#pkts encaps` is what the ASA sent, `#pkts decaps` what it received)';
const SESSION = '`show vpn-sessiondb detail l2l filter ipaddress <peer>`';
const CAPTURE = '`capture CAP interface outside match udp host <peer> any` then `show capture CAP`';
const TG = '`tunnel-group <peer> ipsec-attributes`';
const KEEPALIVE = `${TG}, then \`isakmp keepalive threshold 10 retry 2\` (DPD for IKEv1 and IKEv2; the same on both ends)`;
const NAT_EXEMPT =
  '`nat (inside,outside) source static <local-obj> <local-obj> destination static <remote-obj> <remote-obj> no-proxy-arp route-lookup` (NAT exemption above any other NAT rule for this traffic)';
const PACKET_TRACER =
  '`packet-tracer input inside icmp <local-host> 8 0 <remote-host> detailed` (shows NAT, VPN encrypt and the crypto map it hits)';
const ABORT = (error: string) =>
  `\`%ASA-4-750003: Local:<asa>:500 Remote:<peer>:500 Username:<peer> Negotiation aborted due to ERROR: ${error}\``;

export const ASA: Record<CauseId, AsaKnowledge> = {
  healthy: {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'phase 1 done, with `Role: initiator`' },
      responder: { state: 'MM_ACTIVE', why: 'phase 1 done, with `Role: responder`' },
      logs: [
        '`%ASA-5-713119: Group = <peer>, IP = <peer>, PHASE 1 COMPLETED`',
        '`%ASA-6-602303: IPSEC: An outbound LAN-to-LAN SA (SPI= 0x...) between <asa> and <peer> (user= <peer>) has been created.` (and the inbound one)',
      ],
    },
    v2: {
      initiator: { state: 'READY', why: 'with `Role: INITIATOR` and `Status:UP-ACTIVE` on the session line' },
      responder: { state: 'READY', why: 'with `Role: RESPONDER`' },
      logs: [
        '`%ASA-5-750006: Local:<asa>:500 Remote:<peer>:500 Username:<peer> SA UP. Reason: New Connection Established`',
      ],
    },
    check: [IPSEC_SA + ': both grow with traffic', SESSION],
    fix: [],
  },
  'psk-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG6',
        why: 'it sent its identity and key hash in MM5 and no valid MM6 comes back, so it retransmits MM5',
      },
      responder: {
        state: 'MM_WAIT_MSG5',
        why: 'with a different key it derives different keys and cannot decrypt or verify the MM5 it receives',
      },
      logs: [
        `The responder is the side that says why: ${DEBUG_V1} there shows it failing to process the encrypted MM5; the initiator only shows MM5 being resent`,
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG during IKE_AUTH, then removed after AUTHENTICATION_FAILED' },
      responder: { state: 'none', why: 'it rejects the AUTH payload and deletes the half-open SA' },
      logs: [`${ABORT('Failed to authenticate the IKE SA')} (or \`Auth exchange failed\`)`],
    },
    check: {
      v1: [
        '`more system:running-config | begin tunnel-group <peer>` (shows the key in clear; `show running-config` masks it as `*****`)',
        DEBUG_V1,
      ],
      v2: ['`more system:running-config | begin tunnel-group <peer>` (shows both keys in clear)', DEBUG_V2],
    },
    fix: {
      v1: [`${TG}, then \`ikev1 pre-shared-key <key>\` with the peer's key`],
      v2: [
        `${TG}, then \`ikev2 remote-authentication pre-shared-key <key>\` (the key the peer authenticates with) and \`ikev2 local-authentication pre-shared-key <key>\` (the key this ASA authenticates with); with one shared secret both are the same`,
      ],
    },
  },
  'ike-proposal-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG2',
        why: 'the responder answers MM1 with NO_PROPOSAL_CHOSEN instead of MM2',
      },
      responder: { state: 'none', why: 'no `crypto ikev1 policy` accepts the proposals, so it deletes the SA at once' },
      logs: [
        'initiator: `%ASA-5-713068: Group = <peer>, IP = <peer>, Received non-routine Notify message: No proposal chosen (14)`',
        `responder: ${DEBUG_V1} shows \`All SA proposals found unacceptable\``,
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG in IKE_SA_INIT, then removed when NO_PROPOSAL_CHOSEN comes back' },
      responder: { state: 'none', why: 'no `crypto ikev2 policy` matches the offered transforms' },
      logs: [
        `responder: ${ABORT('Failed to find a matching policy')}; \`debug crypto ikev2 protocol 127\` lists \`Received Policies\` and \`Expected Policies\``,
        'initiator: 750003 with `Received no proposal chosen notify`',
      ],
    },
    check: {
      v1: ['`show running-config crypto ikev1`', DEBUG_V1],
      v2: ['`show running-config crypto ikev2`', DEBUG_V2],
    },
    fix: {
      v1: [
        '`crypto ikev1 policy 10` with `authentication pre-share`, `encryption aes-256`, `hash sha`, `group 14`, `lifetime 86400` set to what the peer proposes',
      ],
      v2: [
        '`crypto ikev2 policy 10` with `encryption aes-256`, `integrity sha256`, `group 14`, `prf sha256`, `lifetime seconds 86400` set to what the peer proposes',
      ],
    },
  },
  'dh-group-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG2',
        why: 'in IKEv1 the group is part of every proposal, so no common group means NO_PROPOSAL_CHOSEN for MM1',
      },
      responder: { state: 'none', why: 'no `crypto ikev1 policy` has the offered `group`' },
      logs: [
        'initiator: `%ASA-5-713068: Group = <peer>, IP = <peer>, Received non-routine Notify message: No proposal chosen (14)`',
        `responder: ${DEBUG_V1} shows \`All SA proposals found unacceptable\``,
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG in IKE_SA_INIT, then removed' },
      responder: { state: 'none', why: 'no `crypto ikev2 policy` lists a group the peer offers' },
      logs: [
        `responder: ${ABORT('Failed to find a matching policy')}`,
        "initiator: 750003 with `Received invalid KE notify, yet we've tried all configured DH groups` or `Received no proposal chosen notify`",
      ],
    },
    check: { v1: ['`show running-config crypto ikev1`'], v2: ['`show running-config crypto ikev2`'] },
    fix: {
      v1: ['`crypto ikev1 policy <n>`, then `group 14` (a group the peer also offers)'],
      v2: ['`crypto ikev2 policy <n>`, then `group 14 19` (at least one group the peer also offers)'],
    },
  },
  'dh-group-retry': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'IKEv1 has no retry with another group: each proposal carries its group' },
      responder: { state: 'MM_ACTIVE', why: 'it picked the first proposal with a common group' },
      logs: ['nothing: this retry exists only in IKEv2'],
    },
    v2: {
      initiator: { state: 'READY', why: 'after a second IKE_SA_INIT with the group the responder asked for' },
      responder: { state: 'READY', why: 'it answered the first KE with INVALID_KE_PAYLOAD naming its group' },
      logs: [
        `${ABORT("The peer's KE payload contained the wrong DH group")} once, followed by \`SA UP\` (750006): Cisco's syslog guide describes exactly this as a transient error that was renegotiated`,
      ],
    },
    check: { v1: ['`show running-config crypto ikev1`'], v2: ['`show running-config crypto ikev2`'] },
    fix: {
      v1: ['Nothing needed.'],
      v2: [
        'Optional: put the group both ends prefer first, e.g. `crypto ikev2 policy 10` with `group 19 14`: the ASA sends its KE for the first group it lists',
      ],
    },
  },
  'aggressive-mode-mismatch': {
    v1: {
      initiator: {
        state: 'none',
        why: 'an ASA set to aggressive mode shows an `AM_`/`AG_` state that never reaches `AM_ACTIVE`; one in main mode never meets this fault',
      },
      responder: {
        state: 'none',
        why: 'with `crypto ikev1 am-disable` it drops aggressive-mode requests without creating an SA',
      },
      logs: [`${DEBUG_V1} on the responder shows the aggressive-mode packet being refused`],
    },
    v2: {
      initiator: { state: 'none', why: 'does not apply: IKEv2 has no main or aggressive mode' },
      responder: { state: 'none', why: 'does not apply to IKEv2' },
      logs: ['none: IKEv2 has no aggressive mode'],
    },
    check: {
      v1: [
        '`show running-config crypto map | include phase1-mode`',
        '`show running-config crypto ikev1 | include am-disable`',
      ],
      v2: ['nothing: this fault needs IKEv1'],
    },
    fix: {
      v1: [
        'Prefer main mode on both ends: `no crypto map <map> <seq> set phase1-mode aggressive`',
        'If aggressive mode must be accepted: `no crypto ikev1 am-disable`',
      ],
      v2: ['Nothing: IKEv2 has no aggressive mode.'],
    },
  },
  'no-initiator': {
    v1: {
      initiator: { state: 'none', why: '`There are no IKEv1 SAs`: no interesting traffic matched the crypto ACL' },
      responder: { state: 'none', why: 'nothing arrives from the peer either' },
      logs: ['no `%ASA-5-713041: IP = <peer>, IKE Initiator: New Phase 1, ...` line: the ASA never started'],
    },
    v2: {
      initiator: { state: 'none', why: '`There are no IKEv2 SAs`: no interesting traffic matched the crypto ACL' },
      responder: { state: 'none', why: 'nothing arrives from the peer either' },
      logs: [
        'no `%ASA-5-750001: ... Received request to establish an IPsec tunnel; local traffic selector = ...` line',
      ],
    },
    check: [PACKET_TRACER + ' (also starts the tunnel)', '`show running-config crypto map | include connection-type`'],
    fix: [
      'Send traffic from the LAN that matches the crypto ACL; a crypto map brings the tunnel up only on interesting traffic',
      'Keep `crypto map <map> <seq> set connection-type bidirectional` (the default) on at least one end; `answer-only` never initiates',
    ],
  },
  'esp-proposal-mismatch': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'phase 1 is up; quick mode fails and no IPsec SA appears' },
      responder: { state: 'MM_ACTIVE', why: 'phase 1 is up; it rejects the quick-mode proposals' },
      logs: [
        'responder: `debug crypto ipsec 127` / `debug crypto ikev1 127` show `All IPSec SA proposals found unacceptable!` then `%ASA-3-713902: Group = <peer>, IP = <peer>, QM FSM error (P2 struct &0x..., mess id 0x...)!`',
        'initiator: `%ASA-5-713068: ... Received non-routine Notify message: No proposal chosen (14)`',
      ],
    },
    v2: {
      initiator: {
        state: 'none',
        why: 'the first child SA is negotiated inside IKE_AUTH; when it fails no SA stays up',
      },
      responder: { state: 'none', why: 'it answers IKE_AUTH with NO_PROPOSAL_CHOSEN for the child SA' },
      logs: [`responder: ${ABORT('There was no proposal found in configured policy')}`],
    },
    check: {
      v1: ['`show running-config crypto ipsec`', '`show running-config crypto map`', IPSEC_SA + ': no SA for the peer'],
      v2: ['`show running-config crypto ipsec`', '`show running-config crypto map`', DEBUG_V2],
    },
    fix: {
      v1: [
        '`crypto ipsec ikev1 transform-set <ts> esp-aes-256 esp-sha-hmac` (what the peer proposes), then `crypto map <map> <seq> set ikev1 transform-set <ts>`',
      ],
      v2: [
        '`crypto ipsec ikev2 ipsec-proposal <prop>` with `protocol esp encryption aes-256` and `protocol esp integrity sha-256` (what the peer proposes), then `crypto map <map> <seq> set ikev2 ipsec-proposal <prop>`',
      ],
    },
  },
  'pfs-mismatch': {
    v1: {
      initiator: {
        state: 'MM_ACTIVE',
        why: 'phase 1 is up; quick mode fails at once because only one end sends a KE payload',
      },
      responder: { state: 'MM_ACTIVE', why: 'phase 1 is up; it rejects the quick-mode offer over the PFS group' },
      logs: [
        'responder: `All IPSec SA proposals found unacceptable!` in `debug crypto ipsec 127`, then `%ASA-3-713902: ... QM FSM error (...)!`',
      ],
    },
    v2: {
      initiator: {
        state: 'READY',
        why: 'the first child SA is built in IKE_AUTH without a key exchange, so PFS is not used until the first rekey',
      },
      responder: { state: 'READY', why: 'same; the rekey (CREATE_CHILD_SA) is what fails, at the IPsec SA lifetime' },
      logs: [`at the rekey: ${ABORT('Create child exchange failed')}, and the tunnel drops when the IPsec SA expires`],
    },
    check: ['`show running-config crypto map | include pfs`', IPSEC_SA],
    fix: [
      'The same on both ends: `crypto map <map> <seq> set pfs group14` on both, or `no crypto map <map> <seq> set pfs` on both',
    ],
  },
  'ts-mismatch': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'phase 1 is up; its quick-mode proxy IDs are refused' },
      responder: { state: 'MM_ACTIVE', why: 'phase 1 is up; no crypto map entry mirrors the received proxy IDs' },
      logs: [
        'responder: `%ASA-3-713061: Group = <peer>, IP = <peer>, Rejecting IPSec tunnel: no matching crypto map entry for remote proxy <net>/<mask>/0/0 local proxy <net>/<mask>/0/0 on interface outside`, then `%ASA-3-713902: ... QM FSM error` and `%ASA-5-713259: ... Session is being torn down. Reason: crypto map policy not found`',
        'initiator: `%ASA-5-713068: ... Received non-routine Notify message: Invalid ID info (18)`',
        "a crypto ACL that is only partly mirrored shows as `#recv errors` and `%ASA-4-402116: ... The decapsulated inner packet doesn't match the negotiated policy in the SA.`",
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IKE_AUTH carries the traffic selectors; when they are refused no SA stays up' },
      responder: { state: 'none', why: 'no crypto map entry mirrors the received traffic selectors' },
      logs: [`responder: ${ABORT('There was no IPSEC policy found for received TS')}`],
    },
    check: [
      '`show running-config crypto map | include <map> <seq> match address`',
      '`show running-config access-list <acl>`',
      PACKET_TRACER,
    ],
    fix: [
      "Make the crypto ACL the exact mirror of the peer's: `access-list <acl> extended permit ip <local-net> <local-mask> <remote-net> <remote-mask>`, bound with `crypto map <map> <seq> match address <acl>`",
    ],
  },
  'id-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG6',
        why: 'its MM5 carries an identity the responder does not expect, so MM6 never comes',
      },
      responder: { state: 'MM_WAIT_MSG5', why: 'the identity in MM5 matches no tunnel-group or peer it expects' },
      logs: ['initiator: `%ASA-5-713068: ... Received non-routine Notify message: Invalid ID info (18)`'],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG during IKE_AUTH, then removed when the peer refuses its IDi' },
      responder: { state: 'none', why: 'the received IDi selects no tunnel-group it will accept' },
      logs: [`${ABORT('Auth exchange failed')} on the side that refused the identity`],
    },
    check: ['`show running-config crypto isakmp` (`crypto isakmp identity`)', '`show running-config tunnel-group`'],
    fix: [
      "`crypto isakmp identity address` so the ASA sends its outside address as ID (what most peers expect for a pre-shared key), or set the peer to expect the ASA's hostname (`crypto isakmp identity hostname`)",
      `For a peer that sends a name: ${TG}, then \`peer-id-validate nocheck\` (pre-shared key peers), and a tunnel-group named as the peer's ID`,
    ],
  },
  'ike-version-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG2',
        why: 'it speaks IKEv1 main mode and an IKEv2-only peer never answers with MM2',
      },
      responder: {
        state: 'none',
        why: 'an ASA with only `crypto ikev2 enable outside` ignores IKEv1 on that interface',
      },
      logs: [
        '`%ASA-3-752015: Tunnel Manager has failed to establish an L2L SA. All configured IKE versions failed to establish the tunnel. Map Tag = <map>. Map Sequence Number = <seq>.`',
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG in IKE_SA_INIT; an IKEv1-only peer has nothing for it' },
      responder: {
        state: 'none',
        why: 'an ASA with only `crypto ikev1 enable outside` ignores IKEv2 on that interface',
      },
      logs: [
        '`%ASA-3-752015: Tunnel Manager has failed to establish an L2L SA. All configured IKE versions failed to establish the tunnel. Map Tag = <map>. Map Sequence Number = <seq>.` (a crypto map with both an IKEv2 proposal and an IKEv1 transform set tries IKEv2 first, then IKEv1)',
      ],
    },
    check: [
      '`show running-config crypto ikev1 | include enable`',
      '`show running-config crypto ikev2 | include enable`',
      '`show running-config crypto map | include ikev`',
      '`show running-config group-policy <gp> attributes` (`vpn-tunnel-protocol`)',
    ],
    fix: [
      'Use the version the peer speaks: `crypto ikev2 enable outside` and `crypto map <map> <seq> set ikev2 ipsec-proposal <prop>` for IKEv2, or `crypto ikev1 enable outside` and `crypto map <map> <seq> set ikev1 transform-set <ts>` for IKEv1',
      'and allow it in the group-policy: `vpn-tunnel-protocol ikev1` or `vpn-tunnel-protocol ikev2`',
    ],
  },
  'peer-address-mismatch': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG4',
        why: 'an ASA-like peer without a tunnel-group for this address has no key for MM3 and stops answering (a strongSwan peer refuses MM1 already, leaving this initiator in MM_WAIT_MSG2)',
      },
      responder: {
        state: 'MM_WAIT_MSG3',
        why: 'no tunnel-group carries this address (DefaultL2LGroup has no key for it), so it cannot go on to MM4',
      },
      logs: [
        'initiator: resends MM3 (`IKE_DECODE RESENDING Message (msgid=0) with payloads : HDR + KE (4) + NONCE (10)`), then `%ASA-5-713904: IP = <peer>, Received an un-encrypted INVALID_COOKIE notify message, dropping` and `%ASA-4-713903: IP = <peer>, Information Exchange processing failed`',
      ],
    },
    v2: {
      initiator: { state: 'none', why: 'IN-NEG in IKE_SA_INIT or IKE_AUTH, then removed' },
      responder: { state: 'none', why: 'no tunnel-group or crypto map peer carries this address' },
      logs: [`responder: ${ABORT('No pskey found')} or no answer at all`],
    },
    check: ['`show running-config crypto map | include set peer`', '`show running-config tunnel-group`', CAPTURE],
    fix: [
      "`crypto map <map> <seq> set peer <address>` and `tunnel-group <address> type ipsec-l2l` with the address the peer's packets arrive from (after any NAT)",
    ],
  },
  'peer-unreachable': {
    v1: {
      initiator: { state: 'MM_WAIT_MSG2', why: 'MM1 is sent and retransmitted, nothing comes back' },
      responder: { state: 'none', why: 'nothing arrives (`There are no IKEv1 SAs`)' },
      logs: [
        '`%ASA-5-713041: IP = <peer>, IKE Initiator: New Phase 1, Intf inside, IKE Peer <peer> ...` and nothing after it',
      ],
    },
    v2: {
      initiator: { state: 'IN-NEG', why: 'IKE_SA_INIT is retransmitted with no answer' },
      responder: { state: 'none', why: 'nothing arrives (`There are no IKEv2 SAs`)' },
      logs: [`initiator: ${ABORT('Maximum number of retransmissions reached')}`],
    },
    check: ['`ping outside <peer>`', '`show route <peer>`', CAPTURE],
    fix: [
      "A route to the peer on the outside interface (`route outside 0.0.0.0 0.0.0.0 <next-hop>`), the right `crypto map <map> <seq> set peer <peer>`, and IKE enabled on the peer's interface (`crypto ikev1 enable outside` / `crypto ikev2 enable outside` there)",
    ],
  },
  'ike-port-blocked': {
    v1: {
      initiator: { state: 'MM_WAIT_MSG2', why: 'MM1 on UDP 500 is dropped on the way, nothing comes back' },
      responder: { state: 'none', why: 'UDP 500 never reaches it' },
      logs: ['initiator: `%ASA-5-713041: ... IKE Initiator: New Phase 1 ...` then only retransmissions'],
    },
    v2: {
      initiator: { state: 'IN-NEG', why: 'IKE_SA_INIT on UDP 500 is dropped on the way' },
      responder: { state: 'none', why: 'UDP 500 never reaches it' },
      logs: [`initiator: ${ABORT('Maximum number of retransmissions reached')}`],
    },
    check: [
      CAPTURE + ' on both ends: sent on one, never received on the other',
      '`packet-tracer input outside udp <peer> 500 <asa-outside> 500 detailed`',
    ],
    fix: [
      'Permit UDP 500, UDP 4500 and ESP (IP 50) between the peers on every firewall in the path; the ASA itself accepts IKE on any interface with `crypto ikev1 enable <if>` / `crypto ikev2 enable <if>`',
    ],
  },
  'natt-port-blocked': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG6',
        why: 'after NAT discovery it moves to UDP 4500 for MM5, which is dropped, so it resends MM5',
      },
      responder: { state: 'MM_WAIT_MSG5', why: 'MM5 on UDP 4500 never arrives' },
      logs: ['initiator: MM5 resent on UDP 4500 in `debug crypto ikev1 127`'],
    },
    v2: {
      initiator: { state: 'IN-NEG', why: 'IKE_SA_INIT worked on UDP 500; IKE_AUTH on UDP 4500 is dropped' },
      responder: { state: 'IN-NEG', why: 'it answered IKE_SA_INIT and waits for IKE_AUTH' },
      logs: [`responder: ${ABORT('Failed to receive the AUTH msg before the timer expired')}`],
    },
    check: [CAPTURE + ' (UDP 500 passes, UDP 4500 does not)'],
    fix: {
      v1: [
        'Permit UDP 4500 between the peers on every firewall in the path; keep `crypto isakmp nat-traversal 20` (IKEv1 NAT-T, on by default) on the ASA',
      ],
      v2: [
        'Permit UDP 4500 between the peers on every firewall in the path (IKEv2 moves to it whenever NAT is detected)',
      ],
    },
  },
  'esp-blocked': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'IKE is fine; only ESP is lost' },
      responder: { state: 'MM_ACTIVE', why: 'IKE is fine; only ESP is lost' },
      logs: ['no syslog: `#pkts encaps` grows on the sender, `#pkts decaps` stays 0 on the receiver'],
    },
    v2: {
      initiator: { state: 'READY', why: 'IKE is fine; only ESP is lost' },
      responder: { state: 'READY', why: 'IKE is fine; only ESP is lost' },
      logs: ['no syslog: `#pkts encaps` grows on the sender, `#pkts decaps` stays 0 on the receiver'],
    },
    check: [
      IPSEC_SA + ' on both ends',
      '`capture ESP interface outside match esp host <peer> any` then `show capture ESP`',
    ],
    fix: [
      'Permit ESP (IP protocol 50), or UDP 4500 when NAT-T is in use, between the peers on every firewall in the path',
    ],
  },
  'dpd-peer-dead': {
    v1: {
      initiator: {
        state: 'MM_WAIT_MSG2',
        why: 'after DPD removed the dead SA, the next attempt to reach the silent peer gets no MM2',
      },
      responder: { state: 'none', why: 'the SA is gone after the keepalive (DPD) timeouts' },
      logs: [
        '`%ASA-4-113019: Group = <peer>, Username = <peer>, IP = <peer>, Session disconnected. Session Type: LAN-to-LAN, Duration: ..., Reason: ...` when DPD gives up',
      ],
    },
    v2: {
      initiator: { state: 'IN-NEG', why: 'after DPD removed the dead SA, the new IKE_SA_INIT gets no answer' },
      responder: { state: 'none', why: 'the SA is gone after the DPD timeouts' },
      logs: [
        '`%ASA-5-750007: Local:<asa>:500 Remote:<peer>:500 Username:<peer> SA DOWN. Reason: ...` when DPD gives up',
      ],
    },
    check: ['`show running-config tunnel-group <peer> ipsec-attributes` (`isakmp keepalive`)', SESSION],
    fix: [`Nothing on the ASA if the peer is really down; keep DPD on both ends: ${KEEPALIVE}`],
  },
  'dpd-mismatch': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'the SA is up; only one end would notice a dead peer' },
      responder: { state: 'MM_ACTIVE', why: 'the SA is up; only one end would notice a dead peer' },
      logs: ['`show crypto ikev1 sa detail` and the tunnel-group show DPD (keepalive) on one end only'],
    },
    v2: {
      initiator: { state: 'READY', why: 'the SA is up; only one end would notice a dead peer' },
      responder: { state: 'READY', why: 'the SA is up; only one end would notice a dead peer' },
      logs: ['`show crypto ikev2 sa detail` and the tunnel-group show DPD on one end only'],
    },
    check: ['`show running-config tunnel-group <peer> ipsec-attributes` (`isakmp keepalive`)'],
    fix: [`The same on both ends: ${KEEPALIVE}, or \`isakmp keepalive disable\` on both`],
  },
  'stale-sa': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'on the end that kept its SAs: it still lists the SA the peer has lost' },
      responder: { state: 'MM_ACTIVE', why: 'on the end that kept its SAs: it still lists the SA the peer has lost' },
      logs: [
        'the end that kept its SAs: `#pkts encaps` rises and `#pkts decaps` is flat; the restarted end logs ESP with an unknown SPI (`%ASA-4-402114: IPSEC: Received an ESP packet (SPI= 0x...) ... with an invalid SPI.`)',
      ],
    },
    v2: {
      initiator: { state: 'READY', why: 'on the end that kept its SAs: it still lists the SA the peer has lost' },
      responder: { state: 'READY', why: 'on the end that kept its SAs: it still lists the SA the peer has lost' },
      logs: [
        'the end that kept its SAs: `#pkts encaps` rises and `#pkts decaps` is flat; the restarted end logs ESP with an unknown SPI (`%ASA-4-402114: ... invalid SPI`)',
      ],
    },
    check: [IPSEC_SA, SESSION],
    fix: [
      'Now: `clear crypto ipsec sa peer <peer>` or `vpn-sessiondb logoff ipaddress <peer> noconfirm` on the end that kept the SAs',
      `To detect it by itself: ${KEEPALIVE}`,
    ],
  },
  'peer-closed': {
    v1: {
      initiator: { state: 'none', why: 'the peer deleted the SA and nothing brought it back' },
      responder: { state: 'none', why: 'the peer deleted the SA and nothing brought it back' },
      logs: ['`%ASA-4-113019: Group = <peer>, ... Session disconnected. Session Type: LAN-to-LAN, ... Reason: ...`'],
    },
    v2: {
      initiator: { state: 'none', why: 'the peer deleted the SA and nothing brought it back' },
      responder: { state: 'none', why: 'the peer deleted the SA and nothing brought it back' },
      logs: [
        '`%ASA-5-750007: Local:<asa>:500 Remote:<peer>:500 Username:<peer> SA DOWN. Reason: ...` (deleted by the peer)',
      ],
    },
    check: [SESSION + ' (the peer is gone from the list)', PACKET_TRACER],
    fix: [
      'Find why the peer closed it; the ASA brings the tunnel back on the next interesting traffic (`crypto map <map> <seq> set connection-type bidirectional`, the default)',
    ],
  },
  'rekey-failure': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'phase 1 is up; the quick-mode rekey of the IPsec SA fails' },
      responder: { state: 'MM_ACTIVE', why: 'phase 1 is up; it rejects the quick-mode rekey' },
      logs: ['at the IPsec SA lifetime: `%ASA-3-713902: ... QM FSM error (...)!` and the tunnel drops'],
    },
    v2: {
      initiator: { state: 'READY', why: 'the IKE SA is up; CREATE_CHILD_SA for the rekey fails' },
      responder: { state: 'READY', why: 'the IKE SA is up; it rejects the CREATE_CHILD_SA' },
      logs: [`at the IPsec SA lifetime: ${ABORT('Create child exchange failed')}`],
    },
    check: [
      '`show running-config crypto map` (pfs, lifetime)',
      '`show running-config crypto ipsec`',
      IPSEC_SA + ' (remaining key lifetime)',
    ],
    fix: [
      'Match the peer: `crypto map <map> <seq> set pfs group14` (or none on both) and `crypto map <map> <seq> set security-association lifetime seconds 3600`',
    ],
  },
  'lifetime-mismatch': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'IKEv1 settles on the lower lifetime; nothing fails' },
      responder: { state: 'MM_ACTIVE', why: 'it accepts the lower of the two lifetimes' },
      logs: ['none; `show crypto ipsec sa` shows the remaining key lifetime on each end'],
    },
    v2: {
      initiator: { state: 'READY', why: 'each end rekeys on its own timer in IKEv2; nothing fails' },
      responder: { state: 'READY', why: 'each end rekeys on its own timer in IKEv2; nothing fails' },
      logs: ['none; rekeys come from the end with the shorter lifetime'],
    },
    check: {
      v1: [
        '`show running-config crypto ipsec | include lifetime`',
        '`show running-config crypto map | include lifetime`',
        '`show running-config crypto ikev1` (`lifetime`)',
      ],
      v2: [
        '`show running-config crypto ipsec | include lifetime`',
        '`show running-config crypto map | include lifetime`',
        '`show running-config crypto ikev2` (`lifetime seconds`)',
      ],
    },
    fix: {
      v1: [
        'Phase 2: `crypto ipsec security-association lifetime seconds 3600` or per map `crypto map <map> <seq> set security-association lifetime seconds 3600`; phase 1: `lifetime 86400` in `crypto ikev1 policy <n>` (longer than phase 2)',
      ],
      v2: [
        'Child SA: `crypto map <map> <seq> set security-association lifetime seconds 3600`; IKE SA: `lifetime seconds 86400` in `crypto ikev2 policy <n>`',
      ],
    },
  },
  'no-return-traffic': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'the tunnel is up; replies never enter it' },
      responder: { state: 'MM_ACTIVE', why: 'the tunnel is up; replies never enter it' },
      logs: ['on the end that does not answer: `#pkts decaps` grows, `#pkts encaps` stays 0'],
    },
    v2: {
      initiator: { state: 'READY', why: 'the tunnel is up; replies never enter it' },
      responder: { state: 'READY', why: 'the tunnel is up; replies never enter it' },
      logs: ['on the end that does not answer: `#pkts decaps` grows, `#pkts encaps` stays 0'],
    },
    check: [IPSEC_SA, PACKET_TRACER + ' from the LAN host that should answer'],
    fix: [
      `Behind the ASA: the LAN host's route back to the remote subnet via the ASA, the inside ACL for the replies, and ${NAT_EXEMPT}`,
    ],
  },
  'no-outbound-traffic': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'the tunnel is up; nothing is sent into it' },
      responder: { state: 'MM_ACTIVE', why: 'the tunnel is up; nothing is sent into it' },
      logs: ['`#pkts encaps` stays 0 on both ends'],
    },
    v2: {
      initiator: { state: 'READY', why: 'the tunnel is up; nothing is sent into it' },
      responder: { state: 'READY', why: 'the tunnel is up; nothing is sent into it' },
      logs: ['`#pkts encaps` stays 0 on both ends'],
    },
    check: [IPSEC_SA, PACKET_TRACER],
    fix: [`Traffic that matches the crypto ACL, routed to the outside interface, and ${NAT_EXEMPT}`],
  },
  'nat-t-disabled-behind-nat': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'IKE passes the NAT on UDP 500, but raw ESP does not' },
      responder: { state: 'MM_ACTIVE', why: 'IKE passes the NAT on UDP 500, but raw ESP does not' },
      logs: [
        '`show crypto ipsec sa` lacks `NAT-T-Encaps` in `in use settings`, and `#pkts decaps` stays 0 across the NAT',
      ],
    },
    v2: {
      initiator: {
        state: 'READY',
        why: 'IKEv2 detects NAT itself; if ESP still is not UDP-encapsulated, the peer refuses NAT-T',
      },
      responder: { state: 'READY', why: 'IKEv2 detects NAT itself' },
      logs: ['`show crypto ipsec sa` lacks `NAT-T-Encaps` in `in use settings`'],
    },
    check: { v1: ['`show running-config crypto isakmp | include nat-traversal`', IPSEC_SA], v2: [IPSEC_SA] },
    fix: {
      v1: ['`crypto isakmp nat-traversal 20`, and permit UDP 4500 between the peers'],
      v2: [
        'NAT-T is automatic for IKEv2 on the ASA: permit UDP 4500 between the peers, and check the peer allows NAT-T',
      ],
    },
  },
  'packet-loss': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'it gets there after retransmissions' },
      responder: { state: 'MM_ACTIVE', why: 'it gets there after retransmissions' },
      logs: ['retransmitted IKE messages in `debug crypto ikev1 127`; counters in `show crypto isakmp stats`'],
    },
    v2: {
      initiator: { state: 'READY', why: 'it gets there after retransmissions' },
      responder: { state: 'READY', why: 'it gets there after retransmissions' },
      logs: ['retransmissions in `debug crypto ikev2 protocol 127`; counters in `show crypto ikev2 stats`'],
    },
    check: ['`show interface outside` (input errors, overruns, drops)', '`show asp drop`'],
    fix: ['Nothing in the VPN configuration: fix the lossy path (ISP link, duplex, MTU)'],
  },
  'overlapping-subnets': {
    v1: {
      initiator: {
        state: 'MM_ACTIVE',
        why: 'the tunnel may come up, but traffic for the overlapping range stays local',
      },
      responder: {
        state: 'MM_ACTIVE',
        why: 'the tunnel may come up, but traffic for the overlapping range stays local',
      },
      logs: ['`#pkts encaps` stays 0 for the overlapping range'],
    },
    v2: {
      initiator: { state: 'READY', why: 'the tunnel may come up, but traffic for the overlapping range stays local' },
      responder: { state: 'READY', why: 'the tunnel may come up, but traffic for the overlapping range stays local' },
      logs: ['`#pkts encaps` stays 0 for the overlapping range'],
    },
    check: [PACKET_TRACER],
    fix: [
      'Twice NAT the local LAN to a unique range before IPsec: `nat (inside,outside) source static <real-lan> <mapped-lan> destination static <remote-lan> <remote-lan>`, and use `<mapped-lan>` in the crypto ACL (the peer mirrors it)',
    ],
  },
  'kernel-install-failure': {
    v1: {
      initiator: { state: 'MM_ACTIVE', why: 'does not apply to an ASA: it installs SAs in its own crypto engine' },
      responder: { state: 'MM_ACTIVE', why: 'does not apply to an ASA' },
      logs: ['none: this is a Linux kernel (XFRM) problem on the strongSwan host'],
    },
    v2: {
      initiator: { state: 'READY', why: 'does not apply to an ASA: it installs SAs in its own crypto engine' },
      responder: { state: 'READY', why: 'does not apply to an ASA' },
      logs: ['none: this is a Linux kernel (XFRM) problem on the strongSwan host'],
    },
    check: ['`show crypto ipsec sa peer <peer>` on the ASA end shows whether it built its side'],
    fix: ['Nothing on the ASA; fix the strongSwan host (kernel modules or kernel-libipsec)'],
  },
  'local-socket-error': {
    v1: {
      initiator: { state: 'none', why: 'without a route to the peer nothing leaves the outside interface' },
      responder: { state: 'none', why: 'nothing reaches it' },
      logs: ['no IKE packet in a capture on the outside interface'],
    },
    v2: {
      initiator: { state: 'none', why: 'without a route to the peer nothing leaves the outside interface' },
      responder: { state: 'none', why: 'nothing reaches it' },
      logs: ['no IKE packet in a capture on the outside interface'],
    },
    check: ['`show route <peer>`', CAPTURE],
    fix: ['`route outside <peer> 255.255.255.255 <next-hop>` (or a default route on the outside interface)'],
  },
};
