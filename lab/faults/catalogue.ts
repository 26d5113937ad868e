import { siteAddresses } from '../settings/addresses.js';
import type { LabSettings } from '../settings/types.js';
import { EVIDENCE, symptomText } from './evidence.js';
import type { BoxAction, FaultContext, FaultDefinition, ImpossibleCause } from './types.js';

/** A fault as written below; its evidence and symptoms come from the evidence table. */
type FaultSpec = Omit<FaultDefinition, 'evidence' | 'symptoms'>;

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

const SPECS: FaultSpec[] = [
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
    // The /8 that holds the left LAN, whatever the lab's addressing (10.0.0.0/8 in the default lab).
    settings: (s) => {
      const wide = `${s.left.lan.split('.')[0]}.0.0.0/8`;
      s.left.gateway.remoteTs = [wide];
      s.right.gateway.localTs = [wide];
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
    boxes: () => [router('lab_loss', '    numgen random mod 100 < 30 drop')],
  },
];

export const FAULTS: FaultDefinition[] = SPECS.map((f) => {
  const evidence = EVIDENCE[f.id] ?? [];
  return { ...f, evidence, symptoms: evidence.map(symptomText) };
});

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
