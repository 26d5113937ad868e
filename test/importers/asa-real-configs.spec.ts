import { describe, expect, it } from 'vitest';

import { importAsa } from '../../lab/importers/asa.js';
import { trafficSelectors } from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { thrown } from './fixtures.js';

/** The building blocks of an IKEv2 crypto map tunnel, written the way templates write them. */
const POLICY = ['crypto ikev2 policy 10', ' encryption aes-256', ' integrity sha256', ' group 14'];
const PROPOSAL = [
  'crypto ipsec ikev2 ipsec-proposal P',
  ' protocol esp encryption aes-256',
  ' protocol esp integrity sha-256',
];

describe('ASA importer on configs as people publish them', () => {
  it('reads sub-commands whatever their indentation, and a comment does not end a sub-mode', () => {
    const text = [
      'crypto ikev2 policy 10',
      'encryption aes-256',
      'integrity sha256',
      '      group 14',
      '! the group above',
      '  lifetime seconds 3600',
      'exit',
      'crypto ipsec ikev2 ipsec-proposal P',
      'protocol esp encryption aes-256',
      'protocol esp integrity sha-256',
      'access-list VPN extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'crypto map M 10 match address VPN',
      'crypto map M 10 set peer 192.0.2.1',
      'crypto map M 10 set ikev2 ipsec-proposal P',
      'tunnel-group 192.0.2.1 type ipsec-l2l',
      'tunnel-group 192.0.2.1 ipsec-attributes',
      'ikev2 local-authentication pre-shared-key s3cret',
      'ikev2 remote-authentication pre-shared-key s3cret',
      'sla monitor 1',
      'type echo protocol ipIcmpEcho 10.2.0.5 interface outside',
      'frequency 5',
    ].join('\n');
    const r = importAsa(text);
    expect(r.gateway).toMatchObject({
      ikeProposals: ['aes256-sha256-modp2048'],
      espProposals: ['aes256-sha256'],
      ike: { rekeyTime: 3600 },
      psk: 's3cret',
    });
    // The SLA monitor and its sub-commands are listed, not read as part of the tunnel group.
    expect(r.unsupported.map((u) => u.line)).toEqual([19, 20, 21]);
    expect(r.unsupported[1].reason).toContain('part of the block on line 19');
  });

  it('replaces placeholders and masked addresses with the lab values and lists each', () => {
    const text = [
      ...POLICY,
      ...PROPOSAL,
      'interface GigabitEthernet0/0',
      ' nameif outside',
      ' ip address 206.X.X.X 255.255.255.0',
      'object-group network LOCAL',
      ' network-object 10.51.0.0 255.255.0.0',
      'access-list VPN extended permit ip object-group LOCAL ${vcnCidrNetwork} ${vcnCidrNetmask}',
      'crypto map M 10 match address VPN',
      'crypto map M 10 set peer <Azure_Gateway_Public_IP>',
      'crypto map M 10 set ikev2 ipsec-proposal P',
      'crypto map M interface outside',
      'crypto ikev2 enable outside',
      'tunnel-group <Azure_Gateway_Public_IP> ipsec-attributes',
      ' ikev2 local-authentication pre-shared-key {{ psk }}',
    ].join('\n');
    const r = importAsa(text);
    const base = defaultSettings();
    expect(r.placeholders.map((p) => [p.line, p.field, p.text])).toEqual([
      [15, 'peerAddress', '<Azure_Gateway_Public_IP>'],
      [13, 'remoteTs', '${vcnCidrNetwork} ${vcnCidrNetmask}'],
      [10, 'localAddress', '206.X.X.X'],
      [20, 'psk', '{{ psk }}'],
    ]);
    expect(r.placeholders[0].replacement).toBe('the lab peer gateway 203.0.113.10');
    expect(r.gateway.psk).toBe(base.left.gateway.psk);
    // Identities that were placeholders follow the lab's own gateways.
    expect(r.settings.left.gateway.localId).toBe('198.51.100.10');
    expect(r.settings.left.gateway.remoteId).toBe('203.0.113.10');
    expect(trafficSelectors(r.settings, 'left')).toEqual({ local: ['10.51.0.0/16'], remote: ['10.2.0.0/24'] });
    validateSettings(r.settings);
  });

  it('resolves names defined by "name" and reads a prompt pasted with the commands', () => {
    const text = [
      'fw1(config)# name 192.0.2.44 PARTNER',
      'fw1(config)# access-list VPN extended permit ip 10.1.0.0 255.255.255.0 host PARTNER',
      ...POLICY,
      ...PROPOSAL,
      'crypto map M 10 match address VPN',
      'crypto map M 10 set peer PARTNER',
      'crypto map M 10 set ikev2 ipsec-proposal P',
      'tunnel-group 192.0.2.44 ipsec-attributes',
      ' ikev2 local-authentication pre-shared-key k',
    ].join('\n');
    const r = importAsa(text);
    expect(r.peerAddress).toBe('192.0.2.44');
    expect(r.gateway.remoteTs).toEqual(['192.0.2.44/32']);
    expect(r.gateway.psk).toBe('k');
    expect(r.placeholders).toEqual([]);
    expect(r.unsupported).toEqual([]);
  });

  it('imports a route-based VTI as 0.0.0.0/0 with the routed network as the peer LAN, started at once', () => {
    const vti = (responder: boolean) =>
      [
        ...POLICY,
        ...PROPOSAL,
        'interface GigabitEthernet0/0',
        ' nameif outside',
        ' ip address 192.0.2.10 255.255.255.0',
        'interface GigabitEthernet0/1',
        ' nameif inside',
        ' ip address 10.1.1.1 255.255.255.0',
        'crypto ipsec profile PROF',
        ' set ikev2 ipsec-proposal P',
        ' set pfs group14',
        ' set security-association lifetime seconds 7200',
        ...(responder ? [' responder-only'] : []),
        'interface Tunnel1',
        ' nameif vti1',
        ' ip address 169.254.0.1 255.255.255.252',
        ' tunnel source interface OUTSIDE',
        ' tunnel destination 198.51.100.20',
        ' tunnel mode ipsec ipv4',
        ' tunnel protection ipsec profile PROF',
        'route vti1 172.20.0.0 255.255.0.0 169.254.0.2 1',
        'crypto ikev2 enable outside',
        'tunnel-group 198.51.100.20 ipsec-attributes',
        ' ikev2 local-authentication pre-shared-key vti-key',
      ].join('\n');
    const r = importAsa(vti(false));
    expect(r.routeBased).toBe(true);
    expect(r.entry).toBe('Tunnel1');
    expect(r.gateway).toMatchObject({
      localTs: ['0.0.0.0/0'],
      remoteTs: ['0.0.0.0/0'],
      espProposals: ['aes256-sha256-modp2048'],
      child: { rekeyTime: 7200 },
      startAction: 'initiate',
      dpd: { action: 'restart' },
      localId: '192.0.2.10',
    });
    expect(r.settings.left.lan).toBe('10.1.1.0/24');
    expect(r.settings.right.lan).toBe('172.20.0.0/16');
    expect(r.warnings.find((w) => /route-based/.test(w.message))?.message).toContain('172.20.0.0/16');
    // nameif is not case-sensitive: "OUTSIDE" is the interface named outside.
    expect(r.localAddress).toBe('192.0.2.10');
    expect(r.unsupported.map((u) => u.text.trim())).toEqual(['ip address 169.254.0.1 255.255.255.252']);
    expect(importAsa(vti(true)).gateway.startAction).toBe('wait');
  });

  it('maps connection-type to when the tunnel starts', () => {
    const map = (type?: string) =>
      [
        ...POLICY,
        ...PROPOSAL,
        'access-list VPN extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
        'crypto map M 10 match address VPN',
        'crypto map M 10 set peer 192.0.2.1',
        'crypto map M 10 set ikev2 ipsec-proposal P',
        ...(type ? [`crypto map M 10 set connection-type ${type}`] : []),
      ].join('\n');
    expect(importAsa(map()).gateway.startAction).toBe('trap');
    expect(importAsa(map('bidirectional')).gateway.startAction).toBe('trap');
    expect(importAsa(map('originate-only')).gateway.startAction).toBe('trap');
    expect(importAsa(map('answer-only')).gateway.startAction).toBe('wait');
    expect(importAsa(map('answer-only')).settings.right.gateway.startAction).toBe('initiate');
    expect(thrown(() => importAsa(map('sometimes')))).toMatchObject({
      line: 12,
      message: expect.stringContaining('answer-only'),
    });
  });

  it('lists the other tunnels, picks one by peer, interface or sequence, and masks every key', () => {
    const text = [
      ...POLICY,
      ...PROPOSAL,
      'access-list A extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0',
      'access-list B extended permit ip 10.1.0.0 255.255.255.0 10.3.0.0 255.255.255.0',
      'crypto map M 10 match address A',
      'crypto map M 10 set peer 192.0.2.1 192.0.2.2',
      'crypto map M 10 set ikev2 ipsec-proposal P',
      'crypto map M 20 match address B',
      'crypto map M 20 set peer 192.0.2.3',
      'crypto map M 20 set ikev2 ipsec-proposal P',
      'tunnel-group 192.0.2.1 ipsec-attributes',
      ' ikev2 local-authentication pre-shared-key first-key',
      'tunnel-group 192.0.2.2 ipsec-attributes',
      ' ikev2 local-authentication pre-shared-key backup-key',
      'tunnel-group 192.0.2.3 ipsec-attributes',
      ' ikev2 local-authentication pre-shared-key third-key',
    ].join('\n');
    const r = importAsa(text);
    expect(r.tunnels.map((t) => [t.name, t.peer, t.selected])).toEqual([
      ['M 10', '192.0.2.1', true],
      ['M 10', '192.0.2.2', false],
      ['M 20', '192.0.2.3', false],
    ]);
    const notes = JSON.stringify([r.unsupported, r.warnings, r.provenance, r.placeholders]);
    for (const k of ['first-key', 'backup-key', 'third-key']) expect(notes).not.toContain(k);
    expect(importAsa(text, { entry: '192.0.2.2' }).gateway.psk).toBe('backup-key');
    expect(importAsa(text, { entry: 20 }).gateway.psk).toBe('third-key');
    expect(importAsa(text, { entry: 'M 20' }).gateway.remoteTs).toEqual(['10.3.0.0/24']);
    expect(JSON.stringify(importAsa(text, { revealSecrets: true }).unsupported)).toContain('third-key');
  });
});
