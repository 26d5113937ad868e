import { describe, expect, it } from 'vitest';

import { FAULTS } from '../../lab/faults/catalogue.js';
import { compareGateways } from '../../lab/settings/compare.js';
import { defaultSettings } from '../../lab/settings/defaults.js';

const broken = (s: ReturnType<typeof defaultSettings>) =>
  compareGateways(s)
    .filter((p) => !p.ok)
    .map((p) => `${p.left}~${p.right}`);

describe('comparing the two gateways', () => {
  it('finds nothing wrong in the defaults', () => {
    expect(broken(defaultSettings())).toEqual([]);
  });
  it('names the pair of fields each settings fault breaks', () => {
    const expected: Record<string, string[]> = {
      'psk-mismatch': ['left.gateway.psk~right.gateway.psk'],
      'ike-proposal-mismatch': ['left.gateway.ikeProposals~right.gateway.ikeProposals'],
      'dh-group-mismatch': ['left.gateway.ikeProposals~right.gateway.ikeProposals'],
      'esp-proposal-mismatch': ['left.gateway.espProposals~right.gateway.espProposals'],
      'id-mismatch': ['left.gateway.localId~right.gateway.remoteId'],
      'ts-mismatch': ['left.gateway.localTs~right.gateway.remoteTs'],
      'peer-address-mismatch': ['left.wan~right.gateway.peerAddress'],
      'no-initiator': ['left.gateway.startAction~right.gateway.startAction'],
      'ike-version-mismatch': ['left.gateway.ikeVersion~right.gateway.ikeVersion'],
    };
    for (const [id, pairs] of Object.entries(expected)) {
      const s = defaultSettings();
      FAULTS.find((f) => f.id === id)!.settings!(s);
      expect(broken(s), id).toEqual(pairs);
    }
  });
  it('sees PFS on one side only', () => {
    const s = defaultSettings();
    FAULTS.find((f) => f.id === 'pfs-mismatch')!.settings!(s);
    expect(broken(s)).toContain('left.gateway.espProposals~right.gateway.espProposals');
    expect(
      compareGateways(s).find(
        (p) => !p.ok && Array.isArray(p.leftValue) && (p.leftValue as string[]).includes('modp2048'),
      ),
    ).toBeDefined();
  });
  it('never shows the keys themselves', () => {
    const s = defaultSettings();
    s.right.gateway.psk = 'other-secret';
    expect(JSON.stringify(compareGateways(s))).not.toMatch(/other-secret|ipsec-lab-shared-secret/);
  });
});

describe('start and recovery: not pairs that must agree, but one side has to act', () => {
  const pair = (s: ReturnType<typeof defaultSettings>, field: string) =>
    compareGateways(s).find((p) => p.left === `left.gateway.${field}`)!;

  it('an imported trap (on demand) against an answer-only peer is fine, both ways round', () => {
    for (const [l, r] of [
      ['trap', 'wait'],
      ['wait', 'trap'],
      ['trap', 'trap'],
      ['initiate', 'trap'],
    ] as const) {
      const s = defaultSettings();
      s.left.gateway.startAction = l;
      s.right.gateway.startAction = r;
      const p = pair(s, 'startAction');
      expect(p.relation, `${l}/${r}`).toBe('either');
      expect(p.ok, `${l}/${r}: ${p.why}`).toBe(true);
    }
  });

  it('both answer-only is a finding that says nothing will start', () => {
    const s = defaultSettings();
    s.left.gateway.startAction = 'wait';
    const p = pair(s, 'startAction');
    expect(p.ok).toBe(false);
    expect(p.why).toMatch(/nothing will start the tunnel: both gateways only answer/);
  });

  it('a trap whose selectors no lab traffic matches starts nothing, and says which selectors', () => {
    const s = defaultSettings();
    s.left.gateway.startAction = 'trap';
    s.right.gateway.startAction = 'wait';
    s.left.gateway.localTs = ['10.9.0.0/24'];
    const p = pair(s, 'startAction');
    expect(p.ok).toBe(false);
    expect(p.why).toContain('10.9.0.0/24 === 10.2.0.0/24');
  });

  it('DPD action: a peer restart must be recovered by someone; clear with no initiator is a finding', () => {
    const s = defaultSettings();
    s.left.gateway.startAction = 'trap';
    s.right.gateway.startAction = 'wait';
    s.left.gateway.dpd.action = 'trap';
    s.right.gateway.dpd.action = 'trap';
    expect(pair(s, 'dpd.action').ok).toBe(true);
    s.left.gateway.startAction = 'initiate';
    s.left.gateway.dpd.action = 'clear';
    const p = pair(s, 'dpd.action');
    expect(p.ok).toBe(false);
    expect(p.why).toMatch(/after gw-right restarts.*gw-left's DPD action clear only clears the SAs/);
  });
});

describe('weak cryptography: advice on the pair, never a mismatch', () => {
  it('names DH group 2, SHA-1, 3DES and missing PFS on the pairs of their fields, with the recommendation', () => {
    const s = defaultSettings();
    for (const side of ['left', 'right'] as const) {
      s[side].gateway.ikeProposals = ['3des-sha1-modp1024'];
      s[side].gateway.espProposals = ['aes256-sha256'];
    }
    const pairs = compareGateways(s);
    expect(pairs.filter((p) => !p.ok)).toEqual([]);
    const ike = pairs.find((p) => p.left === 'left.gateway.ikeProposals')!;
    expect(ike.advice?.join('\n')).toMatch(/both gateways: DH group 2 \(modp1024\) in IKE proposals; use DH group 19/);
    expect(ike.advice?.join('\n')).toMatch(/SHA-1 integrity/);
    expect(ike.advice?.join('\n')).toMatch(/3DES encryption/);
    const pfs = pairs.filter((p) => p.left === 'left.gateway.espProposals')[1];
    expect(pfs.advice?.join('\n')).toMatch(/no PFS/);
  });

  it('cites the device line of each field when the settings carry an import provenance, never line 0', () => {
    const s = defaultSettings();
    s.left.gateway.ikeProposals = ['aes256-sha256-modp1536'];
    const pairs = compareGateways(s, {
      'left.gateway.ikeProposals': {
        line: 12,
        text: 'crypto ikev2 policy 10',
        more: [
          { line: 15, text: ' group 5' },
          { line: 0, text: '(the input as a whole)' },
        ],
      },
    });
    const ike = pairs.find((p) => p.left === 'left.gateway.ikeProposals')!;
    expect(ike.lines?.map((l) => l.line)).toEqual([12, 15]);
    expect(ike.advice?.[0]).toMatch(/^gw-left: DH group 5/);
  });
});
