import { describe, expect, it } from 'vitest';

import { exportAsa } from '../../lab/exporters/asa.js';
import { exportPaloAlto } from '../../lab/exporters/paloalto.js';
import { importConfig, importPair } from '../../lab/importers/index.js';
import { compareGateways } from '../../lab/settings/compare.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { validateSettings } from '../../lab/settings/validate.js';

/** One tunnel as two devices configure it: an ASA on the left, a Palo Alto on the right. */
function ends() {
  const s = defaultSettings();
  s.left.gateway.psk = 'Shared-Key-2024';
  s.right.gateway.psk = 'Shared-Key-2024';
  return {
    settings: s,
    asa: exportAsa(s, 'left', { revealSecrets: true }),
    pan: exportPaloAlto(s, 'right', { revealSecrets: true }),
  };
}

describe('import of both ends from their own configs', () => {
  it('builds the lab from an ASA and a Palo Alto config of the same tunnel, with no mismatch', () => {
    const { asa, pan } = ends();
    const r = importPair({ text: asa }, { text: pan });
    expect(r.left.format).toBe('asa');
    expect(r.right.format).toBe('paloalto');
    validateSettings(r.settings);
    expect(r.settings.left.gateway.localId).toBe(r.settings.right.gateway.remoteId);
    expect(r.settings.right.gateway.psk).toBe('Shared-Key-2024');
    const bad = compareGateways(r.settings).filter((p) => !p.ok);
    expect(bad).toEqual([]);
  });

  it('keeps a mismatch the two devices have, and cites each device line', () => {
    const { asa } = ends();
    const s = defaultSettings();
    s.right.gateway.psk = 'Shared-Key-2024';
    s.right.gateway.espProposals = ['aes128-sha1'];
    const pan = exportPaloAlto(s, 'right', { revealSecrets: true });
    const r = importPair({ text: asa }, { text: pan });
    expect(r.settings.left.gateway.espProposals).toEqual(['aes256-sha256']);
    expect(r.settings.right.gateway.espProposals).toEqual(['aes128-sha1']);
    const esp = compareGateways(r.settings).find((p) => p.left === 'left.gateway.espProposals' && !p.ok);
    expect(esp).toBeDefined();
    // Where each side's ESP proposals come from, in each device's own terms.
    const left = r.provenance['left.gateway.espProposals'];
    const right = r.provenance['right.gateway.espProposals'];
    expect(left.side).toBe('left');
    expect(asa.split('\n')[left.line - 1]).toBe(left.text);
    expect(left.text).toMatch(/^crypto map LAB_MAP 10 set ikev2 ipsec-proposal /);
    expect(right.side).toBe('right');
    expect(right.text).toMatch(/^set network tunnel ipsec LAB-TUNNEL auto-key ipsec-crypto-profile /);
    expect(right.more?.map((m) => m.text).join('\n')).toContain('esp encryption aes-128-cbc');
  });

  it('differs from the single-file import, which mirrors the one config', () => {
    const { asa, pan } = ends();
    const single = importConfig(asa);
    const s2 = defaultSettings();
    s2.right.gateway.ikeProposals = ['aes128-sha1-modp2048'];
    s2.right.gateway.psk = 'Shared-Key-2024';
    const pair = importPair({ text: asa }, { text: exportPaloAlto(s2, 'right', { revealSecrets: true }) });
    expect(single.settings.right.gateway.ikeProposals).toEqual(single.settings.left.gateway.ikeProposals);
    expect(pair.settings.right.gateway.ikeProposals).toEqual(['aes128-sha1-modp2048']);
    expect(importPair({ text: asa }, { text: pan }).settings.right.gateway.startAction).toBe('wait');
  });

  it("takes the other end's key where one config only has a placeholder, and says so", () => {
    const { asa } = ends();
    const template = exportPaloAlto(defaultSettings(), 'right');
    const r = importPair({ text: asa }, { text: template });
    expect(r.settings.right.gateway.psk).toBe('Shared-Key-2024');
    expect(r.right.placeholders).toContainEqual(
      expect.objectContaining({ field: 'psk', text: '*****', replacement: 'the key of the other end' }),
    );
  });

  it('names the side of an error', () => {
    const { asa } = ends();
    expect(() => importPair({ text: asa }, { text: 'hostname x\n', options: { format: 'asa' } })).toThrow(
      /^right: no tunnel found/,
    );
  });
});
