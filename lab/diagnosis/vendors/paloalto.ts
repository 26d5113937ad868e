/**
 * Palo Alto Networks (PAN-OS) knowledge per cause: the system log (Monitor > Logs > System, subtype
 * vpn; `show log system subtype equal vpn`) and ikemgr.log (`less mp-log ikemgr.log`) lines per IKE
 * version and role, the operational CLI that confirms it, and where to change it in the web UI.
 *
 * Sources (read for this table; wording here is ours):
 * - IKE Gateway tabs (General: Version, Interface, Peer Address, Authentication = Pre-Shared Key,
 *   Local/Peer Identification; Advanced Options: Passive Mode, NAT Traversal, IKEv1 Exchange Mode and
 *   Dead Peer Detection, IKEv2 Liveness Check, IKE Crypto Profile):
 *   https://docs.paloaltonetworks.com/ngfw/help/10-2/network/network-network-profiles/network-network-profiles-ike-gateways/ike-gateway-advanced-options-tab
 *   https://docs.paloaltonetworks.com/pan-os/8-1/pan-os-admin/vpns/site-to-site-vpn-concepts/ike-gateway.html
 * - Proxy IDs (a route-based PAN without them proposes 0.0.0.0/0): https://origin-docs.paloaltonetworks.com/pan-os/10-0/pan-os-admin/vpns/set-up-site-to-site-vpn/set-up-an-ipsec-tunnel
 * - IKE Crypto profile contents (DH group, authentication, encryption):
 *   https://docs.paloaltonetworks.com/content/techdocs/en_US/pan-os/10-0/pan-os-admin/vpns/site-to-site-vpn-concepts/internet-key-exchange-ike-for-vpn/ike-phase-1.html
 * - IKEv2, NAT-T on both gateways, liveness check: https://docs.paloaltonetworks.com/network-security/ipsec-vpn/administration/ipsec-vpn-basics/internet-key-exchange-ike-for-vpn/ikev2
 *   and https://docs.paloaltonetworks.com/content/techdocs/en_US/pan-os/11-0/pan-os-admin/vpns/set-up-site-to-site-vpn/set-up-tunnel-monitoring.html
 * - System log texts "IKE phase-1 negotiation is failed as initiator, main mode. Failed SA: ...
 *   due to timeout." and "Couldn't find configuration for IKE phase-1 request for peer IP": the
 *   error table in https://www.paloaltofirewalls.com/topics/troubleshooting/ipsec/TestVPNConnectivity-1.html
 * - ikemgr.log "authentication failure" / "authentication result: failure" (key mismatch):
 *   https://docs.paloaltonetworks.com/content/techdocs/en_US/sd-wan/administration/troubleshooting/troubleshoot-pre-shared-key-mismatch.html
 * - DPD: "IKEv2 IKE SA is down determined by DPD." and ikemgr.log "DPD down, rekey vpn tunnel":
 *   https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA14u000000HDbVCAW ; IKEv1 DPD
 *   (Advanced Options interval/retry): https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA14u000000HDbaCAG ;
 *   DPD must be on or off on both ends, DPD runs only at phase 2 rekey, Tunnel Monitor:
 *   https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA10g000000ClFaCAK
 * - `show vpn ike-sa detail gateway`: https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA10g000000ClgcCAC
 * - IKEv2 system log texts seen in published logs: "IKEv2 IKE SA negotiation is failed as responder,
 *   non-rekey ... received ID_I(...) does not match peers id", "IKEv2 child SA negotiation is failed
 *   message lacks KE payload", "IKEv2 child SA negotiation is succeeded as responder non-rekey".
 * - The PANCast seed (/work/shared/seeds/001_06eb47d77676b603.txt): read the responder's logs, DPD
 *   and tunnel monitoring on both ends, NAT-T on both ends, local/peer IDs.
 */
import type { CauseId } from '../findings.js';
import type { PanKnowledge } from './types.js';

const GW = 'Network > Network Profiles > IKE Gateways > <gateway>';
const IKE_SA = '`show vpn ike-sa gateway <gateway>`';
const IKE_SA_DETAIL = '`show vpn ike-sa detail gateway <gateway>`';
const IPSEC_SA = '`show vpn ipsec-sa tunnel <tunnel>`';
const FLOW = '`show vpn flow tunnel-id <id>` (encap / decap packet counters)';
const TEST_IKE = '`test vpn ike-sa gateway <gateway>`';
const TEST_IPSEC = '`test vpn ipsec-sa tunnel <tunnel>`';
const IKEMGR = '`less mp-log ikemgr.log`';
const SECURITY_RULE =
  'Policies > Security: a rule from the peer to the untrust interface allowing the applications `ike` (UDP 500), `ipsec-esp` (ESP) and `ipsec-esp-udp` (UDP 4500)';
const P1_TIMEOUT_I =
  '`IKE phase-1 negotiation is failed as initiator, main mode. Failed SA: <local>[500]-<peer>[500] cookie:<i>:0000000000000000 due to timeout.`';
const NO_ANSWER = `${P1_TIMEOUT_I} (the zero responder cookie: no answer at all)`;

export const PAN: Record<CauseId, PanKnowledge> = {
  healthy: {
    v1: {
      event: 'ike-nego-p1-succ / ike-nego-p2-succ',
      initiator:
        '`IKE phase-1 negotiation is succeeded as initiator, main mode ...`; `IKE phase-2 negotiation is succeeded as initiator, quick mode ...`',
      responder:
        '`IKE phase-1 negotiation is succeeded as responder, main mode ...`; `IKE phase-2 negotiation is succeeded as responder, quick mode ...`',
    },
    v2: {
      initiator:
        '`IKEv2 IKE SA negotiation is succeeded as initiator, non-rekey ...`; `IKEv2 child SA negotiation is succeeded as initiator non-rekey ...`',
      responder:
        '`IKEv2 IKE SA negotiation is succeeded as responder, non-rekey ...`; `IKEv2 child SA negotiation is succeeded as responder non-rekey ...`',
    },
    check: {
      v1: [
        IKE_SA + ' lists the phase-1 SA (Mode `Main`)',
        IPSEC_SA,
        FLOW + ': both grow',
        '`show vpn flow`: state `active`, monitor `up`',
      ],
      v2: [
        IKE_SA + ': the IKEv2 SA `Established`, its child SA `Mature`',
        IPSEC_SA,
        FLOW + ': both grow',
        '`show vpn flow`: state `active`, monitor `up`',
      ],
    },
    fix: [],
  },
  'psk-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator:
        '`IKE phase-1 negotiation is failed as initiator, main mode ...` (the initiator only sees the peer stop answering after MM5)',
      responder:
        '`IKE phase-1 negotiation is failed as responder, main mode ...` (the responder is the side that cannot verify the peer)',
      ikemgr: ['authentication failure', 'authentication result: failure'],
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator:
        '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (AUTHENTICATION_FAILED from the peer)',
      responder: '`IKEv2 IKE SA negotiation is failed as responder, non-rekey ...` (the AUTH payload does not verify)',
      ikemgr: ['authentication failure', 'authentication result: failure'],
    },
    check: [IKEMGR + ' on the responder (the side that logs the reason)', TEST_IKE + ', then ' + IKE_SA],
    fix: [
      `${GW} > General: Authentication = Pre-Shared Key; enter the peer's key in Pre-shared Key and Confirm Pre-shared Key, then Commit`,
    ],
  },
  'ike-proposal-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator:
        '`IKE phase-1 negotiation is failed as initiator, main mode ...` (NO_PROPOSAL_CHOSEN notify from the peer)',
      responder: '`IKE phase-1 negotiation is failed as responder, main mode ...` (no proposal chosen)',
      ikemgr: ['NO_PROPOSAL_CHOSEN, with the proposals received and the ones configured'],
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (NO_PROPOSAL_CHOSEN)',
      responder: '`IKEv2 IKE SA negotiation is failed as responder, non-rekey ...` (no suitable proposal)',
      ikemgr: ['NO_PROPOSAL_CHOSEN, with the proposals received and the ones configured'],
    },
    check: [IKEMGR + ' on the responder', '`show vpn ike-sa gateway <gateway>`: no SA'],
    fix: [
      'Network > Network Profiles > IKE Crypto > <profile>: DH Group, Authentication, Encryption and Key Lifetime to match the peer; the profile is the one chosen in ' +
        `${GW} > Advanced Options > IKE Crypto Profile`,
    ],
  },
  'dh-group-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator: '`IKE phase-1 negotiation is failed as initiator, main mode ...` (NO_PROPOSAL_CHOSEN)',
      responder:
        '`IKE phase-1 negotiation is failed as responder, main mode ...` (no proposal chosen: no common DH group)',
      ikemgr: ['NO_PROPOSAL_CHOSEN; the received and configured proposals differ only in the DH group'],
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator:
        '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD for every group)',
      responder: '`IKEv2 IKE SA negotiation is failed as responder, non-rekey ...` (no common DH group)',
      ikemgr: ['NO_PROPOSAL_CHOSEN; the received and configured proposals differ only in the DH group'],
    },
    check: [IKEMGR + ' on the responder'],
    fix: ['Network > Network Profiles > IKE Crypto > <profile> > DH Group: add a group the peer offers (e.g. group14)'],
  },
  'dh-group-retry': {
    v1: {
      initiator: 'nothing: IKEv1 has no retry with another DH group',
      responder: 'nothing: IKEv1 has no retry with another DH group',
    },
    v2: {
      initiator:
        '`IKEv2 IKE SA negotiation is succeeded as initiator, non-rekey ...` after one INVALID_KE_PAYLOAD round',
      responder: '`IKEv2 IKE SA negotiation is succeeded as responder, non-rekey ...` after asking for its DH group',
      ikemgr: ['INVALID_KE_PAYLOAD sent or received once, then the SA establishes'],
    },
    check: [IKE_SA_DETAIL + ' (the Proposal line shows the DH group in use)'],
    fix: {
      v1: ['Nothing needed.'],
      v2: [
        'Optional: Network > Network Profiles > IKE Crypto > <profile> > DH Group: list the group both ends prefer first (the first group is used for the KE payload)',
      ],
    },
  },
  'aggressive-mode-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator: '`IKE phase-1 negotiation is failed as initiator, aggressive mode ...`',
      responder: '`IKE phase-1 negotiation is failed as responder ...` (exchange mode not accepted)',
    },
    v2: {
      initiator: 'nothing: IKEv2 has no main or aggressive mode',
      responder: 'nothing: IKEv2 has no main or aggressive mode',
    },
    check: { v1: [IKE_SA_DETAIL + ' (Mode)', IKEMGR], v2: ['nothing: this fault needs IKEv1'] },
    fix: {
      v1: [
        `${GW} > Advanced Options > IKEv1 > Exchange Mode: main on both ends (auto only answers either mode; aggressive only if the peer requires it)`,
      ],
      v2: ['Nothing: IKEv2 has no aggressive mode.'],
    },
  },
  'no-initiator': {
    v1: {
      initiator: 'no IKE negotiation events at all: nothing started',
      responder: 'no IKE negotiation events at all: nothing arrived',
    },
    v2: {
      initiator: 'no IKEv2 negotiation events at all: nothing started',
      responder: 'no IKEv2 negotiation events at all: nothing arrived',
    },
    check: [TEST_IKE + ' and ' + TEST_IPSEC + ' bring it up by hand', IKE_SA],
    fix: [
      `${GW} > Advanced Options: clear Enable Passive Mode on at least one end (a passive gateway only answers)`,
      "Network > IPSec Tunnels > <tunnel> > General: enable Tunnel Monitor (Destination IP in the peer's LAN) so the firewall brings the tunnel up without user traffic",
    ],
  },
  'esp-proposal-mismatch': {
    v1: {
      event: 'ike-nego-p2-fail',
      initiator: '`IKE phase-2 negotiation is failed as initiator, quick mode ...` (NO_PROPOSAL_CHOSEN)',
      responder: '`IKE phase-2 negotiation is failed as responder, quick mode ...` (no suitable proposal found)',
      ikemgr: ['NO_PROPOSAL_CHOSEN in quick mode'],
    },
    v2: {
      event: 'ikev2-nego-child-fail',
      initiator: '`IKEv2 child SA negotiation is failed as initiator, non-rekey ...` (NO_PROPOSAL_CHOSEN)',
      responder: '`IKEv2 child SA negotiation is failed as responder, non-rekey ...` (no proposal chosen)',
      ikemgr: ['NO_PROPOSAL_CHOSEN for the child SA'],
    },
    check: [IKE_SA + ' shows the IKE SA', IPSEC_SA + ' shows none'],
    fix: [
      'Network > Network Profiles > IPSec Crypto > <profile>: IPSec Protocol ESP, Encryption and Authentication to match the peer; the profile is the one selected in Network > IPSec Tunnels > <tunnel> > General > IPSec Crypto Profile',
    ],
  },
  'pfs-mismatch': {
    v1: {
      event: 'ike-nego-p2-fail',
      initiator: '`IKE phase-2 negotiation is failed as initiator, quick mode ...`',
      responder: '`IKE phase-2 negotiation is failed as responder, quick mode ...` (PFS group not accepted)',
    },
    v2: {
      event: 'ikev2-nego-child-fail',
      initiator:
        '`IKEv2 child SA negotiation is failed as initiator, rekey ...` (at the first rekey: PFS only applies to CREATE_CHILD_SA)',
      responder:
        '`IKEv2 child SA negotiation is failed message lacks KE payload` (the peer sent no KE while this end wants PFS)',
    },
    check: [IPSEC_SA + ' (remaining lifetime: the failure comes at rekey)', IKEMGR],
    fix: [
      'Network > Network Profiles > IPSec Crypto > <profile> > DH Group: `no-pfs` on both ends, or the same group (e.g. group14) on both',
    ],
  },
  'ts-mismatch': {
    v1: {
      event: 'ike-nego-p2-fail',
      initiator:
        '`IKE phase-2 negotiation is failed as initiator, quick mode ...` (INVALID_ID_INFORMATION from the peer)',
      responder:
        '`IKE phase-2 negotiation failed when processing Proxy ID. Received local id <net>/<len> type IPv4 subnet protocol 0 port 0, received remote id <net>/<len> type IPv4 subnet protocol 0 port 0.`',
    },
    v2: {
      event: 'ikev2-nego-child-fail',
      initiator: '`IKEv2 child SA negotiation is failed as initiator, non-rekey ...` (TS_UNACCEPTABLE from the peer)',
      responder:
        '`IKEv2 child SA negotiation failed when processing traffic selector. Cannot find matching IPSec tunnel for received traffic selector.`',
    },
    check: [
      IPSEC_SA + ': none, or one per Proxy ID that matched',
      IKEMGR + ' on the responder shows the IDs it received',
    ],
    fix: [
      "Network > IPSec Tunnels > <tunnel> > Proxy IDs (IPv4): Local = this side's subnet, Remote = the peer's, Protocol any; one entry per pair the peer's crypto ACL lists (without Proxy IDs a PAN proposes 0.0.0.0/0, which a policy-based peer refuses)",
    ],
  },
  'id-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator: '`IKE phase-1 negotiation is failed as initiator, main mode ...` (INVALID_ID_INFORMATION)',
      responder: '`IKE phase-1 negotiation is failed as responder, main mode ...` (peer ID does not match)',
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (the peer refused our ID)',
      responder:
        '`IKEv2 IKE SA negotiation is failed as responder, non-rekey ... received ID_I(type ipaddr[<id>]) does not match peers id`',
    },
    check: [IKE_SA_DETAIL + ' (ID local / remote)', IKEMGR],
    fix: [
      `${GW} > General: Local Identification and Peer Identification (IP address, FQDN, User FQDN or KeyID) equal to what the peer sends and expects; with NAT in between, the peer's ID is often its private address`,
    ],
  },
  'ike-version-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator: P1_TIMEOUT_I + ' (an IKEv2-only peer does not answer IKEv1)',
      responder: 'no IKEv1 event: an IKEv2-only gateway drops IKEv1 requests',
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator:
        '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (an IKEv1-only peer does not answer IKEv2)',
      responder: 'no IKEv2 event: an IKEv1-only gateway drops IKEv2 requests',
    },
    check: [IKE_SA_DETAIL],
    fix: [
      `${GW} > General > Version: the peer's version (IKEv1 only mode, IKEv2 only mode, or IKEv2 preferred mode, which falls back to IKEv1 as initiator)`,
    ],
  },
  'peer-address-mismatch': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator: NO_ANSWER,
      responder:
        "`IKE phase 1 negotiation is failed. Couldn't find configuration for IKE phase-1 request for peer IP <peer>[<port>]`",
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (no answer or NO_PROPOSAL_CHOSEN)',
      responder: 'no gateway matches the request: it comes from an address no IKE Gateway has as Peer Address',
    },
    check: [IKEMGR + ' on the responder (shows the address the request came from)'],
    fix: [
      `${GW} > General: Peer IP Address Type = IP and Peer Address = the address the peer's packets come from (after NAT); Interface / Local IP Address = the address the peer sends to`,
    ],
  },
  'peer-unreachable': {
    v1: { event: 'ike-nego-p1-fail', initiator: NO_ANSWER, responder: 'nothing: no request arrives' },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (timeout: no answer to IKE_SA_INIT)',
      responder: 'nothing: no request arrives',
    },
    check: [
      '`ping source <untrust-ip> host <peer>`',
      '`test routing fib-lookup virtual-router <vr> ip <peer>`',
      TEST_IKE + ', then ' + IKE_SA,
    ],
    fix: [
      `${GW} > General: Peer Address = the peer's reachable address; a route to it in Network > Virtual Routers > <vr> > Static Routes; on the peer, IKE allowed (${SECURITY_RULE})`,
    ],
  },
  'ike-port-blocked': {
    v1: { event: 'ike-nego-p1-fail', initiator: NO_ANSWER, responder: 'nothing: UDP 500 never arrives' },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (timeout)',
      responder: 'nothing: UDP 500 never arrives',
    },
    check: ['`show session all filter destination-port 500`', 'Monitor > Logs > Traffic: application `ike` denied'],
    fix: [SECURITY_RULE + ', and the same on every firewall in the path'],
  },
  'natt-port-blocked': {
    v1: {
      event: 'ike-nego-p1-fail',
      initiator:
        '`IKE phase-1 negotiation is failed as initiator, main mode ... due to timeout.` (after switching to UDP 4500)',
      responder: '`IKE phase-1 negotiation is failed as responder, main mode ... due to negotiation timeout`',
    },
    v2: {
      event: 'ikev2-nego-ike-fail',
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (timeout in IKE_AUTH on UDP 4500)',
      responder: '`IKEv2 IKE SA negotiation is failed as responder, non-rekey ...` (IKE_AUTH never arrives)',
    },
    check: [
      IKE_SA_DETAIL + ' (NAT: detected)',
      'Monitor > Logs > Traffic: application `ipsec-esp-udp` (UDP 4500) denied',
    ],
    fix: [
      'Policies > Security: allow `ipsec-esp-udp` (UDP 4500) from the peer, and on every firewall in the path',
      `${GW} > Advanced Options: Enable NAT Traversal on both ends when there is NAT between them`,
    ],
  },
  'esp-blocked': {
    v1: { initiator: 'no system log event: IKE is fine', responder: 'no system log event: IKE is fine' },
    v2: { initiator: 'no system log event: IKE is fine', responder: 'no system log event: IKE is fine' },
    check: [FLOW + ': encap grows on the sender, decap stays 0 on the receiver', IPSEC_SA],
    fix: [SECURITY_RULE + ' on every firewall in the path (ESP, or UDP 4500 with NAT-T)'],
  },
  'dpd-peer-dead': {
    v1: {
      initiator: 'phase-1 and phase-2 SA delete events in the system log at the time DPD gave up',
      responder: 'phase-1 and phase-2 SA delete events in the system log at the time DPD gave up',
      ikemgr: ['the DPD exchanges (R-U-THERE without R-U-THERE-ACK) before the SAs are deleted'],
    },
    v2: {
      initiator: '`IKEv2 IKE SA is down determined by DPD.`',
      responder: '`IKEv2 IKE SA is down determined by DPD.`',
      ikemgr: ['DPD down, rekey vpn tunnel <tunnel>, SA state ESTABLISHED'],
    },
    check: [IKE_SA_DETAIL, '`show log system subtype equal vpn direction equal backward`', IKEMGR],
    fix: {
      v1: [
        `Find why the peer went silent. ${GW} > Advanced Options > IKEv1 > Dead Peer Detection: Interval and Retry matching the peer's keepalive; PAN runs DPD only at phase 2 rekey, so also enable Tunnel Monitor on Network > IPSec Tunnels > <tunnel>`,
      ],
      v2: [
        `Find why the peer went silent. ${GW} > Advanced Options > IKEv2 > Liveness Check interval (default 5 s) to suit the peer; Tunnel Monitor on Network > IPSec Tunnels > <tunnel> for failover`,
      ],
    },
  },
  'dpd-mismatch': {
    v1: {
      initiator: 'no event until one end declares the other dead',
      responder: 'no event until one end declares the other dead',
    },
    v2: {
      initiator: 'no event: the IKEv2 liveness check is always on; only its interval differs',
      responder: 'no event: the IKEv2 liveness check is always on; only its interval differs',
    },
    check: [IKE_SA_DETAIL],
    fix: {
      v1: [
        `${GW} > Advanced Options > IKEv1 > Dead Peer Detection: enabled on both ends (or off on both), Interval and Retry alike`,
      ],
      v2: [`${GW} > Advanced Options > IKEv2 > Liveness Check: an interval that suits the peer's DPD`],
    },
  },
  'stale-sa': {
    v1: {
      initiator: 'no event on the end that kept its SAs; the restarted end drops ESP with an unknown SPI',
      responder: 'no event on the end that kept its SAs; the restarted end drops ESP with an unknown SPI',
    },
    v2: {
      initiator: 'no event on the end that kept its SAs; the restarted end drops ESP with an unknown SPI',
      responder: 'no event on the end that kept its SAs; the restarted end drops ESP with an unknown SPI',
    },
    check: [FLOW + ': encap grows, decap flat on the end that kept its SAs'],
    fix: {
      v1: [
        'Now: `clear vpn ike-sa gateway <gateway>` and `clear vpn ipsec-sa tunnel <tunnel>` on the end that kept its SAs',
        `To detect it by itself: ${GW} > Advanced Options > IKEv1 > Dead Peer Detection, plus Tunnel Monitor on the IPSec tunnel`,
      ],
      v2: [
        'Now: `clear vpn ike-sa gateway <gateway>` and `clear vpn ipsec-sa tunnel <tunnel>` on the end that kept its SAs',
        `To detect it by itself: ${GW} > Advanced Options > IKEv2 > Liveness Check, plus Tunnel Monitor on the IPSec tunnel`,
      ],
    },
  },
  'peer-closed': {
    v1: {
      initiator: 'phase-1 and phase-2 SA delete events received from the peer',
      responder: 'phase-1 and phase-2 SA delete events received from the peer',
    },
    v2: {
      initiator: 'IKE SA and child SA delete events received from the peer',
      responder: 'IKE SA and child SA delete events received from the peer',
    },
    check: [IKE_SA + ': no SA', '`show log system subtype equal vpn direction equal backward`'],
    fix: [
      'Find why the peer closed it; Network > IPSec Tunnels > <tunnel> > General: Tunnel Monitor makes the firewall re-initiate without user traffic',
    ],
  },
  'rekey-failure': {
    v1: {
      event: 'ike-nego-p2-fail',
      initiator: '`IKE phase-2 negotiation is failed as initiator, quick mode ... at the rekey`',
      responder: '`IKE phase-2 negotiation is failed as responder, quick mode ... at the rekey`',
    },
    v2: {
      event: 'ikev2-nego-child-fail',
      initiator: '`IKEv2 child SA negotiation is failed as initiator, rekey ...`',
      responder: '`IKEv2 child SA negotiation is failed as responder, rekey ...`',
    },
    check: [IPSEC_SA + ' (remaining lifetime)', IKEMGR],
    fix: ['Network > Network Profiles > IPSec Crypto > <profile>: DH Group (PFS) and Lifetime matching the peer'],
  },
  'lifetime-mismatch': {
    v1: { initiator: 'no failure event', responder: 'no failure event' },
    v2: { initiator: 'no failure event', responder: 'no failure event' },
    check: [IKE_SA_DETAIL, IPSEC_SA + ' (lifetime)'],
    fix: [
      'Network > Network Profiles > IKE Crypto > <profile> > Key Lifetime and IPSec Crypto > <profile> > Lifetime matching the peer (phase 1 longer than phase 2)',
    ],
  },
  'no-return-traffic': {
    v1: { initiator: 'no system log event: the tunnel is up', responder: 'no system log event: the tunnel is up' },
    v2: { initiator: 'no system log event: the tunnel is up', responder: 'no system log event: the tunnel is up' },
    check: [
      FLOW + ': decap grows, encap stays 0 on the end that does not answer',
      '`test routing fib-lookup virtual-router <vr> ip <remote-host>` (must point at tunnel.N)',
    ],
    fix: [
      "Network > Virtual Routers > <vr> > Static Routes: the peer's subnet via the tunnel interface; Policies > Security: a rule for the reply direction between the LAN zone and the tunnel interface's zone; no NAT rule for this traffic",
    ],
  },
  'no-outbound-traffic': {
    v1: { initiator: 'no system log event: the tunnel is up', responder: 'no system log event: the tunnel is up' },
    v2: { initiator: 'no system log event: the tunnel is up', responder: 'no system log event: the tunnel is up' },
    check: [
      FLOW + ': encap stays 0',
      '`test routing fib-lookup virtual-router <vr> ip <remote-host>`',
      '`test security-policy-match from <lan-zone> to <vpn-zone> source <local-host> destination <remote-host> protocol 1`',
    ],
    fix: [
      "Network > Virtual Routers > <vr> > Static Routes: the peer's subnet via tunnel.N; Policies > Security: allow LAN zone to the tunnel interface's zone; no source NAT for this traffic",
    ],
  },
  'nat-t-disabled-behind-nat': {
    v1: {
      initiator: 'the SAs come up but ESP does not pass the NAT',
      responder: 'the SAs come up but ESP does not pass the NAT',
    },
    v2: {
      initiator: 'the SAs come up but ESP does not pass the NAT',
      responder: 'the SAs come up but ESP does not pass the NAT',
    },
    check: [IKE_SA_DETAIL + ' (NAT: detected / not detected)', FLOW],
    fix: [`${GW} > Advanced Options: Enable NAT Traversal, on both ends, and allow \`ipsec-esp-udp\` (UDP 4500)`],
  },
  'packet-loss': {
    v1: {
      initiator: 'negotiations succeed after retries; DPD may declare the peer dead during loss',
      responder: 'negotiations succeed after retries',
    },
    v2: {
      initiator: 'negotiations succeed after retries; the liveness check may declare the peer dead during loss',
      responder: 'negotiations succeed after retries',
    },
    check: ['`show interface <untrust-if>` (errors, drops)', '`show counter global filter delta yes severity drop`'],
    fix: ['Nothing in the VPN configuration: fix the lossy path'],
  },
  'overlapping-subnets': {
    v1: { initiator: 'no system log event', responder: 'no system log event' },
    v2: { initiator: 'no system log event', responder: 'no system log event' },
    check: [
      '`test routing fib-lookup virtual-router <vr> ip <remote-host>` (goes to the local interface, not tunnel.N)',
    ],
    fix: [
      "Policies > NAT: translate the overlapping local subnet to a unique range before the tunnel (static source NAT towards the tunnel interface's zone), and use the translated range in the Proxy IDs",
    ],
  },
  'kernel-install-failure': {
    v1: { initiator: 'does not apply to PAN-OS', responder: 'does not apply to PAN-OS' },
    v2: { initiator: 'does not apply to PAN-OS', responder: 'does not apply to PAN-OS' },
    check: [IPSEC_SA + ' on the PAN end shows whether it built its side'],
    fix: ['Nothing on the firewall; fix the strongSwan host (kernel modules or kernel-libipsec)'],
  },
  'local-socket-error': {
    v1: { initiator: P1_TIMEOUT_I + ' (nothing left the firewall: no route)', responder: 'nothing arrives' },
    v2: {
      initiator: '`IKEv2 IKE SA negotiation is failed as initiator, non-rekey ...` (nothing left the firewall)',
      responder: 'nothing arrives',
    },
    check: ['`test routing fib-lookup virtual-router <vr> ip <peer>`'],
    fix: ["Network > Virtual Routers > <vr> > Static Routes: a route to the peer out of the IKE gateway's interface"],
  },
};
