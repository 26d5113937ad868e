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
