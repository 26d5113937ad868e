import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { exportAsa } from '../../lab/exporters/asa.js';
import { defaultSettings } from '../../lab/settings/defaults.js';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ipsec-lab.js', ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = () => mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-import-'));
const PUBLIC = 'test/fixtures/configs/public';

describe('`import` and `export` from the command line', () => {
  it("picks a tunnel with --tunnel, lists the others, and never prints another tunnel's key", () => {
    // Two tunnels with their own keys: a Palo Alto config with plain-text keys.
    const text = readFileSync(`${PUBLIC}/pan-aws-ikev1-bgp-configure-mode/config.set`, 'utf8');
    const d = dir();
    const file = path.join(d, 'aws.set');
    writeFileSync(file, text);
    const r = cli('import', file, '--tunnel', 'ipsec-tunnel-2', '--json');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.entry).toBe('ipsec-tunnel-2');
    // No key in what is printed, the imported tunnel's included, unless revealed.
    expect(result.gateway.psk).toBe('********');
    expect(result.settings.left.gateway.psk).toBe('********');
    expect(r.stdout).not.toContain('plain-text-password2');
    const shown = JSON.parse(cli('import', file, '--tunnel', 'ipsec-tunnel-2', '--json', '--reveal-secrets').stdout);
    expect(shown.gateway.psk).toBe('plain-text-password2');
    expect(r.stderr).toContain(
      '2 tunnels: ipsec-tunnel-1 (peer 72.21.209.193), ipsec-tunnel-2 (peer 72.21.209.225) [imported]',
    );
    for (const out of [r.stdout, r.stderr]) expect(out).not.toContain('plain-text-password1');
    expect(r.stderr).toMatch(/aws\.set:\d+: not imported: set authentication pre-shared-key key \*{8} /);
    const revealed = cli('import', file, '--tunnel', 'ipsec-tunnel-2', '--reveal-secrets');
    expect(revealed.stderr).toContain('plain-text-password1');
  });

  it('lists placeholders with the lab value that replaces them, and cites no line 0', () => {
    const r = cli('import', `${PUBLIC}/asa-oci-ikev2-crypto-map-template/config.txt`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /config\.txt:\d+: placeholder \$\{oracleHeadend1\} \(peerAddress\) replaced by the lab peer gateway /,
    );
    expect(r.stderr).toMatch(/placeholder \$\{sharedSecret1\} \(psk\) replaced by the lab's default key/);
    expect(r.stderr).not.toMatch(/:0: /);
  });

  it('builds the lab from both ends with --left and --right', () => {
    const d = dir();
    const s = defaultSettings();
    s.left.gateway.psk = s.right.gateway.psk = 'Both-Ends-Key';
    const asa = path.join(d, 'asa.cfg');
    writeFileSync(asa, exportAsa(s, 'left', { revealSecrets: true }));
    const settings = path.join(d, 'lab.json');
    writeFileSync(settings, JSON.stringify(s));
    const pan = path.join(d, 'partner.set');
    const exp = cli(
      'export',
      '--settings',
      settings,
      '--side',
      'right',
      '--format',
      'paloalto',
      '--reveal-secrets',
      '--out',
      pan,
    );
    expect(exp.status, exp.stderr).toBe(0);
    expect(readFileSync(pan, 'utf8')).toContain('set network ike gateway LAB-GW peer-address ip 198.51.100.10');
    const r = cli('import', '--left', asa, '--right', pan, '--json', '--reveal-secrets');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.left.format).toBe('asa');
    expect(out.right.format).toBe('paloalto');
    expect(out.settings.right.gateway.psk).toBe('Both-Ends-Key');
    expect(r.stderr).toContain('the two configs agree on every setting they must share');
    // The file --out writes keeps the key the lab needs; what is printed without --reveal-secrets does not.
    const written = path.join(d, 'pair.json');
    const quiet = cli('import', '--left', asa, '--right', pan, '--out', written, '--json');
    expect(quiet.stdout).not.toContain('Both-Ends-Key');
    expect(JSON.parse(readFileSync(written, 'utf8')).left.gateway.psk).toBe('Both-Ends-Key');
    expect(out.provenance['right.gateway.ikeProposals'].text).toContain('ike-crypto-profile LAB-IKE');
    const bad = cli('import', '--left', asa, '--right', path.join(d, 'missing.set'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('missing.set: cannot read');
  });
});
