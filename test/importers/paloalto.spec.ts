import { describe, expect, it } from 'vitest';

import { detectFormat, importConfig } from '../../lab/importers/index.js';
import { importPaloAlto } from '../../lab/importers/paloalto.js';
import { ImportError } from '../../lab/importers/types.js';
import { trafficSelectors } from '../../lab/settings/addresses.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { thrown } from './fixtures.js';

const lines = (r: { unsupported: { line: number }[] }) => r.unsupported.map((u) => u.line);

/** A policy-based IKEv1 tunnel with two proxy IDs, as flat set commands. */
const FLAT = [
  'set address HQ-LAN ip-netmask 10.10.0.0/16',
  'set network ike crypto-profiles ike-crypto-profiles P1 encryption [ aes-256-cbc aes-128-cbc ]',
  'set network ike crypto-profiles ike-crypto-profiles P1 hash sha256',
  'set network ike crypto-profiles ike-crypto-profiles P1 dh-group group14',
  'set network ike crypto-profiles ike-crypto-profiles P1 lifetime hours 8',
  'set network ike crypto-profiles ipsec-crypto-profiles P2 esp encryption aes-256-gcm',
  'set network ike crypto-profiles ipsec-crypto-profiles P2 esp authentication none',
  'set network ike crypto-profiles ipsec-crypto-profiles P2 dh-group group19 lifetime minutes 90',
  'set network ike gateway GW-A authentication pre-shared-key key "Branch Key 1"',
  'set network ike gateway GW-A protocol ikev1 ike-crypto-profile P1 exchange-mode aggressive',
  'set network ike gateway GW-A protocol ikev1 dpd interval 20 retry 4 enable yes',
  'set network ike gateway GW-A local-address ip 192.0.2.10/24',
  'set network ike gateway GW-A peer-address ip 198.51.100.77',
  'set network ike gateway GW-A local-id type fqdn id fw.example.net',
  'set network tunnel ipsec T-A auto-key ike-gateway GW-A',
  'set network tunnel ipsec T-A auto-key ipsec-crypto-profile P2',
  'set network tunnel ipsec T-A auto-key proxy-id p1 local HQ-LAN remote 172.16.1.0/24',
  'set network tunnel ipsec T-A auto-key proxy-id p2 local 10.10.0.0/16 remote 172.16.2.0/24 protocol any',
  'set network tunnel ipsec T-A auto-key proxy-id web local 10.10.0.0/16 remote 172.16.3.0/24 protocol tcp',
  'set network tunnel ipsec T-A tunnel-interface tunnel.5',
  'set network ike gateway GW-B authentication pre-shared-key key OtherSecret99',
  'set network ike gateway GW-B peer-address ip 203.0.113.99',
  'set network tunnel ipsec T-B auto-key ike-gateway GW-B',
  'set deviceconfig system hostname fw1',
].join('\n');

describe('Palo Alto importer', () => {
  it('detects set commands, configure mode and the XML form', () => {
    expect(detectFormat(FLAT)).toBe('paloalto');
    expect(detectFormat('configure\nedit network ike gateway X\n set peer-address ip 1.2.3.4\ntop\n')).toBe('paloalto');
    expect(
      detectFormat('<config><devices><entry><network><ike><gateway/></ike></network></entry></devices></config>'),
    ).toBe(null);
    expect(detectFormat('<ike-crypto-profiles><entry name="x"/></ike-crypto-profiles>')).toBe('paloalto');
  });

  it('imports a policy-based IKEv1 tunnel: profiles, proxy IDs, address objects, IDs, DPD, aggressive mode', () => {
    const r = importConfig(FLAT);
    expect(r.format).toBe('paloalto');
    expect(r.entry).toBe('T-A');
    expect(r.gateway).toMatchObject({
      ikeVersion: 1,
      ikeProposals: ['aes256-aes128-sha256-modp2048'],
      espProposals: ['aes256gcm16-ecp256'],
      psk: 'Branch Key 1',
      localId: 'fw.example.net',
      remoteId: '198.51.100.77',
      localTs: ['10.10.0.0/16'],
      remoteTs: ['172.16.1.0/24', '172.16.2.0/24'],
      dpd: { delay: 20, timeout: 80 },
      ike: { rekeyTime: 28800 },
      child: { rekeyTime: 5400 },
      aggressive: true,
      startAction: 'trap',
    });
    expect(r.localAddress).toBe('192.0.2.10');
    expect(r.peerAddress).toBe('198.51.100.77');
    expect(r.routeBased).toBeUndefined();
    expect(trafficSelectors(r.settings, 'right')).toEqual({
      local: ['172.16.1.0/24', '172.16.2.0/24'],
      remote: ['10.10.0.0/16'],
    });
    validateSettings(r.settings);
    // The TCP proxy ID, the other tunnel and its gateway, and the device setting are listed.
    expect(lines(r)).toEqual([19, 21, 22, 23, 24]);
    expect(r.unsupported.find((u) => u.line === 19)!.reason).toContain('protocol-specific');
    expect(r.unsupported.find((u) => u.line === 23)!.reason).toContain('--tunnel T-B');
    expect(r.tunnels).toEqual([
      { name: 'T-A', peer: '198.51.100.77', line: 15, selected: true },
      { name: 'T-B', peer: '203.0.113.99', line: 23, selected: false },
    ]);
    expect(r.provenance?.['left.gateway.ikeProposals']).toMatchObject({ side: 'left', line: 10 });
  });

  it("masks the other tunnels' keys in the notes unless revealed", () => {
    const r = importConfig(FLAT);
    const notes = JSON.stringify([r.unsupported, r.warnings, r.provenance]);
    expect(notes).not.toContain('OtherSecret99');
    expect(r.unsupported.find((u) => u.line === 21)!.text).toBe(
      'set network ike gateway GW-B authentication pre-shared-key key ********',
    );
    const revealed = importConfig(FLAT, { revealSecrets: true });
    expect(revealed.unsupported.find((u) => u.line === 21)!.text).toContain('OtherSecret99');
  });

  it('picks a tunnel by its name, its gateway or its peer', () => {
    for (const key of ['T-B', 'GW-B', '203.0.113.99']) {
      // T-B names no IPsec profile and GW-B no IKE profile: PAN-OS's default profiles, said so.
      const r = importPaloAlto(FLAT, { entry: key });
      expect(r.entry).toBe('T-B');
      expect(r.gateway.psk).toBe('OtherSecret99');
      expect(r.gateway.ikeProposals).toEqual(['aes128-3des-sha1-modp1024']);
      expect(r.warnings.some((w) => /factory default/.test(w.message))).toBe(true);
    }
    expect(thrown(() => importPaloAlto(FLAT, { entry: 'nope' })).message).toContain('T-A (gateway GW-A');
  });

  it('reads configure mode: edit, relative set, up and top', () => {
    const text = [
      'configure',
      'edit network ike crypto-profiles ike-crypto-profiles IKE',
      '  set encryption aes-256-cbc',
      '  set hash sha384',
      '  set dh-group group20',
      '  set lifetime days 1',
      'top',
      'edit network ike gateway GW',
      '  set protocol version ikev2',
      '  edit protocol',
      '    set ikev2 ike-crypto-profile IKE dpd enable yes interval 7',
      '  up',
      '  set authentication pre-shared-key key k3y',
      '  set peer-address ip 203.0.113.5',
      '  set protocol-common passive-mode yes',
      'top',
      'edit network tunnel ipsec T',
      '  set auto-key ike-gateway GW',
      '  set tunnel-monitor enable yes destination-ip 10.9.9.9',
      'exit',
    ].join('\n');
    const r = importPaloAlto(text);
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      ikeProposals: ['aes256-sha384-ecp384'],
      psk: 'k3y',
      ike: { rekeyTime: 86400 },
      dpd: { delay: 7, action: 'restart' },
      // Passive mode answers only, whatever else would start the tunnel.
      startAction: 'wait',
    });
    expect(r.unsupported).toEqual([]);
    expect(r.routeBased).toBe(true);
  });

  it('reads the XML form and fragments placed by their form, listing unused elements with their path', () => {
    const xml = [
      '<entry name="IKE2">',
      '  <encryption><member>aes-128-cbc</member></encryption>',
      '  <hash><member>sha1</member></hash>',
      '  <dh-group><member>group5</member></dh-group>',
      '  <lifetime><minutes>600</minutes></lifetime>',
      '</entry>',
      '<entry name="GW">',
      '  <authentication><pre-shared-key><key>{{ psk }}</key></pre-shared-key></authentication>',
      '  <protocol><version>ikev2</version><ikev2><ike-crypto-profile>IKE2</ike-crypto-profile></ikev2></protocol>',
      '  <peer-address><ip>{{ peer_ip }}</ip></peer-address>',
      '  <comment>branch 4</comment>',
      '</entry>',
      '<entry name="T">',
      '  <auto-key><ike-gateway><entry name="GW"/></ike-gateway></auto-key>',
      '  <copy-tos>yes</copy-tos>',
      '</entry>',
    ].join('\n');
    const r = importConfig(xml);
    expect(r.format).toBe('paloalto');
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      ikeProposals: ['aes128-sha1-modp1536'],
      ike: { rekeyTime: 36000 },
    });
    expect(r.placeholders.map((p) => [p.line, p.field, p.text])).toEqual([
      [8, 'psk', '{{ psk }}'],
      [10, 'peerAddress', '{{ peer_ip }}'],
    ]);
    expect(r.unsupported.map((u) => [u.line, u.reason])).toEqual([
      [11, expect.stringContaining('gateway[GW]/comment')],
      [15, expect.stringContaining('ipsec[T]/copy-tos')],
    ]);
  });

  it('names the line of what the tunnel needs and cannot have', () => {
    const undefinedGw = 'set network tunnel ipsec T auto-key ike-gateway NOPE\n';
    expect(thrown(() => importPaloAlto(undefinedGw))).toMatchObject({
      line: 1,
      message: expect.stringContaining('IKE gateway NOPE is not defined'),
    });
    const cert = [
      'set network ike gateway G authentication certificate local-certificate C',
      'set network ike gateway G peer-address ip 192.0.2.1',
      'set network tunnel ipsec T auto-key ike-gateway G',
    ].join('\n');
    expect(thrown(() => importPaloAlto(cert))).toMatchObject({
      line: 1,
      message: expect.stringContaining('certificate'),
    });
    const badAlg = [
      'set network ike crypto-profiles ike-crypto-profiles P encryption aes-999-cbc',
      'set network ike crypto-profiles ike-crypto-profiles P hash sha1',
      'set network ike crypto-profiles ike-crypto-profiles P dh-group group2',
      'set network ike gateway G authentication pre-shared-key key k',
      'set network ike gateway G protocol ikev1 ike-crypto-profile P',
      'set network ike gateway G peer-address ip 192.0.2.1',
      'set network tunnel ipsec T auto-key ike-gateway G',
    ].join('\n');
    expect(thrown(() => importPaloAlto(badAlg))).toMatchObject({
      line: 1,
      message: expect.stringContaining('aes-999-cbc'),
    });
    const e = thrown(() => importPaloAlto('<config>\n  <devices>\n</config>\n'));
    expect(e).toBeInstanceOf(ImportError);
    expect(e.line).toBe(3);
    expect(thrown(() => importPaloAlto('set deviceconfig system hostname x\n')).message).toContain(
      'no IPsec tunnel found',
    );
  });
});
