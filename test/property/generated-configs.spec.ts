import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { renderStrongswanConf } from '../../lab/config/strongswan-conf.js';
import { renderSwanctlConf } from '../../lab/config/swanctl-conf.js';
import { parseSettingsSyntax } from '../../lab/importers/settings-syntax.js';
import { importSwanctl } from '../../lab/importers/swanctl.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { validateSettings } from '../../lab/settings/validate.js';

const enc = fc.constantFrom('aes128', 'aes256', 'aes192', '3des', 'camellia256');
const integ = fc.constantFrom('sha1', 'sha256', 'sha384', 'sha512');
const dh = fc.constantFrom('modp2048', 'modp3072', 'ecp256', 'ecp384', 'curve25519');
const ikeProposal = fc.tuple(enc, integ, dh).map((p) => p.join('-'));
const espProposal = fc
  .tuple(enc, integ, fc.option(dh, { nil: undefined }))
  .map(([e, i, d]) => [e, i, d].filter(Boolean).join('-'));
const octet = fc.integer({ min: 1, max: 254 });
const subnet = fc.tuple(octet, octet).map(([a, b]) => `10.${a}.${b}.0/24`);
const fqdn = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}\.example$/);
const id = fc.oneof(
  fqdn,
  fc.tuple(octet, octet).map(([a, b]) => `192.0.${a}.${b}`),
);
const psk = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\n') && !/[\u0000-\u001f]/.test(s));

const settings: fc.Arbitrary<LabSettings> = fc
  .record({
    ikeVersion: fc.constantFrom(1 as const, 2 as const),
    ikeProposals: fc.array(ikeProposal, { minLength: 1, maxLength: 3 }),
    espProposals: fc.array(espProposal, { minLength: 1, maxLength: 3 }),
    psk,
    localId: id,
    remoteId: id,
    localTs: fc.array(subnet, { minLength: 1, maxLength: 1 }),
    remoteTs: fc.array(subnet, { minLength: 1, maxLength: 1 }),
    dpdDelay: fc.integer({ min: 0, max: 300 }),
    dpdAction: fc.constantFrom('clear' as const, 'trap' as const, 'restart' as const),
    ikeRekey: fc.integer({ min: 60, max: 86400 }),
    childRekey: fc.integer({ min: 60, max: 28800 }),
    startAction: fc.constantFrom('initiate' as const, 'wait' as const, 'trap' as const),
    encap: fc.boolean(),
    mobike: fc.boolean(),
  })
  .map((g) => {
    const s = defaultSettings();
    Object.assign(s.left.gateway, {
      ikeVersion: g.ikeVersion,
      ikeProposals: g.ikeProposals,
      espProposals: g.espProposals,
      psk: g.psk,
      localId: g.localId,
      remoteId: g.remoteId,
      localTs: g.localTs,
      remoteTs: g.remoteTs,
      dpd: { ...s.left.gateway.dpd, delay: g.dpdDelay, action: g.dpdAction },
      ike: { ...s.left.gateway.ike, rekeyTime: g.ikeRekey },
      child: { ...s.left.gateway.child, rekeyTime: g.childRekey },
      startAction: g.startAction,
      encap: g.encap,
      mobike: g.ikeVersion === 2 ? g.mobike : true,
    });
    return validateSettings(s);
  });

describe('generated configs always parse back', () => {
  it('swanctl.conf rendered from any valid settings imports to the same gateway (property)', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const text = renderSwanctlConf(s, 'left', { revealSecrets: true });
        const back = importSwanctl(text, { side: 'left' });
        const g = s.left.gateway;
        expect(back.gateway).toMatchObject({
          ikeVersion: g.ikeVersion,
          ikeProposals: g.ikeProposals,
          espProposals: g.espProposals,
          psk: g.psk,
          localId: g.localId,
          remoteId: g.remoteId,
          localTs: g.localTs,
          remoteTs: g.remoteTs,
          startAction: g.startAction,
          encap: g.encap,
        });
        expect(back.gateway.dpd).toMatchObject({ delay: g.dpd.delay, action: g.dpd.action });
        expect(back.gateway.child?.rekeyTime).toBe(g.child.rekeyTime);
        expect(back.gateway.ike?.rekeyTime).toBe(g.ike.rekeyTime);
        expect(() => validateSettings(back.settings)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('strongswan.conf always parses as strongSwan settings syntax', () => {
    for (const datapath of ['kernel', 'libipsec'] as const) {
      for (const realisticTimers of [true, false]) {
        expect(() => parseSettingsSyntax(renderStrongswanConf({ datapath, realisticTimers }))).not.toThrow();
      }
    }
  });
});
