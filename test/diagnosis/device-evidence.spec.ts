import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { parseSasText } from '../../lab/diagnosis/sas-text.js';

/**
 * Cisco ASA and Palo Alto output as evidence, in the formats the vendors document (show commands,
 * syslog message texts of the ASA syslog guide, PAN-OS system log and ikemgr.log): each gives its
 * cause in our ids, and every finding cites the device's own line numbers.
 */
async function run(text: string, side: 'left' | 'right' | 'unknown' = 'unknown'): Promise<DiagnosisResult> {
  const lines = text.replace(/^\n/, '').split('\n');
  const r = await diagnose({ logs: [{ source: 'device.txt', side, lines }] });
  for (const f of r.findings)
    for (const e of f.evidence) if (e.line) expect(lines[e.line - 1], `${f.cause} cites line ${e.line}`).toBe(e.text);
  expect(r.stats.unparsed, JSON.stringify(r.inputs?.[0].firstUnrecognised)).toBe(0);
  return r;
}

const isakmp = (role: string, state: string) => `
ciscoasa# show crypto isakmp sa

IKEv1 SAs:

   Active SA: 1
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 1

1   IKE Peer: 203.0.113.10
    Type    : L2L             Role    : ${role}
    Rekey   : no              State   : ${state}

There are no IKEv2 SAs`;

describe('ASA show crypto isakmp sa: the state read by role', () => {
  const cases: [string, string, string][] = [
    ['initiator', 'MM_WAIT_MSG2', 'peer-unreachable'],
    ['responder', 'MM_WAIT_MSG3', 'ike-port-blocked'],
    ['initiator', 'MM_WAIT_MSG4', 'psk-mismatch'],
    ['responder', 'MM_WAIT_MSG5', 'psk-mismatch'],
    ['initiator', 'MM_WAIT_MSG6', 'psk-mismatch'],
    ['initiator', 'MM_ACTIVE', 'healthy'],
    ['responder', 'AM_ACTIVE', 'healthy'],
  ];
  for (const [role, state, cause] of cases) {
    it(`${role} in ${state}: ${cause}`, async () => {
      const r = await run(isakmp(role, state));
      expect(r.verdict).toBe(cause);
      const top = r.findings[0];
      expect(top.evidence.some((e) => e.text.includes(state))).toBe(true);
      if (cause !== 'healthy') expect(top.summary).toContain(`the ${role} in ${state}`);
    });
  }

  // The main mode states of IOS routers (and some ASA releases), the same for either role.
  for (const [state, role, alternative] of [
    ['MM_SA_SETUP', 'initiator', 'peer-address-mismatch'],
    ['MM_KEY_EXCH', 'responder', 'natt-port-blocked'],
  ] as const) {
    it(`${role} in ${state} (a router's state name): psk-mismatch, with ${alternative} as the alternative`, async () => {
      const r = await run(isakmp(role, state));
      expect(r.verdict).toBe('psk-mismatch');
      expect(r.findings[0].summary).toContain(`the ${role} in ${state}`);
      expect(r.findings[0].alternatives).toContain(alternative);
      expect(r.findings[0].evidence.some((e) => e.text.includes(state))).toBe(true);
    });
  }

  it('a peer stuck in MM_KEY_EXCH beside a healthy one is the fault, not healthy', async () => {
    const text = isakmp('initiator', 'MM_ACTIVE').replace(
      'There are no IKEv2 SAs',
      [
        '2   IKE Peer: 192.0.2.7',
        '    Type    : L2L             Role    : initiator',
        '    Rekey   : no              State   : MM_KEY_EXCH',
      ].join('\n'),
    );
    const r = await run(text);
    expect(r.verdict).toBe('psk-mismatch');
    expect(r.findings[0].summary).toContain('192.0.2.7');
  });

  it('a state that role never waits in (an initiator in MSG5) is not read as a cause', async () => {
    const r = await run(isakmp('initiator', 'MM_WAIT_MSG5'));
    expect(r.findings.filter((f) => f.cause !== 'healthy')).toEqual([]);
  });

  it('keeps role and device state in the snapshot', async () => {
    const snap = await parseSasText(isakmp('responder', 'MM_WAIT_MSG5').split('\n'), 'right', 'asa');
    expect(snap.ikeSas[0]).toMatchObject({
      device: 'asa',
      role: 'responder',
      deviceState: 'MM_WAIT_MSG5',
      state: 'CONNECTING',
      version: 1,
    });
  });
});

describe('ASA show crypto ikev2 sa, show vpn-sessiondb, show crypto ipsec sa', () => {
  it('READY is up', async () => {
    const r = await run(`
IKEv2 SAs:

Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1

Tunnel-id                 Local                Remote     Status         Role
1889403559    198.51.100.1/500    203.0.113.10/500      READY    INITIATOR
      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
      Life/Active Time: 86400/6 sec
Child sa: local selector  10.1.0.0/0 - 10.1.0.255/65535
          remote selector 10.2.0.0/0 - 10.2.0.255/65535
          ESP spi in/out: 0x3c2a5b1e/0x9d8e7f6a`);
    expect(r.verdict).toBe('healthy');
  });

  it('a session that sends and receives nothing back: encaps without decaps', async () => {
    const r = await run(`
ciscoasa# show vpn-sessiondb detail l2l

Session Type: LAN-to-LAN Detailed

Connection   : 203.0.113.10
Index        : 5                      IP Addr      : 203.0.113.10
Protocol     : IKEv1 IPsec
Encryption   : IKEv1: (1)AES256  IPsec: (1)AES256
Hashing      : IKEv1: (1)SHA1  IPsec: (1)SHA1
Bytes Tx     : 5040                   Bytes Rx     : 0
Login Time   : 10:00:00 UTC Mon Jan 1 2024
Duration     : 0h:05m:00s
IPsec:
  Tunnel ID    : 5.2
  Local Addr   : 10.1.0.0/255.255.255.0/0/0
  Remote Addr  : 10.2.0.0/255.255.255.0/0/0
  Encryption   : AES256                 Hashing      : SHA1
  Encapsulation: Tunnel
  Bytes Tx     : 5040                   Bytes Rx     : 0
  Pkts Tx      : 60                     Pkts Rx      : 0`);
    expect(['esp-blocked', 'no-return-traffic']).toContain(r.verdict);
    expect(r.findings[0].evidence.some((e) => /Pkts Tx\s+: 60/.test(e.text))).toBe(true);
  });

  it('IKE up but no IPsec SA listed: phase 2 does not come up', async () => {
    const r = await run(`
ciscoasa# show crypto isakmp sa
1   IKE Peer: 203.0.113.10
    Type    : L2L             Role    : initiator
    Rekey   : no              State   : MM_ACTIVE
ciscoasa# show crypto ipsec sa
There are no ipsec sas`);
    expect(r.verdict).toBe('esp-proposal-mismatch');
    expect(r.findings[0].alternatives).toEqual(expect.arrayContaining(['ts-mismatch', 'pfs-mismatch']));
  });
});

const asa = (id: string, text: string) => `Jan 10 2024 10:00:0${id.length % 10}: %ASA-${id}: ${text}`;

describe('ASA syslog and debug messages, each to its cause', () => {
  const cases: [string, string[], string][] = [
    [
      'silent peer (IKEv2 retransmissions exhausted)',
      [
        asa(
          '5-750001',
          'Local:198.51.100.1:500 Remote:203.0.113.10:500 Username:Unknown Received request to establish an IPsec tunnel; local traffic selector = Address Range: 10.1.0.0-10.1.0.255 Protocol: 0 Port Range: 0-65535 ; remote traffic selector = Address Range: 10.2.0.0-10.2.0.255 Protocol: 0 Port Range: 0-65535',
        ),
        asa(
          '5-750003',
          'Local:198.51.100.1:500 Remote:203.0.113.10:500 Username:Unknown Negotiation aborted due to ERROR: Maximum number of retransmissions reached',
        ),
      ],
      'peer-unreachable',
    ],
    [
      'silent peer (IKEv1 debug: main mode 1 resent, nothing back)',
      [
        asa(
          '5-713041',
          'IP = 203.0.113.10, IKE Initiator: New Phase 1, Intf inside, IKE Peer 203.0.113.10  local Proxy Address 10.1.0.0, remote Proxy Address 10.2.0.0,  Crypto map (outside_map)',
        ),
        asa(
          '7-713236',
          'IP = 203.0.113.10, IKE_DECODE SENDING Message (msgid=0) with payloads : HDR + SA (1) + VENDOR (13) + NONE (0) total length : 148',
        ),
        asa(
          '7-713236',
          'IP = 203.0.113.10, IKE_DECODE RESENDING Message (msgid=0) with payloads : HDR + SA (1) + VENDOR (13) + NONE (0) total length : 148',
        ),
      ],
      'peer-unreachable',
    ],
    [
      'pre-shared key (IKEv1 responder cannot decrypt main mode 5)',
      [
        asa(
          '5-713904',
          'IP = 203.0.113.10, Received encrypted Oakley Main Mode packet with invalid payloads, MessID = 0',
        ),
      ],
      'psk-mismatch',
    ],
    [
      'IKE proposal',
      [
        asa(
          '5-713257',
          "Phase 1 failure:  Mismatched attribute types for class Encryption Algorithm:  Rcv'd: AES-CBC  Cfg'd: 3DES-CBC",
        ),
        asa('5-713904', 'IP = 203.0.113.10, All SA proposals found unacceptable'),
      ],
      'ike-proposal-mismatch',
    ],
    [
      'DH group',
      [
        asa(
          '5-713257',
          "Phase 1 failure:  Mismatched attribute types for class Group Description:  Rcv'd: Group 14  Cfg'd: Group 2",
        ),
      ],
      'dh-group-mismatch',
    ],
    [
      'ESP proposal',
      [
        asa('5-713119', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 1 COMPLETED'),
        asa('5-713904', 'Group = 203.0.113.10, IP = 203.0.113.10, All IPSec SA proposals found unacceptable!'),
        asa(
          '3-713902',
          'Group = 203.0.113.10, IP = 203.0.113.10, QM FSM error (P2 struct &0x00007f1, mess id 0x1a2b3c4d)!',
        ),
      ],
      'esp-proposal-mismatch',
    ],
    [
      'proxy ID / crypto ACL (the addresses removed before posting)',
      [
        asa(
          '3-713061',
          'Group = , IP = , Rejecting IPSec tunnel: no matching crypto map entry for remote proxy local proxy on interface outside',
        ),
      ],
      'ts-mismatch',
    ],
    [
      'proxy ID / crypto ACL (the peer refuses our proxy identities)',
      [
        asa('5-713119', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 1 COMPLETED'),
        asa(
          '5-713068',
          'Group = 203.0.113.10, IP = 203.0.113.10, Received non-routine Notify message: Invalid ID info (18)',
        ),
      ],
      'ts-mismatch',
    ],
    [
      'DPD dead peer',
      [
        asa(
          '4-713123',
          'Group = 203.0.113.10, IP = 203.0.113.10, IKE lost contact with remote peer, deleting connection (keepalive type: DPD)',
        ),
      ],
      'dpd-peer-dead',
    ],
    [
      'healthy',
      [
        asa('5-713119', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 1 COMPLETED'),
        asa('5-713120', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 2 COMPLETED (msgid=6abd3691)'),
        asa(
          '6-602303',
          'IPSEC: An outbound LAN-to-LAN SA (SPI= 0x9D8E7F6A) between 198.51.100.1 and 203.0.113.10 (user= 203.0.113.10) has been created.',
        ),
      ],
      'healthy',
    ],
  ];
  for (const [what, lines, cause] of cases) {
    it(`${what}: ${cause}`, async () => {
      const r = await run(lines.join('\n'));
      expect(r.verdict).toBe(cause);
      expect(r.inputs![0].read).toMatchObject({ 'asa-syslog': expect.any(Number) });
    });
  }

  it('a failure the same log shows resolved (phase 2 completing later) is history, not the cause', async () => {
    const r = await run(
      [
        asa('5-713119', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 1 COMPLETED'),
        asa('5-713904', 'Group = 203.0.113.10, IP = 203.0.113.10, All IPSec SA proposals found unacceptable!'),
        asa('5-713120', 'Group = 203.0.113.10, IP = 203.0.113.10, PHASE 2 COMPLETED (msgid=6abd3691)'),
      ].join('\n'),
    );
    expect(r.verdict).toBe('healthy');
  });
});

describe('Palo Alto show commands, system log and ikemgr.log, each to its cause', () => {
  const cases: [string, string, string][] = [
    [
      'silent peer (phase 1 timeout)',
      '2024/01/10 10:00:00 info     vpn    GW-1   ike-nego-p1-fail 0  IKE phase-1 negotiation is failed as initiator, main mode. Failed SA: 198.51.100.1[500]-203.0.113.10[500] cookie:84222f276c2fa2e9:0000000000000000 due to timeout.',
      'peer-unreachable',
    ],
    [
      'pre-shared key (ikemgr)',
      '2024-01-10 10:00:00.700 +0000  [PERR]: { 1: }: 198.51.100.1[500] - 203.0.113.10[500]:0x7fa610013da0 authentication failure',
      'psk-mismatch',
    ],
    [
      'IKE proposal',
      '2024/01/10 10:00:00 info     vpn    GW-1   ike-recv-notify 0  IKE protocol notification message received: NO-PROPOSAL-CHOSEN (14).',
      'ike-proposal-mismatch',
    ],
    [
      'ESP proposal',
      [
        '2024/01/10 10:00:00 info     vpn    GW-1   ike-nego-p1-succ 0  IKE phase-1 negotiation is succeeded as initiator, main mode. Established SA: 198.51.100.1[500]-203.0.113.10[500] cookie:1:2 lifetime 28800 Sec.',
        '2024/01/10 10:00:01 info     vpn    GW-1   ike-recv-notify 0  IKE protocol notification message received: NO-PROPOSAL-CHOSEN (14).',
      ].join('\n'),
      'esp-proposal-mismatch',
    ],
    [
      'proxy ID',
      '2024/01/10 10:00:01 info     vpn    GW-1   ike-nego-p2-fail 0  IKE phase-2 negotiation failed when processing Proxy ID. cannot find matching phase-2 tunnel for received proxy ID. received local id: 10.2.0.0/24 type IPv4_subnet protocol 0 port 0, received remote id: 10.1.0.0/24 type IPv4_subnet protocol 0 port 0.',
      'ts-mismatch',
    ],
    [
      'no gateway for the peer address',
      "2024/01/10 10:00:00 info     vpn           ike-nego-p1-fail 0  IKE phase 1 negotiation is failed. Couldn't find configuration for IKE phase-1 request for peer IP 203.0.113.10[500].",
      'peer-address-mismatch',
    ],
    [
      'peer ID (IKEv2 system log)',
      '2024/01/10 10:00:00 info     vpn    GW-1   ike-nego-p1-fail 0  IKEv2 IKE SA negotiation is failed as responder, non-rekey. Failed SA: 198.51.100.1[4500]-203.0.113.10[4500] SPI:0239b91635ed0e98:426762ab448185a9. received ID_I (type fqdn [branch.example]) does not match peers id.',
      'id-mismatch',
    ],
    [
      'DPD dead peer',
      '2024/01/10 10:00:00 info     vpn    GW-1   ike-dpd-peer-dead 0  IKE DPD: peer 203.0.113.10 is dead, deleting phase-1 SA.',
      'dpd-peer-dead',
    ],
    [
      'encaps without decaps (show vpn flow tunnel-id)',
      `
admin@PA-VM> show vpn flow tunnel-id 24

tunnel  GW-1-tunnel
        id:                     24
        type:                   IPSec
        gateway id:             17
        local ip:               198.51.100.1
        peer ip:                203.0.113.10
        inner interface:        tunnel.2
        outer interface:        ethernet1/1
        state:                  active
        session:                12345
        monitor:                off
        local spi:              CBF7DC1D
        remote spi:             5D1568FD
        encap packets:          412
        decap packets:          0
        encap bytes:            34608
        decap bytes:            0`,
      'esp-blocked',
    ],
    [
      'healthy (ikemgr banners)',
      [
        '2024-01-10 10:00:00.100 +0000 [PNTF]: { 1: }: ====> PHASE-1 NEGOTIATION SUCCEEDED AS INITIATOR, MAIN MODE <====',
        '2024-01-10 10:00:00.300 +0000 [PNTF]: { 1: }: ====> PHASE-2 NEGOTIATION SUCCEEDED AS INITIATOR, QUICK MODE <====',
      ].join('\n'),
      'healthy',
    ],
  ];
  for (const [what, text, cause] of cases) {
    it(`${what}: ${cause}`, async () => {
      const r = await run(text);
      if (cause === 'esp-blocked') expect(['esp-blocked', 'no-return-traffic']).toContain(r.verdict);
      else expect(r.verdict).toBe(cause);
    });
  }
});
