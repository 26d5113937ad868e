import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { parseLogLine } from '../../lab/diagnosis/log-line.js';
import { SHAPE_FIXTURES } from '../fixtures/diagnosis/shapes.js';
import { FIXTURES, meta } from './helpers.js';

/**
 * What customers paste, built from the lab's own recorded logs: every shape the issue lists (a
 * relaying program, logcat, OpenWrt logread, ISO time with an empty tag, a vendor syslog that swaps
 * group and thread, `swanctl --initiate` output) and every kind of forum residue (quote markers,
 * markdown bold and fences, CRLF, ANSI colours, hard wraps) must give the verdict the plain log
 * gives, with nothing left unread. The rewriting knows only the lab's file-log shape, not the parser.
 */
const LAB_LINE = /^(\w{3}) ([ \d]\d) (\d\d:\d\d:\d\d)\.(\d{3}) (\d\d)\[([A-Z]+)(\d)\] (?:(<[^>]*>) )?(.*)$/;

type Rewrite = (lines: string[], side: string) => string[];

function each(f: (m: RegExpExecArray, side: string) => string): Rewrite {
  return (lines, side) => lines.flatMap((l) => (LAB_LINE.exec(l) ? [f(LAB_LINE.exec(l)!, side)] : []));
}
const tag = (m: RegExpExecArray) => (m[8] ? `${m[8]} ` : '');

const SHAPES: Record<string, Rewrite> = {
  'android logcat': each((m) => `I/charon  (18819): ${m[5]}[${m[6]}] ${tag(m)}${m[9]}`),
  'openwrt logread': each((m) => `Thu ${m[1]} ${m[2]} ${m[3]} 2024 daemon.info : ${m[5]}[${m[6]}] ${tag(m)}${m[9]}`),
  'iso time, empty tag': each((m) => `2024-11-22T${m[3]}+02:00 info []: ${m[5]}[${m[6]}] ${tag(m)}${m[9]}`),
  'vendor syslog, group and thread swapped and padded': each(
    (m, side) => `${m[1]} ${m[2]} ${m[3]} BOX-${side} info  charon  [ 1679]: ${m[6]} ${m[5]}     : ${tag(m)}${m[9]}`,
  ),
  'NetworkManager relaying charon': each(
    (m, side) => `${m[1]} ${m[2]} ${m[3]} host-${side} NetworkManager[4497]: ${m[5]}[${m[6]}] ${tag(m)}${m[9]}`,
  ),
  'ipsec_starter relaying charon': each(
    (m) => `${m[1]} ${m[2]} ${m[3]} gw ipsec_starter[2800]: ${m[5]}[${m[6]}] ${tag(m)}${m[9]}`,
  ),
  'swanctl --initiate output (no thread, command line mixed in)': (lines, side) => [
    `root@gw-${side}:~# swanctl --initiate --child net`,
    ...each((m) => `[${m[6]}] ${tag(m)}${m[9]}`)(lines, side),
    'initiate failed: establishing CHILD_SA net failed',
  ],
  'quoted in a forum (> )': each((m) => `> ${m.input}`),
  'markdown bold and a code fence': (lines) => ['```text', ...lines.filter(Boolean).map((l) => `**${l}**`), '```'],
  'CRLF line ends': (lines) => lines.map((l) => `${l}\r`),
  'ANSI colour codes': (lines) => lines.map((l) => (l ? `\u001b[1;32m${l.slice(0, 20)}\u001b[0m${l.slice(20)}` : l)),
  'hard-wrapped at 80 columns': (lines) => lines.flatMap((l) => l.match(/.{1,80}/g) ?? ['']),
};

async function run(name: string, rewrite?: Rewrite): Promise<DiagnosisResult> {
  return diagnose({
    logs: (['left', 'right'] as const).map((side) => {
      const lines = readFileSync(path.join(FIXTURES, name, `${side}.log`), 'utf8').split('\n');
      return { source: `${name}/${side}`, side, lines: rewrite ? rewrite(lines, side) : lines };
    }),
  });
}

describe('customer shapes of the recorded logs: the same verdict, nothing unread', () => {
  for (const [shape, rewrite] of Object.entries(SHAPES)) {
    it(shape, async () => {
      for (const name of SHAPE_FIXTURES) {
        const plain = await run(name);
        const r = await run(name, rewrite);
        expect(plain.verdict, name).toBe(meta(name).expect);
        expect(r.verdict, `${name} as ${shape}`).toBe(plain.verdict);
        expect(
          r.stats.unparsed,
          `${name} as ${shape}: ${JSON.stringify(r.inputs?.map((i) => i.firstUnrecognised))}`,
        ).toBe(0);
        // The same lines are cited (by number) as from the plain log, wherever the rewrite keeps numbering.
        if (shape === 'CRLF line ends' || shape === 'quoted in a forum (> )')
          expect(r.findings[0].evidence.map((e) => e.line)).toEqual(plain.findings[0].evidence.map((e) => e.line));
      }
    });
  }
});

describe('the shapes the issue quotes, line by line', () => {
  const cases: [string, Partial<NonNullable<ReturnType<typeof parseLogLine>>>][] = [
    ['I/charon  (18819): 07[IKE] initiating IKE_SA android[1] to 192.0.2.1', { thread: 7, group: 'IKE' }],
    [
      'Jun 09 10:08:38 u001 NetworkManager[4497]: 13[IKE] initiating IKE_SA x[1] to 192.0.2.1',
      { thread: 13, origin: 'u001 NetworkManager[4497]', shape: 'syslog' },
    ],
    [
      'Thu Sep  9 12:06:53 2021 daemon.info : 08[KNL] unable to add SAD entry with SPI c89d7b58 (FAILED)',
      { thread: 8, group: 'KNL', time: 'Thu Sep  9 12:06:53 2021', origin: 'daemon.info' },
    ],
    [
      '2021-05-03T10:11:12+02:00 info []: 13[IKE] initiating IKE_SA x[1] to 192.0.2.1',
      { thread: 13, time: '2021-05-03T10:11:12+02:00', origin: 'info []' },
    ],
    ['charon  [ 1679]: IKE 08     : sending DPD request', { thread: 8, group: 'IKE', msg: 'sending DPD request' }],
    ['[IKE] initiating IKE_SA fortigate[1] to 192.168.0.254', { group: 'IKE', thread: undefined }],
    ['> **09[KNL] unable to add SAD entry with SPI cd62469f (FAILED)**', { thread: 9, group: 'KNL' }],
    ['`13[IKE] giving up after 5 retransmits`\r', { thread: 13, msg: 'giving up after 5 retransmits' }],
    ['\u001b[32m13[IKE]\u001b[0m giving up after 5 retransmits', { thread: 13, msg: 'giving up after 5 retransmits' }],
    ['тра 29 10:31:37 host NetworkManager[975]: parsed TRANSACTION request 2527681045 [ HASH ]', { shape: 'journald' }],
  ];
  for (const [line, want] of cases) {
    it(line.slice(0, 70), () => {
      const rec = parseLogLine(line, 1, 'x');
      expect(rec).not.toBeNull();
      expect(rec).toMatchObject(want);
    });
  }

  it('joins a hard-wrapped line whose continuation has no prefix, and cites its first line', async () => {
    const lines = [
      '2016-12-02T20:26:42+02:00 info []: 05[KNL] unable to add SAD entry with SPI cf22',
      '1b54',
      '2016-12-02T20:26:42+02:00 info []: 05[IKE] unable to install inbound and outboun',
      'd IPsec SA (SAD) in kernel',
    ];
    const r = await diagnose({ logs: [{ source: 'wrapped', side: 'unknown', lines }] });
    expect(r.verdict).toBe('kernel-install-failure');
    expect(r.stats.unparsed).toBe(0);
    expect(r.findings[0].evidence.map((e) => [e.line, e.text])).toContainEqual([3, lines[2]]);
  });
});

describe('one-sided excerpts give their cause alone', () => {
  const one = async (lines: string[]) => diagnose({ logs: [{ source: 'excerpt', side: 'unknown', lines }] });

  it('INVALID_KE never followed by an established IKE_SA: dh-group-mismatch', async () => {
    for (const l of [
      '09[IKE] DH group MODP_2048 unacceptable, requesting ECP_256',
      "03[IKE] peer didn't accept DH group MODP_2048, it requested ECP_384",
    ])
      expect((await one([l])).verdict, l).toBe('dh-group-mismatch');
    // Followed by the IKE_SA coming up it is only the advisory retry.
    const retried = await one([
      "03[IKE] peer didn't accept DH group MODP_2048, it requested ECP_256",
      '14[IKE] IKE_SA vpn[1] established between 10.0.7.162[a]...10.0.7.121[b]',
      '14[IKE] CHILD_SA vpn{1} established with SPIs c8be8daf_i cbe7280a_o and TS 10.9.8.2/32 === 10.9.8.0/24',
    ]);
    expect(retried.verdict).toBe('healthy');
    expect(retried.findings.map((f) => f.cause)).toContain('dh-group-retry');
  });

  it('a give-up after any number of retransmits is a silent peer', async () => {
    for (const n of [1, 3, 5])
      expect((await one([`15[IKE] giving up after ${n} retransmits`])).verdict, `${n}`).toBe('peer-unreachable');
  });

  it('a give-up on an IKE_SA whose own state change says it was ESTABLISHED is a peer that died, not one never reached', async () => {
    const r = await one([
      '09[IKE] giving up after 5 retransmits',
      '09[IKE] IKE_SA CONFIG[1] state change: ESTABLISHED => DESTROYING',
    ]);
    expect(r.verdict).toBe('dpd-peer-dead');
    expect(r.findings[0].evidence.map((e) => e.line)).toEqual([1, 2]);
    // Still connecting when it gave up: never reached.
    const setup = await one([
      '09[IKE] giving up after 5 retransmits',
      '09[IKE] IKE_SA CONFIG[1] state change: CONNECTING => DESTROYING',
    ]);
    expect(setup.verdict).toBe('peer-unreachable');
  });

  it('"establishing IKE_SA failed, peer not responding" alone is a silent peer', async () => {
    const r = await one(['> establishing IKE_SA failed, peer not responding']);
    expect(r.verdict).toBe('peer-unreachable');
    expect(r.findings[0].alternatives).toContain('ike-port-blocked');
  });

  it('a CHILD_SA coming up without the IKE_SA setup in the excerpt (a rekey) is a working tunnel', async () => {
    for (const l of [
      '07[IKE] <ikev2|64> outbound CHILD_SA host-host{751} established with SPIs c2690528_i 04882f59_o and TS 192.168.0.0/16 === 10.129.0.0/16',
      '07[IKE] <ikev2|64> CHILD_SA host-host{751} established with SPIs c2690528_i 04882f59_o and TS 192.168.0.0/16 === 10.129.0.0/16',
    ]) {
      const r = await one([l]);
      expect(r.verdict, l).toBe('healthy');
      expect(r.findings[0].evidence[0].line).toBe(1);
    }
    // A failure beside it still wins.
    const failed = await one([
      '07[IKE] <ikev2|64> CHILD_SA host-host{751} established with SPIs c2690528_i 04882f59_o and TS 192.168.0.0/16 === 10.129.0.0/16',
      "12[CFG] <ikev2|64> no shared key found for 'moon.strongswan.org' - 'carol@strongswan.org'",
    ]);
    expect(failed.verdict).toBe('psk-mismatch');
  });

  it('"no shared key found for" is psk-mismatch with the identities', async () => {
    const r = await one(["12[CFG] no shared key found for 'moon.strongswan.org' - 'carol@strongswan.org'"]);
    expect(r.verdict).toBe('psk-mismatch');
    expect(r.findings[0].summary).toMatch(/'moon\.strongswan\.org' - 'carol@strongswan\.org'/);
  });

  it('kernel SA installation failures are kernel-install-failure', async () => {
    for (const l of [
      '09[KNL] unable to add SAD entry with SPI c473461b (FAILED)',
      '09[IKE] unable to install inbound and outbound IPsec SA (SAD) in kernel',
    ])
      expect((await one([l])).verdict, l).toBe('kernel-install-failure');
  });

  it('routine DPD alone is not a fault', async () => {
    for (const lines of [
      ['Nov 13 14:35:05 BOX info  charon  [ 1679]: IKE 08     : sending DPD request'],
      [
        '09:58:20: parsed INFORMATIONAL request 7 [ ]',
        '09:58:20: generating INFORMATIONAL response 7 [ ]',
        '09:58:29: parsed INFORMATIONAL request 8 [ ]',
      ],
    ]) {
      const r = await one(lines);
      expect(r.verdict).toBe('healthy');
      expect(r.findings.every((f) => f.cause === 'healthy')).toBe(true);
    }
  });
});

describe('SA listings given where a log is expected are recognised by content', () => {
  it('ipsec statusall: the SAs up with traffic both ways are healthy, every line read', async () => {
    const lines = `Status of IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0-13-amd64, x86_64):
  uptime: 2 minutes, since Nov 22 11:03:11 2024
  worker threads: 11 of 16 idle, 5/0/0/0 working, job queue: 0/0/0/0, scheduled: 4
  loaded plugins: charon aesni aes rc2 sha2 sha1 md5 random nonce x509 pubkey pkcs1 pem openssl kernel-netlink socket-default stroke updown
Listening IP addresses:
  192.168.0.1
Connections:
     net-net:  192.168.0.1...192.168.0.2  IKEv2, dpddelay=30s
     net-net:   local:  [moon.strongswan.org] uses public key authentication
     net-net:   remote: [sun.strongswan.org] uses public key authentication
     net-net:   child:  10.1.0.0/16 === 10.2.0.0/16 TUNNEL, dpdaction=hold
Security Associations (1 up, 0 connecting):
     net-net[1]: ESTABLISHED 2 minutes ago, 192.168.0.1[moon.strongswan.org]...192.168.0.2[sun.strongswan.org]
     net-net[1]: IKEv2 SPIs: 6b1c6c4b0a3c9e5c_i* 4b5e3a6d8a8e2f1f_r, public key reauthentication in 54 minutes
     net-net[1]: IKE proposal: AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519
     net-net{1}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: c3f5e3f4_i c9c4a4b2_o
     net-net{1}:  AES_CBC_128/HMAC_SHA2_256_128, 168 bytes_i (2 pkts, 2s ago), 168 bytes_o (2 pkts, 2s ago), rekeying in 45 minutes
     net-net{1}:   10.1.0.0/16 === 10.2.0.0/16`.split('\n');
    const r = await diagnose({ logs: [{ source: 'statusall', side: 'unknown', lines }] });
    expect(r.verdict).toBe('healthy');
    expect(r.stats.unparsed, JSON.stringify(r.inputs?.[0].firstUnrecognised)).toBe(0);
    expect(r.inputs![0].read['ipsec-statusall']).toBe(lines.length);
    expect(r.findings[0].evidence.map((e) => e.line)).toContain(16);
  });

  it('swanctl --list-sas sending without receiving: ESP lost or nothing comes back', async () => {
    const lines = `home: #1, ESTABLISHED, IKEv2, 6fd55d95f66b4a67_i* cea64d4a303e0ca2_r
  local  'carol@strongswan.org' @ 192.168.0.100[4500]
  remote 'moon.strongswan.org' @ 192.168.0.1[4500]
  AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519
  established 100s ago, rekeying in 14043s
  net: #1, reqid 1, INSTALLED, TUNNEL, ESP:AES_GCM_16-128
    installed 100s ago, rekeying in 3397s, expires in 3959s
    in  c8931e89,      0 bytes,     0 packets
    out cee78125,   8400 bytes,   100 packets,     0s ago
    local  192.168.0.100/32
    remote 10.1.0.0/16`.split('\n');
    const r = await diagnose({ logs: [{ source: 'list-sas', side: 'left', lines }] });
    expect(['esp-blocked', 'no-return-traffic']).toContain(r.verdict);
    expect(r.stats.unparsed).toBe(0);
  });
});
