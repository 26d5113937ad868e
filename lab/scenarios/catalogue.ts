/**
 * The demonstration scenarios, one per failure family of the field guides (../shared/seeds):
 * phase 1 fails, phase 2 fails, the tunnel is up but no traffic passes, the tunnel flaps. What the
 * presenter says comes from those guides (the ASA MM_WAIT_MSG states, encaps/decaps, DPD).
 */
import { defineScenario, type Scenario } from './types.js';

const startHealthy = (what: string) => ({
  title: 'Start from a healthy tunnel',
  narration: [
    'Two real strongSwan gateways, gw-left and gw-right, each with a LAN host behind it, joined by a router that plays the internet.',
    `Point at the topology strip: IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways. ${what}`,
  ],
  action: { kind: 'start' as const },
  expect: [
    { kind: 'tunnel' as const, state: 'up' as const },
    { kind: 'verdict' as const, cause: 'healthy' },
  ],
  timeoutS: 60,
});

const trafficPasses = {
  title: 'Traffic passes again',
  narration: [
    'Ping from host-left to host-right: every reply returns, gw-left counts the packets out (ASA #pkts encaps) and gw-right the same number in (#pkts decaps). The diagnosis is back to healthy.',
  ],
  action: { kind: 'traffic' as const, from: 'left' as const, count: 4 },
  expect: [
    { kind: 'pings' as const, result: 'pass' as const },
    { kind: 'verdict' as const, cause: 'healthy' },
    { kind: 'counter' as const, side: 'left' as const, dir: 'out' as const, change: 'grows' as const },
    { kind: 'counter' as const, side: 'right' as const, dir: 'in' as const, change: 'grows' as const },
  ],
};

export const SCENARIOS: Scenario[] = [
  defineScenario({
    id: 'phase1-psk',
    title: 'Phase 1 fails: the pre-shared keys differ',
    family: 'phase1',
    summary:
      'IKE authentication fails on a key retyped on one side; an ASA in IKEv1 main mode would hang in MM_WAIT_MSG5 (responder) / MM_WAIT_MSG6 (initiator).',
    steps: [
      startHealthy('The diagnosis panel says healthy.'),
      {
        title: 'Change the pre-shared key on gw-right',
        narration: [
          "A one-character change to gw-right's PSK, as happens when a key is retyped on one side only. The lab renegotiates at once.",
          'gw-right (the responder) logs the reason: "tried 1 shared key for ... but MAC mismatched": the initiator\'s AUTH payload does not verify with gw-right\'s key.',
          'gw-left (the initiator) only hears "received AUTHENTICATION_FAILED notify error", the IKE_SA goes CONNECTING => DESTROYING and it does not retry. A rule of IPsec troubleshooting (Palo Alto\'s included) in one picture: the responder\'s log carries the reason, so troubleshoot from that side.',
          'Phase 1 never completes: no IKE_SA, no CHILD_SA on either gateway.',
        ],
        action: { kind: 'break', fault: 'psk-mismatch' },
        expect: [
          { kind: 'log', side: 'right', pattern: 'tried \\d+ shared keys? for .* but MAC mismatched' },
          { kind: 'log', side: 'left', pattern: 'received AUTHENTICATION_FAILED notify error' },
          { kind: 'tunnel', state: 'not-up' },
        ],
      },
      {
        title: 'Read the diagnosis',
        narration: [
          'The diagnosis names psk-mismatch from the two log lines alone (it is never told which fault was applied). Click its evidence: the cited lines are highlighted in both logs.',
          'The same mistake on a Cisco ASA running IKEv1 main mode: messages 5 and 6 carry the key hashes, so `show crypto isakmp sa` hangs in MM_WAIT_MSG5 on the responder and MM_WAIT_MSG6 on the initiator; MM_WAIT_MSG4 when the responder has no tunnel-group (no key) for the peer at all.',
          "Fix on strongSwan: the same secret in both gateways' secrets; on the ASA: `tunnel-group <peer> ipsec-attributes` / `ikev1 pre-shared-key` (or ikev2 local/remote-authentication pre-shared-key).",
        ],
        expect: [{ kind: 'verdict', cause: 'psk-mismatch' }],
      },
      {
        title: 'Put the key back',
        narration: [
          'Revert the key: the next IKE_AUTH verifies, and the IKE_SA and CHILD_SA come back on both gateways.',
        ],
        action: { kind: 'fix' },
        expect: [{ kind: 'tunnel', state: 'up' }],
        timeoutS: 45,
      },
      trafficPasses,
    ],
  }),
  defineScenario({
    id: 'phase2-selectors',
    title: 'Phase 2 fails: the encryption domains do not match',
    family: 'phase2',
    summary:
      'Phase 1 completes, the CHILD_SA is refused with TS_UNACCEPTABLE: on an ASA, the crypto ACLs are not mirror images.',
    steps: [
      startHealthy(
        'Note the traffic selectors in the SAs tab: 10.1.0.0/24 === 10.2.0.0/24 on gw-left, mirrored on gw-right.',
      ),
      {
        title: "Change gw-right's encryption domain",
        narration: [
          "gw-right now expects gw-left's LAN to be 10.99.0.0/24 instead of 10.1.0.0/24, as when one side's crypto ACL or object group was edited.",
          'gw-right\'s log: "traffic selectors 10.2.0.0/24 === 10.1.0.0/24 unacceptable" (the responder names the selectors it refused); gw-left\'s log: "received TS_UNACCEPTABLE notify, no CHILD_SA built".',
          'The IKE_SA stays ESTABLISHED on both gateways, with no CHILD_SA: phase 1 is fine, phase 2 failed. On an ASA: `show crypto isakmp sa` says MM_ACTIVE (IKEv1) and `show crypto ipsec sa peer <ip>` has nothing for the peer; the usual phase 2 checklist starts here: identical encryption domains (local and remote subnets), and the right ACL bound to the crypto map.',
        ],
        action: { kind: 'break', fault: 'ts-mismatch' },
        expect: [
          { kind: 'log', side: 'right', pattern: 'traffic selectors .* unacceptable' },
          { kind: 'log', side: 'left', pattern: 'received TS_UNACCEPTABLE notify, no CHILD_SA built' },
          { kind: 'tunnel', state: 'ike-only' },
        ],
      },
      {
        title: 'Read the diagnosis',
        narration: [
          "The diagnosis says ts-mismatch, citing the refused selectors from gw-right's log and TS_UNACCEPTABLE from gw-left's.",
          'Its ASA view: the crypto ACLs must be exact mirror images (an ASA logs "no matching crypto map entry for remote proxy"); compare `show access-list <crypto-acl>` on both ends.',
        ],
        expect: [{ kind: 'verdict', cause: 'ts-mismatch' }],
      },
      {
        title: 'Restore the encryption domain',
        narration: ['Selectors mirror each other again: the CHILD_SA is INSTALLED on both gateways.'],
        action: { kind: 'fix' },
        expect: [{ kind: 'tunnel', state: 'up' }],
        timeoutS: 45,
      },
      trafficPasses,
    ],
  }),
  defineScenario({
    id: 'no-traffic-esp',
    title: 'Tunnel up, no traffic: ESP is dropped on the path',
    family: 'no-traffic',
    summary:
      'Both phases are up, but encrypted packets never arrive: encaps grows on one side, decaps stays flat on the other.',
    steps: [
      startHealthy('Both phases are up; the question of this scenario is whether traffic passes.'),
      {
        title: 'Drop ESP on the internet link',
        narration: [
          'A firewall on the path now drops ESP: IP protocol 50, and ESP inside UDP 4500, while IKE messages still pass. An ASA phase 1 checklist has "ESP traffic permitted through the outside interface" for this reason.',
          'Nothing in either charon log changes: IKE has nothing to complain about, so the tunnel stays up on both gateways. This is the "tunnel up, but no traffic" family.',
        ],
        action: { kind: 'break', fault: 'esp-blocked' },
        expect: [{ kind: 'tunnel', state: 'up' }],
      },
      {
        title: 'Send traffic and compare the counters',
        narration: [
          'Ping from host-left: no replies.',
          'SAs tab (or `ipsec-lab status`): gw-left\'s CHILD_SA "out" packets grow, gw-right\'s "in" packets stay flat. On an ASA this is `show crypto ipsec sa`: #pkts encaps rising on the sender, #pkts decaps not moving on the receiver (the classic ASA check: "Verify #pkts encaps and #pkts decaps").',
        ],
        action: { kind: 'traffic', from: 'left', count: 4 },
        expect: [
          { kind: 'pings', result: 'fail' },
          { kind: 'counter', side: 'left', dir: 'out', change: 'grows' },
          { kind: 'counter', side: 'right', dir: 'in', change: 'flat' },
        ],
      },
      {
        title: 'Read the diagnosis',
        narration: [
          'The diagnosis says esp-blocked: its evidence is the counters of both sides (packets sent on the SPI by gw-left, none received by gw-right), not a log line.',
          "It cannot rule out everything from counters alone: the check that decides it on a real network is a capture on the receiving peer's outside interface (ESP arriving or not). If ESP had arrived and the replies were missing, the LAN side would be the suspect (no-return-traffic).",
        ],
        expect: [{ kind: 'verdict', cause: 'esp-blocked' }],
      },
      {
        title: 'Open the firewall again',
        narration: ['The drop rule is removed; the tunnel never went down.'],
        action: { kind: 'fix' },
        expect: [{ kind: 'tunnel', state: 'up' }],
      },
      trafficPasses,
    ],
  }),
  defineScenario({
    id: 'flapping-dpd',
    title: 'Flapping: the peer goes silent and DPD tears the tunnel down',
    family: 'flapping',
    summary:
      'An established tunnel whose peer stops answering: DPD requests go unanswered, are retransmitted, and the SAs are deleted.',
    steps: [
      startHealthy('DPD is on (dpd_action restart): a gateway checks its peer whenever the tunnel is quiet.'),
      {
        title: 'Freeze gw-right',
        narration: [
          "gw-right stops answering (its container is frozen), as a peer behind a dying link or a crashed box would. The fault shortens gw-left's DPD delay to 2 s so the demonstration does not wait.",
          'gw-left\'s log: "sending DPD request" (an empty INFORMATIONAL request), then "retransmit 1 of request with message ID ...". Why DPD matters: once the SAs are up nothing acknowledges the tunnel itself, so without DPD gw-left would keep encrypting into the void until the next rekey.',
        ],
        action: { kind: 'break', fault: 'dpd-peer-dead' },
        expect: [
          { kind: 'log', side: 'left', pattern: 'sending DPD request' },
          { kind: 'log', side: 'left', pattern: 'retransmit \\d of request with message ID \\d+' },
        ],
        timeoutS: 40,
      },
      {
        title: 'Read the diagnosis before DPD gives up',
        narration: [
          'The diagnosis already says dpd-peer-dead from the unanswered DPD retransmits on an ESTABLISHED IKE_SA: no need to wait for strongSwan to give up.',
        ],
        expect: [{ kind: 'verdict', cause: 'dpd-peer-dead' }],
      },
      {
        title: 'DPD gives up',
        narration: [
          'gw-left: "giving up after 3 retransmits", "restarting CHILD_SA net", and the IKE_SA goes ESTABLISHED => DESTROYING: DPD cleared the SAs.',
          'dpd_action restart: gw-left at once sends a new IKE_SA_INIT ("initiating IKE_SA"), which the silent peer does not answer either ("peer not responding, trying again"). An ASA initiator in this state shows the IKEv2 SA IN-NEG and logs 750003 "Maximum number of retransmissions reached" (on IKEv1 it would sit in MM_WAIT_MSG2, the troubleshooting guide\'s "remote end peer is down"). With a link that comes and goes, this cycle is the flapping tunnel.',
          'Field guide checklist for flapping: lifetimes (phase 1 longer than phase 2), identical encryption domains on both ends, DPD set the same on both sides (off between different vendors), a stable internet link.',
        ],
        expect: [
          { kind: 'log', side: 'left', pattern: 'giving up after \\d+ retransmits' },
          { kind: 'log', side: 'left', pattern: 'state change: ESTABLISHED => DESTROYING' },
          { kind: 'ike-sa', side: 'left', established: false },
        ],
        timeoutS: 60,
      },
      {
        title: 'Bring the peer back',
        narration: ['gw-right answers again; gw-left negotiates a new IKE_SA and CHILD_SA.'],
        action: { kind: 'fix' },
        expect: [{ kind: 'tunnel', state: 'up' }],
        timeoutS: 60,
      },
      trafficPasses,
    ],
  }),
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
