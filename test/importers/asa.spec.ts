import { describe, expect, it } from 'vitest';

import { importAsa } from '../../lab/importers/asa.js';
import { ImportError } from '../../lab/importers/types.js';
import { trafficSelectors } from '../../lab/settings/addresses.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { fixture, thrown } from './fixtures.js';

const lines = (r: { unsupported: { line: number }[] }) => r.unsupported.map((u) => u.line);

describe('ASA importer', () => {
  it('imports the field-guide IKEv1 example with objects and NAT exemption', () => {
    const r = importAsa(fixture('asa-ikev1-objects.txt'));
    expect(r.entry).toBe('outside_map 10');
    expect(r.gateway).toMatchObject({
      ikeVersion: 1,
      // One strongSwan proposal per policy, in priority order; "aes" is AES-128, "sha" SHA-1, group 2 modp1024.
      ikeProposals: ['aes128-sha1-modp1024', '3des-sha1-modp1024'],
      // "set pfs" without a group is group 2.
      espProposals: ['aes128-sha1-modp1024'],
      psk: 'cisco123',
      localId: '200.100.0.1',
      remoteId: '90.1.1.1',
      localTs: ['172.16.100.0/24'],
      remoteTs: ['192.168.10.0/24'],
      ike: { rekeyTime: 86400, reauthTime: 0, overTime: 0 },
      // No lifetime on the map: the ASA default of 28800 s.
      child: { rekeyTime: 28800, lifeTime: 0 },
      aggressive: false,
    });
    expect(r.peerAddress).toBe('90.1.1.1');
    expect(r.localAddress).toBe('200.100.0.1');
    expect(r.lan).toBe('172.16.100.0/24');
    // Device settings, the unused web server object and its NAT, the interface ACL, the route and
    // the management interface are listed; the NAT exemption of the tunnel (line 38) is understood.
    expect(lines(r)).toEqual([6, 8, 9, 10, 22, 23, 24, 25, 26, 32, 33, 34, 36, 37, 39, 41]);
    expect(r.unsupported.find((u) => u.line === 39)).toEqual({
      line: 39,
      text: 'route outside 0.0.0.0 0.0.0.0 200.100.0.2 1',
      reason: 'not part of the tunnel',
    });
    expect(r.unsupported.find((u) => u.line === 33)!.reason).toContain('webserver is not used');
  });

  it('mirrors the imported side onto the other one', () => {
    const { settings } = importAsa(fixture('asa-ikev1-objects.txt'));
    expect(validateSettings(settings)).toEqual(settings);
    const l = settings.left.gateway;
    const r = settings.right.gateway;
    expect(settings.left.lan).toBe('172.16.100.0/24');
    expect(settings.right.lan).toBe('192.168.10.0/24');
    expect(r.localId).toBe(l.remoteId);
    expect(r.remoteId).toBe(l.localId);
    expect(r.psk).toBe(l.psk);
    expect(r.ikeProposals).toEqual(l.ikeProposals);
    expect(r.espProposals).toEqual(l.espProposals);
    expect(trafficSelectors(settings, 'right')).toEqual({ local: ['192.168.10.0/24'], remote: ['172.16.100.0/24'] });
    // The ASA starts the tunnel on traffic; its mirror waits for it.
    expect(l.startAction).toBe('trap');
    expect(r.startAction).toBe('wait');
  });

  it('imports onto the right side when asked', () => {
    const { settings } = importAsa(fixture('asa-ikev1-objects.txt'), { side: 'right' });
    expect(settings.right.gateway.localId).toBe('200.100.0.1');
    expect(settings.left.gateway.localId).toBe('90.1.1.1');
    expect(settings.right.lan).toBe('172.16.100.0/24');
  });

  it('imports inline ACL addresses, several transform sets, aggressive mode and keepalive', () => {
    const r = importAsa(fixture('asa-ikev1-inline.txt'));
    expect(r.gateway).toMatchObject({
      ikeVersion: 1,
      // The rsa-sig policy 65535 cannot be used with pre-shared keys.
      ikeProposals: ['aes256-sha256-modp2048'],
      espProposals: ['aes256-sha256-modp2048', 'aes128-sha1-modp2048'],
      psk: 'Br@nch-Secret-2024',
      localTs: ['10.20.0.0/24', '10.20.0.5/32'],
      remoteTs: ['10.10.0.0/16', '192.0.2.25/32'],
      ike: { rekeyTime: 28800 },
      // The global "crypto ipsec security-association lifetime seconds 3600".
      child: { rekeyTime: 3600 },
      dpd: { delay: 15 },
      aggressive: true,
    });
    expect(lines(r)).toEqual([1, 23, 33, 34, 35, 36, 37, 38]);
    expect(r.unsupported[1].reason).toContain('volume lifetimes');
    expect(r.unsupported[2].reason).toContain('rsa-sig');
    expect(r.warnings.map((w) => w.line)).toContain(12);
    validateSettings(r.settings);
  });

  it('imports IKEv2 policies, GCM ipsec-proposals and object-groups', () => {
    const r = importAsa(fixture('asa-ikev2-gcm.txt'));
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      ikeProposals: ['aes256gcm16-prfsha384-ecp384-ecp256', 'aes256-aes128-sha256-modp2048'],
      // GCM and CBC ciphers go into separate strongSwan proposals; PFS group 20 is appended.
      espProposals: ['aes256gcm16-aes128gcm16-ecp384', 'aes256-sha256-sha1-ecp384'],
      psk: 'Cl0ud-PSK-Example',
      localTs: ['10.50.0.0/24', '10.51.0.0/24'],
      remoteTs: ['172.31.0.0/16'],
      ike: { rekeyTime: 28800 },
      child: { rekeyTime: 3600 },
      dpd: { delay: 0 },
      mobike: false,
    });
    expect(r.unsupported).toEqual([
      { line: 23, text: ' protocol esp encryption aes-256 aes-gmac', reason: expect.stringContaining('AES-GMAC') },
      { line: 30, text: 'crypto map CLOUD 1 set reverse-route', reason: expect.stringContaining('reverse route') },
    ]);
    expect(r.settings.left.lan).toBe('10.50.0.0/24');
    expect(r.settings.right.lan).toBe('172.31.0.0/16');
  });

  it('picks the first crypto map entry and lists the others', () => {
    const r = importAsa(fixture('asa-multi-entry.txt'));
    expect(r.entry).toBe('outside_map 10');
    expect(r.gateway.ikeVersion).toBe(1);
    expect(r.gateway.psk).toBe('partnerAkey');
    expect(r.warnings).toContainEqual({ line: 22, message: expect.stringContaining('outside_map 20 is not imported') });
    expect(lines(r)).toEqual(expect.arrayContaining([22, 23, 24, 25, 26, 45, 46, 47, 48]));
    expect(lines(r)).not.toContain(18);
  });

  it('picks another crypto map entry by sequence number', () => {
    const r = importAsa(fixture('asa-multi-entry.txt'), { entry: 20 });
    expect(r.entry).toBe('outside_map 20');
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      ikeProposals: ['aes256-sha256-prfsha256-ecp256'],
      espProposals: ['aes256-sha256-ecp256'],
      psk: 'partnerBkey',
      remoteId: '192.0.2.77',
      remoteTs: ['10.200.2.0/24'],
      ike: { rekeyTime: 43200 },
      startAction: 'wait',
    });
    expect(r.settings.right.gateway.startAction).toBe('initiate');
    expect(importAsa(fixture('asa-multi-entry.txt'), { entry: 'outside_map 20' }).entry).toBe('outside_map 20');
    const e = thrown(() => importAsa(fixture('asa-multi-entry.txt'), { entry: 30 }));
    expect(e.message).toContain('outside_map 10, outside_map 20');
  });

  it('names the line of a crypto map that references an undefined transform set', () => {
    const e = thrown(() => importAsa(fixture('asa-broken-transform-set.txt')));
    expect(e).toBeInstanceOf(ImportError);
    expect(e).toMatchObject({ code: 'import-error', line: 8 });
    expect(e.message).toBe(
      'line 8: transform set ESP-AES256 is not defined (expected "crypto ipsec ikev1 transform-set ESP-AES256 ...")',
    );
  });

  it('names the line of a crypto map that references an undefined ACL', () => {
    const e = thrown(() => importAsa(fixture('asa-broken-acl.txt')));
    expect(e).toMatchObject({ code: 'import-error', line: 6 });
    expect(e.message).toContain('access-list no_such_acl is not defined');
  });

  it('refuses unknown algorithms and objects the tunnel needs, with the line', () => {
    const tunnel = [
      'access-list v extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'crypto ipsec ikev1 transform-set T esp-aes esp-sha-hmac',
      'crypto map m 1 match address v',
      'crypto map m 1 set peer 192.0.2.1',
      'crypto map m 1 set ikev1 transform-set T',
    ];
    const policy = ['crypto ikev1 policy 10', ' authentication pre-share', ' encryption aes-512'];
    expect(thrown(() => importAsa([...policy, ...tunnel].join('\n')))).toMatchObject({
      line: 3,
      message: expect.stringContaining('unknown IKEv1 encryption "aes-512"'),
    });
    // A policy that cannot be read is left out when another one can be used.
    const two = importAsa([...policy, 'crypto ikev1 policy 20', ' authentication pre-share', ...tunnel].join('\n'));
    expect(two.gateway.ikeProposals).toEqual(['3des-sha1-modp1024']);
    expect(two.unsupported.find((u) => u.line === 3)?.reason).toContain('unknown IKEv1 encryption');
    const acl = [
      'access-list v extended permit ip object NOPE any',
      'crypto ipsec ikev1 transform-set T esp-aes esp-sha-hmac',
      'crypto ikev1 policy 1',
      ' authentication pre-share',
      'crypto map m 1 match address v',
      'crypto map m 1 set peer 192.0.2.1',
      'crypto map m 1 set ikev1 transform-set T',
    ];
    expect(thrown(() => importAsa(acl.join('\n')))).toMatchObject({
      line: 1,
      message: expect.stringContaining('object NOPE is not defined'),
    });
    acl[0] = 'access-list v extended permit ip 10.0.0.0 255.0.255.0 any';
    expect(thrown(() => importAsa(acl.join('\n')))).toMatchObject({
      line: 1,
      message: expect.stringContaining('expected a netmask'),
    });
    expect(thrown(() => importAsa('hostname x\n'))).toMatchObject({
      line: 0,
      message: expect.stringContaining('no tunnel found'),
    });
  });

  it('lists what it cannot read and the tunnel does not need, and imports the rest', () => {
    const text = [
      'access-list v extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'access-list other extended permit ip 10.0.0.0 255.0.255.0 any',
      'object network broken',
      ' subnet 10.9.0.0 255.0.255.0',
      'crypto ipsec ikev1 transform-set T esp-aes esp-sha-hmac',
      'crypto ipsec ikev1 transform-set UNUSED esp-aes-512 esp-sha-hmac',
      'crypto ikev1 policy 1',
      ' authentication pre-share',
      'crypto map m 1 match address v',
      'crypto map m 1 set peer 192.0.2.1',
      'crypto map m 1 set ikev1 transform-set T',
      'some-future-command with arguments',
      'crypto map m 1 set pfs group99',
    ];
    // Line 13 is needed: the PFS group of the imported entry.
    expect(thrown(() => importAsa(text.join('\n')))).toMatchObject({
      line: 13,
      message: expect.stringContaining('PFS group'),
    });
    const r = importAsa(text.slice(0, -1).join('\n'));
    expect(r.gateway.espProposals).toEqual(['aes128-sha1']);
    expect(lines(r)).toEqual([2, 3, 4, 6, 12]);
    expect(r.unsupported.find((u) => u.line === 6)?.reason).toContain('unknown transform "esp-aes-512"');
  });

  it('applies ASA defaults to a minimal policy and reports a masked key', () => {
    const text = [
      'access-list v extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'crypto ipsec transform-set T esp-3des esp-md5-hmac',
      'crypto isakmp policy 5',
      ' authentication pre-share',
      'crypto map m 1 match address v',
      'crypto map m 1 set peer 192.0.2.1',
      'crypto map m 1 set transform-set T',
      'tunnel-group 192.0.2.1 ipsec-attributes',
      ' pre-shared-key *****',
    ].join('\n');
    const r = importAsa(text);
    // Pre-8.4 syntax; policy defaults 3des/sha/group 2/86400 s.
    expect(r.gateway.ikeProposals).toEqual(['3des-sha1-modp1024']);
    expect(r.gateway.espProposals).toEqual(['3des-md5']);
    expect(r.gateway.ike!.rekeyTime).toBe(86400);
    expect(r.warnings).toContainEqual({ line: 9, message: expect.stringContaining('masked') });
    expect(r.warnings).toContainEqual({ line: 5, message: expect.stringContaining('not applied to an interface') });
    validateSettings(r.settings);
  });

  it('lists a differing IKEv2 remote key as unsupported', () => {
    const text = [
      'access-list v extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'crypto ipsec ikev2 ipsec-proposal P',
      ' protocol esp encryption aes-256',
      'crypto ikev2 policy 1',
      ' encryption aes-256',
      ' integrity sha512',
      ' group 21',
      'crypto map m 1 match address v',
      'crypto map m 1 set peer 192.0.2.1',
      'crypto map m 1 set ikev2 ipsec-proposal P',
      'tunnel-group 192.0.2.1 ipsec-attributes',
      ' ikev2 remote-authentication pre-shared-key theirs',
      ' ikev2 local-authentication pre-shared-key ours',
    ].join('\n');
    const r = importAsa(text);
    expect(r.gateway.psk).toBe('ours');
    expect(r.gateway.ikeProposals).toEqual(['aes256-sha512-ecp521']);
    // An ipsec-proposal without integrity: the ASA default SHA-1.
    expect(r.gateway.espProposals).toEqual(['aes256-sha1']);
    expect(r.unsupported).toEqual([
      {
        line: 12,
        // Keys are masked wherever a line is quoted back.
        text: ' ikev2 remote-authentication pre-shared-key ********',
        reason: expect.stringContaining('one key'),
      },
    ]);
  });
});
