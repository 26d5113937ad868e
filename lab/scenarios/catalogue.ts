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
  expect: [{ kind: 'tunnel' as const, state: 'up' as const }],
  timeoutS: 60,
});

const trafficPasses = {
  title: 'Traffic passes again',
  narration: ['Ping from host-left to host-right: every reply returns, and both gateways count packets in and out on the CHILD_SA.'],
  action: { kind: 'traffic' as const, from: 'left' as const, count: 4 },
  expect: [
    { kind: 'pings' as const, result: 'pass' as const },
    { kind: 'counter' as const, side: 'left' as const, dir: 'out' as const, change: 'grows' as const },
    { kind: 'counter' as const, side: 'right' as const, dir: 'in' as const, change: 'grows' as const },
  ],
};

export const SCENARIOS: Scenario[] = [
  defineScenario({
    id: 'phase1-psk',
    title: 'Phase 1 fails: the pre-shared keys differ',
    family: 'phase1',
    summary: 'IKE authentication fails on a PSK typo; an ASA initiator would sit in MM_WAIT_MSG5.',
    steps: [
      startHealthy('The diagnosis panel says healthy.'),
      {
        title: 'Change the pre-shared key on gw-right',
        narration: [
          'A one-character change to gw-right\'s PSK, as happens when a key is retyped on one side only. The lab renegotiates at once.',
          'gw-right\'s log: "tried 1 shared key for ... but MAC mismatched": the AUTH payload does not verify with its key.',
          'gw-left\'s log: "received AUTHENTICATION_FAILED notify error". strongSwan does not retry after that.',
          'On a Cisco ASA (IKEv1 main mode) the initiator sits in MM_WAIT_MSG5: messages 5 and 6 carry the key hashes (the field guide lists a PSK mismatch under MM_WAIT_MSG4 to MSG6).',
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
          'Fix on strongSwan: the same secret in both gateways\' secrets; on the ASA: tunnel-group <peer> ipsec-attributes, ikev1/ikev2 pre-shared-key.',
        ],
        expect: [{ kind: 'verdict', cause: 'psk-mismatch' }],
      },
      {
        title: 'Put the key back',
        narration: ['Revert the key: the next IKE_AUTH verifies, and the IKE_SA and CHILD_SA come back on both gateways.'],
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
    summary: 'Phase 1 completes, the CHILD_SA is refused with TS_UNACCEPTABLE: on an ASA, the crypto ACLs are not mirror images.',
    steps: [
      startHealthy('Note the traffic selectors in the SAs tab: 10.1.0.0/24 === 10.2.0.0/24 on gw-left, mirrored on gw-right.'),
      {
        title: 'Change gw-right\'s encryption domain',
        narration: [
          'gw-right now expects gw-left\'s LAN to be 10.99.0.0/24 instead of 10.1.0.0/24, as when one side\'s crypto ACL or object group was edited.',
          'gw-right\'s log: "traffic selectors ... unacceptable"; gw-left\'s log: "received TS_UNACCEPTABLE notify, no CHILD_SA built".',
          'The IKE_SA is ESTABLISHED: phase 1 is fine. The field guide\'s note: phase 1 completes but phase 2 fails, so check that the encryption domains (local and remote subnets) are identical and the right ACL is bound to the crypto map.',
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
        narration: ['The diagnosis says ts-mismatch, with both selectors as evidence, and the mirror-image ACL check an ASA engineer would do (show crypto ipsec sa, show access-list).'],
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
    summary: 'Both phases are up, but encrypted packets never arrive: encaps grows on one side, decaps stays flat on the other.',
    steps: [
      startHealthy('Both phases are up; the question of this scenario is whether traffic passes.'),
      {
        title: 'Drop ESP on the internet link',
        narration: [
          'A firewall on the path now drops ESP (here UDP 4500 carrying ESP; IKE still passes, so the tunnel stays up).',
          'Nothing in either charon log changes: IKE has nothing to complain about. The tunnel looks up.',
        ],
        action: { kind: 'break', fault: 'esp-blocked' },
        expect: [{ kind: 'tunnel', state: 'up' }],
      },
      {
        title: 'Send traffic and compare the counters',
        narration: [
          'Ping from host-left: no replies.',
          'SAs tab: gw-left\'s CHILD_SA "out" packets grow, gw-right\'s "in" packets stay flat. On an ASA this is `show crypto ipsec sa`: #pkts encaps rising on one peer, #pkts decaps not moving on the other.',
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
        narration: ['The diagnosis says esp-blocked: the counters of both sides are its evidence. The check that decides it on a real network: capture on the peer\'s outside interface.'],
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
    summary: 'An established tunnel whose peer stops answering: DPD requests go unanswered, are retransmitted, and the SAs are deleted.',
    steps: [
      startHealthy('DPD is on: gw-left checks its peer whenever the tunnel is quiet.'),
      {
        title: 'Freeze gw-right',
        narration: [
          'gw-right stops answering (its container is frozen), as a peer behind a dying link or a crashed box would.',
          'gw-left\'s log: "sending DPD request", then "retransmit 1 of request" for the INFORMATIONAL exchange. After an IPsec SA is up there is no acknowledgement of data (field guide), so DPD is the only way to notice.',
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
        narration: ['The diagnosis already says dpd-peer-dead from the unanswered retransmits: no need to wait for strongSwan to give up.'],
        expect: [{ kind: 'verdict', cause: 'dpd-peer-dead' }],
      },
      {
        title: 'DPD gives up',
        narration: [
          'gw-left: "giving up after 3 retransmits", and the IKE_SA is deleted with its CHILD_SAs. With a flaky link this repeats: the tunnel flaps.',
          'Field guide checklist for flapping: lifetimes (phase 1 longer than phase 2), identical encryption domains, DPD on both sides (or off with another vendor), a stable internet link.',
        ],
        expect: [{ kind: 'log', side: 'left', pattern: 'giving up after \\d+ retransmits' }],
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
