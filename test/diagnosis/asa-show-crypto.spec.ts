// A customer's Cisco ASA `show crypto ipsec sa` as SA evidence: encaps is what the ASA sent into
// the tunnel, decaps what it got back (the field guide's check), cited by line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseSasText } from '../../lab/diagnosis/sas-text.js';

const F = 'test/fixtures/asa';
const lines = (name: string) => readFileSync(`${F}/${name}`, 'utf8').split('\n');

describe('Cisco ASA show crypto ipsec sa', () => {
  it('becomes an installed CHILD_SA with encaps as out, decaps as in, selectors, SPIs and NAT-T', async () => {
    const snap = await parseSasText(lines('show-crypto-ipsec-sa-no-decaps.txt'), 'right', 'asa.txt');
    expect(snap.ikeSas).toHaveLength(1);
    const c = snap.ikeSas[0].children[0];
    expect(c).toMatchObject({
      state: 'INSTALLED',
      packetsOut: 1520,
      packetsIn: 0,
      localTs: ['10.2.0.0/24'],
      remoteTs: ['10.1.0.0/24'],
      spiIn: 'c0ffee01',
      spiOut: '5d1a2b3c',
      udpEncap: true,
    });
    expect(c.lines?.out?.text).toContain('#pkts encaps: 1520');
    expect(c.lines?.in?.line).toBe(11);
  });

  it('pasted without its "Crypto map tag" lines: a block per local ident (or per crypto ACL line after one), the counters of each', async () => {
    // Two blocks as they stand in the fixture, each cut above its access-list line, then the second
    // cut above its local ident: the first block starts at its local ident, the second at its ACL line.
    const all = lines('show-crypto-ipsec-sa-no-decaps.txt').map((l) => l.trim());
    const body = all.slice(all.findIndex((l) => l.startsWith('local ident')));
    const acl = all.find((l) => l.startsWith('access-list'))!;
    const snap = await parseSasText([...body, acl, ...body], 'right', 'asa.txt');
    expect(snap.ikeSas.map((i) => i.name)).toEqual(['proxy 10.2.0.0', 'LAB_VPN']);
    for (const i of snap.ikeSas) expect(i.children[0]).toMatchObject({ packetsOut: 1520, packetsIn: 0 });
  });

  it("a running-config's crypto ACL lines are no SAs", async () => {
    const snap = await parseSasText(
      [
        'access-list LAB_VPN extended permit ip 10.2.0.0 255.255.255.0 10.1.0.0 255.255.255.0',
        'access-list LAB_VPN extended permit ip 10.3.0.0 255.255.255.0 10.1.0.0 255.255.255.0',
        'crypto map outside_map 10 match address LAB_VPN',
      ],
      'right',
      'running-config.txt',
    );
    expect(snap.ikeSas).toEqual([]);
  });

  it('diagnose: counters moving both ways are healthy; encaps without decaps is ESP lost or no return traffic, with the deciding check', () => {
    const run = (file: string) =>
      JSON.parse(
        spawnSync(process.execPath, ['bin/ipsec-lab.js', 'diagnose', '--json', '--right-sas', `${F}/${file}`], {
          encoding: 'utf8',
        }).stdout,
      );
    expect(run('show-crypto-ipsec-sa-healthy.txt').verdict).toBe('healthy');
    const bad = run('show-crypto-ipsec-sa-no-decaps.txt');
    expect(bad.verdict).toBe('esp-blocked');
    expect(bad.findings.map((f: { cause: string }) => f.cause)).toContain('no-return-traffic');
    expect(bad.findings[0].evidence.map((e: { text: string }) => e.text.trim())).toEqual(
      expect.arrayContaining([expect.stringContaining('#pkts decaps: 0')]),
    );
  });
});
