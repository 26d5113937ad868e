import { siteAddresses } from '../settings/addresses.js';
import type { LabSettings } from '../settings/types.js';
import type { BoxAction, FaultContext, FaultDefinition, ImpossibleCause } from './types.js';

const both = [1, 2] as (1 | 2)[];

/** An nft table of its own per fault, so faults compose and each reverts without touching others. */
function nftTable(name: string, chainBody: string, hook = 'forward'): { apply: string; revert: string } {
  return {
    apply: `nft -f - <<'NFT'\ntable inet ${name} {\n  chain c {\n    type filter hook ${hook} priority -10; policy accept;\n${chainBody}\n  }\n}\nNFT`,
    revert: `nft delete table inet ${name}`,
  };
}

const router = (name: string, body: string): BoxAction => ({ role: 'router', ...nftTable(name, body) });

/** ESP inside UDP 4500 has a non-zero SPI where IKE has its four-byte zero marker. */
const ESP_IN_UDP = 'udp dport 4500 @th,64,32 != 0';

export const FAULTS: FaultDefinition[] = [
  // ---- phase 1 (IKE) ----
  {
    id: 'psk-mismatch',
    cause: 'psk-mismatch',
    title: 'Pre-shared keys differ',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right gets a different pre-shared key',
    revert: "gw-right's key is restored",
    ikeVersions: both,
    symptoms: [
      'no IKE_SA established',
      "IKEv2: the responder logs `tried 1 shared key for '…' - '…', but MAC mismatched` and sends AUTHENTICATION_FAILED",
      'IKEv1: `invalid ID_V1 payload length, decryption failed?` (an ASA initiator sits in MM_WAIT_MSG5)',
    ],
    settings: (s) => void (s.right.gateway.psk = `${s.right.gateway.psk}-typo`),
  },
  {
    id: 'ike-proposal-mismatch',
    cause: 'ike-proposal-mismatch',
    title: 'IKE proposals have nothing in common',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right offers only aes128-sha1-modp1024 for IKE',
    revert: "gw-right's IKE proposals are restored",
    ikeVersions: both,
    symptoms: [
      'no IKE_SA',
      'responder: `received proposals: …` / `configured proposals: …` / `received proposals unacceptable`',
      'initiator: `received NO_PROPOSAL_CHOSEN notify error`',
    ],
    settings: (s) => void (s.right.gateway.ikeProposals = ['aes128-sha1-modp1024']),
  },
  {
    id: 'dh-group-mismatch',
    cause: 'dh-group-mismatch',
    title: 'DH groups differ (same ciphers)',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right keeps the ciphers but accepts only ECP-384 as DH group',
    revert: "gw-right's IKE proposals are restored",
    ikeVersions: both,
    symptoms: [
      'no IKE_SA',
      'responder: proposals differ only in the DH group (`received proposals` vs `configured proposals`)',
      'initiator: NO_PROPOSAL_CHOSEN',
    ],
    settings: (s) =>
      void (s.right.gateway.ikeProposals = s.right.gateway.ikeProposals.map(
        (p) => p.replace(/-(modp\d+|ecp\d+|curve25519|x25519|curve448|mlkem\d+)+$/, '') + '-ecp384',
      )),
  },
  {
    id: 'ike-version-mismatch',
    cause: 'ike-version-mismatch',
    title: 'IKE versions differ',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right speaks only IKEv1 (or IKEv2 when the lab runs IKEv1)',
    revert: "gw-right's IKE version is restored",
    ikeVersions: both,
    symptoms: [
      'no IKE_SA',
      'responder: `no IKE config found for … sending NO_PROPOSAL_CHOSEN` without a `received proposals` line',
    ],
    settings: (s) => {
      s.right.gateway.ikeVersion = s.right.gateway.ikeVersion === 2 ? 1 : 2;
      s.right.gateway.aggressive = false;
    },
  },
  {
    id: 'peer-address-mismatch',
    cause: 'peer-address-mismatch',
    title: 'Responder expects another peer address',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right accepts IKE only from 198.51.100.99 (a typo of the peer address)',
    revert: "gw-right's peer address is restored",
    ikeVersions: both,
    symptoms: ['no IKE_SA', 'responder: `no IKE config found for 203.0.113.10...198.51.100.10`, NO_PROPOSAL_CHOSEN'],
    settings: (s) => void (s.right.gateway.peerAddress = bumpLastOctet(siteAddresses(s, 'left').gatewayWan)),
  },
  {
    id: 'id-mismatch',
    cause: 'id-mismatch',
    title: 'Peer identity does not match',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-right expects the peer to identify as vpn.branch.example instead of its address',
    revert: "gw-right's remote ID is restored",
    ikeVersions: both,
    symptoms: [
      'no IKE_SA',
      'responder: `looking for peer configs matching …` then `no matching peer config found` and AUTHENTICATION_FAILED',
    ],
    settings: (s) => void (s.right.gateway.remoteId = 'vpn.branch.example'),
  },
  {
    id: 'aggressive-mode-mismatch',
    cause: 'aggressive-mode-mismatch',
    title: 'IKEv1 aggressive mode on one side only',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-left initiates IKEv1 aggressive mode; gw-right expects main mode',
    revert: "gw-left's mode is restored",
    ikeVersions: [1],
    symptoms: [
      'no ISAKMP SA',
      'responder refuses the aggressive mode exchange (`Aggressive Mode PSK disabled for security reasons` or no matching config)',
    ],
    unavailable: ({ settings }) =>
      settings.left.gateway.ikeVersion !== 1
        ? 'aggressive mode exists only in IKEv1: set both gateways to IKEv1 first'
        : undefined,
    settings: (s) => void (s.left.gateway.aggressive = true),
  },
  {
    id: 'no-initiator',
    cause: 'no-initiator',
    title: 'Both gateways wait for the other',
    family: 'phase1',
    phase: 'ike',
    change: 'gw-left stops initiating (start action "wait" on both sides)',
    revert: "gw-left's start action is restored",
    ikeVersions: both,
    symptoms: ['nothing is sent at all: no IKE_SA on either side, no IKE packets, no errors in either log'],
    settings: (s) => void (s.left.gateway.startAction = 'wait'),
  },
  // ---- path faults that stop phase 1 ----
  {
    id: 'peer-unreachable',
    cause: 'peer-unreachable',
    title: 'No route to the peer on the internet',
    family: 'phase1',
    phase: 'path',
    change: "the router black-holes the route to gw-right's address",
    revert: 'the route is restored',
    renegotiate: true,
    ikeVersions: both,
    symptoms: [
      'initiator: `retransmit 1 of request with message ID 0` …, then `giving up after 3 retransmits`',
      'responder: nothing at all (an ASA initiator sits in MM_WAIT_MSG2)',
    ],
    boxes: ({ settings }) => [
      {
        role: 'router',
        apply: `ip route add blackhole ${siteAddresses(settings, 'right').gatewayWan}/32`,
        revert: `ip route del blackhole ${siteAddresses(settings, 'right').gatewayWan}/32`,
      },
    ],
  },
  {
    id: 'ike-port-blocked',
    cause: 'ike-port-blocked',
    title: 'Firewall drops UDP 500',
    family: 'phase1',
    phase: 'path',
    change: 'the router drops UDP port 500 in both directions',
    revert: 'the rule is removed',
    renegotiate: true,
    ikeVersions: both,
    symptoms: ['IKE_SA_INIT (message ID 0) retransmitted, then given up', 'responder: silent'],
    boxes: () => [router('lab_block_udp500', '    udp dport 500 drop\n    udp sport 500 drop')],
  },
  {
    id: 'natt-port-blocked',
    cause: 'natt-port-blocked',
    title: 'Firewall drops UDP 4500 (NAT-T)',
    family: 'phase1',
    phase: 'path',
    change: 'the router drops UDP port 4500 in both directions',
    revert: 'the rule is removed',
    renegotiate: true,
    ikeVersions: [2],
    symptoms: [
      'IKE_SA_INIT completes on port 500',
      'IKE_AUTH (message ID 1) retransmitted from port 4500 and given up',
      'responder: `deleting half open IKE_SA … after timeout`',
    ],
    unavailable: ({ settings }) =>
      !settings.left.gateway.mobike && !settings.left.gateway.encap
        ? 'IKE floats to 4500 only with MOBIKE, NAT or forced encapsulation: enable MOBIKE on gw-left'
        : undefined,
    boxes: () => [router('lab_block_udp4500', '    udp dport 4500 drop\n    udp sport 4500 drop')],
  },
  {
    id: 'gateway-route-missing',
    cause: 'local-socket-error',
    title: 'Gateway has no route to the internet',
    family: 'phase1',
    phase: 'path',
    change: 'gw-left loses its default route',
    revert: 'the default route is restored',
    renegotiate: true,
    ikeVersions: both,
    symptoms: [
      'gw-left cannot send at all: `error writing to socket: Network is unreachable`',
      'no IKE packets reach the router',
    ],
    boxes: ({ settings }) => [
      {
        role: 'gw-left',
        apply: 'ip route del default',
        revert: `ip route replace default via ${siteAddresses(settings, 'left').router}`,
      },
    ],
  },
  // ---- phase 2 (CHILD) ----
  {
    id: 'esp-proposal-mismatch',
    cause: 'esp-proposal-mismatch',
    title: 'ESP proposals have nothing in common',
    family: 'phase2',
    phase: 'child',
    change: 'gw-right offers only aes128gcm16 for ESP',
    revert: "gw-right's ESP proposals are restored",
    ikeVersions: both,
    symptoms: [
      'IKEv2: IKE_SA ESTABLISHED but no CHILD_SA; responder `no acceptable proposal found`, `failed to establish CHILD_SA, keeping IKE_SA`',
      'initiator: `received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built`',
      'ASA: MM_ACTIVE without an IPsec SA',
    ],
    settings: (s) => void (s.right.gateway.espProposals = ['aes128gcm16']),
  },
  {
    id: 'pfs-mismatch',
    cause: 'pfs-mismatch',
    title: 'PFS on one side only',
    family: 'phase2',
    phase: 'rekey',
    change:
      'gw-left asks for PFS (MODP-2048 in its ESP proposal) and rekeys its CHILD_SA every 12 s; gw-right has no PFS',
    revert: "gw-left's ESP proposals and rekey time are restored",
    ikeVersions: both,
    symptoms: [
      'IKEv1: Quick Mode fails at once (`no acceptable DIFFIE_HELLMAN_GROUP found`)',
      'IKEv2: the first CHILD_SA comes up (IKE_AUTH uses no key exchange) and its first rekey fails: NO_PROPOSAL_CHOSEN, `CHILD_SA rekeying failed`',
    ],
    note: 'IKEv2 shows it only at the first CHILD_SA rekey: the fault sets a 12 s rekey time so it shows quickly',
    settings: (s) => {
      s.left.gateway.espProposals = s.left.gateway.espProposals.map((p) =>
        /modp|ecp|curve|x25519|mlkem/.test(p) ? p : `${p}-modp2048`,
      );
      s.left.gateway.child.rekeyTime = 12;
    },
  },
  {
    id: 'ts-mismatch',
    cause: 'ts-mismatch',
    title: 'Encryption domains do not match',
    family: 'phase2',
    phase: 'child',
    change: 'gw-right expects the left LAN to be 10.99.0.0/24',
    revert: "gw-right's remote traffic selector is restored",
    ikeVersions: both,
    symptoms: [
      'IKEv2: IKE_SA up, no CHILD_SA; responder `traffic selectors … unacceptable`, initiator `received TS_UNACCEPTABLE notify, no CHILD_SA built`',
      'IKEv1: `no matching CHILD_SA config found`, INVALID_ID_INFORMATION (ASA: no matching crypto map entry)',
    ],
    settings: (s) => void (s.right.gateway.remoteTs = ['10.99.0.0/24']),
  },
  {
    id: 'overlapping-subnets',
    cause: 'overlapping-subnets',
    title: 'Remote encryption domain overlaps the local LAN',
    family: 'phase2',
    phase: 'datapath',
    change: "gw-left's remote selector becomes 10.0.0.0/8 (which holds its own LAN 10.1.0.0/24), mirrored on gw-right",
    revert: 'both selectors are restored',
    ikeVersions: both,
    symptoms: [
      'the tunnel comes up with 10.0.0.0/8 as remote selector',
      'traffic meant for the local LAN is routed into the tunnel, or the kernel refuses the policy (`unable to add policy`)',
    ],
    settings: (s) => {
      s.left.gateway.remoteTs = ['10.0.0.0/8'];
      s.right.gateway.localTs = ['10.0.0.0/8'];
    },
  },
  // ---- tunnel up, no traffic ----
  {
    id: 'no-return-traffic',
    cause: 'no-return-traffic',
    title: 'LAN host on the right has no return route',
    family: 'no-traffic',
    phase: 'datapath',
    change: 'host-right loses its default route (back through gw-right)',
    revert: 'the route is restored',
    ikeVersions: both,
    symptoms: [
      'IKE and CHILD SAs up',
      'pings from host-left get no answer',
      "gw-right's CHILD_SA in-counter grows while its out-counter stays flat (ASA: decaps grow, encaps 0)",
    ],
    boxes: ({ settings }) => [
      {
        role: 'host-right',
        apply: 'ip route del default',
        revert: `ip route replace default via ${siteAddresses(settings, 'right').gatewayLan}`,
      },
    ],
  },
  {
    id: 'lan-host-firewall',
    cause: 'no-return-traffic',
    title: 'LAN host on the right drops tunnel traffic',
    family: 'no-traffic',
    phase: 'datapath',
    change: "host-right's own firewall drops everything from the left LAN",
    revert: 'the firewall rule is removed',
    ikeVersions: both,
    symptoms: ['SAs up', "gw-right's in-counter grows, its out-counter stays flat", 'nothing in either log'],
    boxes: ({ settings }) => [
      {
        role: 'host-right',
        ...nftTable('lab_host_fw', `    ip saddr ${siteAddresses(settings, 'left').lanSubnet} drop`, 'input'),
      },
    ],
  },
  {
    id: 'esp-blocked',
    cause: 'esp-blocked',
    title: 'Firewall drops ESP',
    family: 'no-traffic',
    phase: 'path',
    change: 'the router drops ESP: IP protocol 50 and ESP inside UDP 4500 (IKE on 4500 still passes)',
    revert: 'the rule is removed',
    ikeVersions: both,
    symptoms: [
      'IKE and CHILD SAs up, IKE messages still pass',
      "gw-left's out-counter grows while gw-right's in-counter stays 0",
      'nothing in either log',
    ],
    boxes: () => [router('lab_block_esp', `    meta l4proto esp drop\n    ${ESP_IN_UDP} drop`)],
  },
  {
    id: 'no-outbound-traffic',
    cause: 'no-outbound-traffic',
    title: 'Encryption domain does not cover the sending host',
    family: 'no-traffic',
    phase: 'datapath',
    change:
      'both gateways narrow the left encryption domain to its upper half (.128/25), which leaves host-left (.10) outside: its traffic leaves in clear and is dropped',
    revert: 'both selectors are restored',
    ikeVersions: both,
    symptoms: [
      'SAs up',
      'pings from host-left fail',
      "gw-left's out-counter stays 0 although LAN traffic arrives (ASA: encaps 0; check the crypto ACL and NAT exemption)",
    ],
    settings: (s) => {
      const upper = upperHalf(s.left.lan);
      s.left.gateway.localTs = [upper];
      s.right.gateway.remoteTs = [upper];
    },
  },
  // ---- conditions ----
  {
    id: 'left-behind-nat',
    cause: 'nat',
    title: 'Left gateway behind NAT',
    family: 'condition',
    phase: 'path',
    change:
      "the router masquerades the left site (gw-left's packets reach the right side from the router's address); gw-right accepts the left peer at that public address",
    revert: 'NAT is removed and gw-right expects the real address again',
    renegotiate: true,
    ikeVersions: both,
    symptoms: [
      'both sides detect NAT: gw-left logs `local host is behind NAT, sending keep alives`',
      'IKE and ESP move to UDP 4500; NAT keepalives every 20 s',
      'the tunnel works (combine with natt-port-blocked for the classic failure)',
    ],
    settings: (s) => void (s.right.gateway.peerAddress = siteAddresses(s, 'right').router),
    boxes: ({ settings }) => [
      {
        role: 'router',
        // Existing conntrack entries would keep the old, un-NATed flows: flush them both ways.
        apply: `nft -f - <<'NFT'\ntable ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100; policy accept;\n    oifname "right" ip saddr ${siteAddresses(settings, 'left').wanSubnet} masquerade\n  }\n}\nNFT\nconntrack -F 2>/dev/null || true`,
        revert: 'nft delete table ip lab_nat; conntrack -F 2>/dev/null || true',
      },
    ],
  },
  // ---- established tunnel failures, flapping ----
  {
    id: 'dpd-peer-dead',
    cause: 'dpd-peer-dead',
    title: 'Peer goes silent (DPD)',
    family: 'flapping',
    phase: 'established',
    change: 'gw-right is frozen (docker pause); gw-left runs DPD every 2 s',
    revert: 'gw-right is resumed and DPD timers restored',
    ikeVersions: both,
    symptoms: [
      'gw-left: `sending DPD request`, INFORMATIONAL retransmits, `giving up after 3 retransmits`, then the DPD action (restart)',
    ],
    note: 'DPD needs a dead peer for several intervals: the fault sets a 2 s DPD delay (and 8 s timeout for IKEv1)',
    settings: (s) => {
      s.left.gateway.dpd.delay = 2;
      s.left.gateway.dpd.timeout = 8;
    },
    docker: { role: 'gw-right', action: 'pause' },
  },
  {
    id: 'peer-restart',
    cause: 'stale-sa',
    title: 'Peer restarts and loses its SAs',
    family: 'flapping',
    phase: 'established',
    change:
      "gw-right crashes and comes back (SIGKILL, then start: charon starts with no SAs and never sent a DELETE); gw-left's DPD is off, so it keeps its stale SAs",
    revert: "gw-left's DPD is restored",
    ikeVersions: both,
    symptoms: [
      'gw-right: no SAs after the restart',
      'gw-left: still ESTABLISHED/INSTALLED, its out-counter grows, nothing comes back until a rekey or DPD',
    ],
    settings: (s) => void (s.left.gateway.dpd.delay = 0),
    docker: { role: 'gw-right', action: 'kill-restart' },
  },
  {
    id: 'peer-down',
    cause: 'peer-closed',
    title: 'Peer gateway is down',
    family: 'flapping',
    phase: 'established',
    change: "gw-right's container is stopped",
    revert: 'gw-right is started again and reloads its config',
    ikeVersions: both,
    symptoms: [
      "gw-right's charon shuts down (SIGTERM) and sends DELETE for the IKE_SA on its way out",
      'gw-left deletes its SAs and, with close_action none, does not re-initiate: the tunnel stays down',
      'a box that dies without a DELETE looks different: see dpd-peer-dead',
    ],
    docker: { role: 'gw-right', action: 'stop' },
  },
  {
    id: 'lifetime-mismatch',
    cause: 'lifetime-mismatch',
    title: 'Lifetimes differ (short CHILD lifetime on one side)',
    family: 'flapping',
    phase: 'rekey',
    change: 'gw-left rekeys its CHILD_SA every 15 s and IKE_SA every 60 s; gw-right keeps the defaults',
    revert: "gw-left's lifetimes are restored",
    ikeVersions: both,
    symptoms: [
      'the tunnel stays up but rekeys often: `rekeying CHILD_SA`, new SPIs every 15 s',
      'IKEv1: `received …s lifetime, configured …s` (not fatal in strongSwan)',
    ],
    settings: (s) => {
      s.left.gateway.child.rekeyTime = 15;
      s.left.gateway.ike.rekeyTime = 60;
    },
  },
  {
    id: 'packet-loss',
    cause: 'packet-loss',
    title: 'Lossy internet link (30 % each way)',
    family: 'flapping',
    phase: 'path',
    change: 'the router drops 30 % of packets in each direction at random',
    revert: 'the drop rule is removed',
    ikeVersions: both,
    symptoms: [
      'IKE retransmits that later succeed',
      'pings lose about half their round trips',
      'DPD and rekey retries',
    ],
    boxes: () => [router('lab_loss', '    numgen random mod 100 < 30 drop')],
  },
];

export const IMPOSSIBLE_CAUSES: ImpossibleCause[] = [
  {
    cause: 'nat-t-disabled-behind-nat',
    why: 'strongSwan always performs NAT detection and floats to UDP 4500 when it finds NAT; it has no switch to turn NAT-T off, so a strongSwan pair cannot produce it (a peer device with NAT-T disabled can)',
  },
  {
    cause: 'kernel-install-failure',
    why: 'needs a kernel that refuses an SA the IKE daemon negotiated (a missing algorithm module); the lab kernel either has ESP with the standard algorithms or the lab uses userspace libipsec',
  },
  {
    cause: 'cert-*',
    why: 'the lab authenticates with pre-shared keys; certificate faults need a PKI the lab does not set up',
  },
  { cause: 'datapath-mtu', why: 'needs ICMP "fragmentation needed" suppressed on a narrowed path; not built yet' },
];

function bumpLastOctet(ip: string): string {
  const parts = ip.split('.').map(Number);
  parts[3] = parts[3] === 99 ? 98 : 99;
  return parts.join('.');
}

function upperHalf(cidr: string): string {
  const [net, bits] = cidr.split('/');
  const prefix = Number(bits) + 1;
  const parts = net.split('.').map(Number);
  const n = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
  const upper = (n + 2 ** (32 - prefix)) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (upper >>> s) & 255).join('.')}/${prefix}`;
}

export function findFault(id: string): FaultDefinition | undefined {
  return FAULTS.find((f) => f.id === id);
}

/** Why a fault cannot be applied to this lab now, or undefined. */
export function faultUnavailable(f: FaultDefinition, ctx: FaultContext): string | undefined {
  const versions = new Set([ctx.settings.left.gateway.ikeVersion, ctx.settings.right.gateway.ikeVersion]);
  if (![...versions].some((v) => f.ikeVersions.includes(v)))
    return `${f.id} applies to IKEv${f.ikeVersions.join('/')} only`;
  return f.unavailable?.(ctx);
}

export type { LabSettings };
