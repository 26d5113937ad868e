import { describe, expect, it } from 'vitest';

import { cryptoAdvice } from '../../lab/settings/crypto-strength.js';
import { defaultSettings } from '../../lab/settings/defaults.js';

const issues = (mutate: (s: ReturnType<typeof defaultSettings>) => void) => {
  const s = defaultSettings();
  for (const side of ['left', 'right'] as const) s[side].gateway.espProposals = ['aes256gcm16-ecp384'];
  mutate(s);
  return cryptoAdvice(s).map((a) => `${a.side} ${a.field}: ${a.issue}`);
};

describe('weak cryptography', () => {
  it('a modern template (AES-GCM, group 20 PFS, SHA-256, default lifetimes) has nothing to say', () => {
    expect(issues(() => {})).toEqual([]);
  });

  it('flags every weak DH group the guidance lists (1, 2, 5, 22, 23, 24), in IKE and as PFS', () => {
    for (const g of ['modp768', 'modp1024', 'modp1536', 'modp1024s160', 'modp2048s224', 'modp2048s256']) {
      const found = issues((s) => {
        s.left.gateway.ikeProposals = [`aes256-sha256-${g}`];
        s.left.gateway.espProposals = [`aes256-sha256-${g}`];
      });
      expect(
        found.some((f) => f.startsWith('left gateway.ikeProposals: DH group') && f.includes(g)),
        g,
      ).toBe(true);
      expect(
        found.some((f) => f.startsWith('left gateway.espProposals: PFS with DH group')),
        g,
      ).toBe(true);
    }
  });

  it('flags MD5/SHA-1 integrity, DES/3DES, missing PFS and long lifetimes; one shared weakness is listed once', () => {
    const found = issues((s) => {
      for (const side of ['left', 'right'] as const) {
        s[side].gateway.ikeProposals = ['3des-md5-modp2048'];
        s[side].gateway.espProposals = ['des-sha1'];
      }
      s.right.gateway.ike.rekeyTime = 172_800;
      s.left.gateway.child.lifeTime = 43_200;
    });
    expect(found).toEqual([
      'both gateway.ikeProposals: MD5 integrity in IKE proposals',
      'both gateway.ikeProposals: 3DES encryption in IKE proposals',
      'both gateway.espProposals: SHA-1 integrity in ESP proposals',
      'both gateway.espProposals: DES encryption in ESP proposals',
      'both gateway.espProposals: no PFS: CHILD_SA keys are derived from the IKE_SA key, without a fresh DH exchange',
      'left gateway.child.lifeTime: CHILD_SA lifetime 12 h (more than 8 h)',
      'right gateway.ike.rekeyTime: IKE_SA lifetime 48 h (more than 24 h)',
    ]);
  });

  it('exactly 24 h IKE and 8 h CHILD lifetimes are within the guidance', () => {
    expect(
      issues((s) => {
        s.left.gateway.ike.rekeyTime = 86_400;
        s.left.gateway.child.rekeyTime = 28_800;
      }),
    ).toEqual([]);
  });

  it('every advice says what to use instead', () => {
    const s = defaultSettings();
    s.left.gateway.ikeProposals = ['3des-md5-modp1024'];
    for (const a of cryptoAdvice(s)) expect(a.recommendation).toMatch(/use|add|at most/);
  });
});
