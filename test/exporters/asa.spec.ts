import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { exportAsa } from '../../lab/exporters/asa.js';
import { ExportError } from '../../lab/exporters/types.js';
import { importAsa } from '../../lab/importers/asa.js';
import {
  hostAddress,
  isIPv4,
  normalizeCidr,
  otherSide,
  peerAddressOf,
  trafficSelectors,
} from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings, Side } from '../../lab/settings/types.js';
import { validateSettings } from '../../lab/settings/validate.js';

function thrownBy(fn: () => unknown): ExportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return e as ExportError;
  }
  throw new Error('expected an ExportError');
}

const canon = (ts: string[]) => ts.map((t) => (isIPv4(t) ? `${t}/32` : normalizeCidr(t)));

/** The fields an ASA can carry must survive export -> import unchanged. */
function expectRoundTrip(settings: LabSettings, side: Side): void {
  const text = exportAsa(settings, side, { revealSecrets: true });
  const r = importAsa(text, { side });
  const gw = settings[side].gateway;
  expect(r.unsupported).toEqual([]);
  expect(r.gateway).toMatchObject({
    ikeVersion: gw.ikeVersion,
    ikeProposals: gw.ikeProposals,
    espProposals: gw.espProposals,
    psk: gw.psk,
    localId: gw.localId,
    remoteId: gw.remoteId,
    aggressive: gw.aggressive,
    ike: { rekeyTime: gw.ike.rekeyTime },
    child: { rekeyTime: gw.child.rekeyTime },
    dpd: { delay: gw.dpd.delay },
  });
  expect(r.peerAddress).toBe(peerAddressOf(settings, side));
  const want = trafficSelectors(settings, side);
  expect(trafficSelectors(r.settings, side)).toEqual({ local: canon(want.local), remote: canon(want.remote) });
  // The mirror sees the same tunnel from the other end.
  expect(trafficSelectors(r.settings, otherSide(side))).toEqual({
    local: canon(want.remote),
    remote: canon(want.local),
  });
  validateSettings(r.settings);
}

describe('ASA exporter', () => {
  it('writes the IKEv2 default tunnel with a masked key', () => {
    const text = exportAsa(defaultSettings(), 'left');
    expect(text).toContain(
      'crypto ikev2 policy 10\n encryption aes-256\n integrity sha256\n group 14\n lifetime seconds 14400\n',
    );
    expect(text).toContain(
      'crypto ipsec ikev2 ipsec-proposal ESP-AES-256-SHA-256\n protocol esp encryption aes-256\n protocol esp integrity sha-256\n',
    );
    expect(text).toContain('crypto map LAB_MAP 10 set peer 203.0.113.10\n');
    expect(text).toContain('access-list LAB_VPN extended permit ip object NET-10.1.0.0-24 object NET-10.2.0.0-24\n');
    expect(text).toContain(
      'nat (inside,outside) source static NET-10.1.0.0-24 NET-10.1.0.0-24 destination static NET-10.2.0.0-24 NET-10.2.0.0-24 no-proxy-arp route-lookup\n',
    );
    expect(text).toContain(' ikev2 local-authentication pre-shared-key *****\n');
    expect(text).not.toContain('ipsec-lab-shared-secret');
    expect(exportAsa(defaultSettings(), 'left', { revealSecrets: true })).toContain(
      'pre-shared-key ipsec-lab-shared-secret',
    );
  });

  it('writes IKEv1 policies, transform sets, PFS, aggressive mode and answer-only', () => {
    const s = defaultSettings();
    Object.assign(s.right.gateway, {
      ikeVersion: 1,
      aggressive: true,
      ikeProposals: ['aes256-sha256-modp2048', '3des-sha1-modp1024'],
      espProposals: ['aes256-sha1-ecp256'],
    });
    const text = exportAsa(s, 'right');
    expect(text).toContain(
      'crypto ikev1 policy 10\n authentication pre-share\n encryption aes-256\n hash sha256\n group 14\n lifetime 14400\n',
    );
    expect(text).toContain(
      'crypto ikev1 policy 20\n authentication pre-share\n encryption 3des\n hash sha\n group 2\n',
    );
    expect(text).toContain('crypto ipsec ikev1 transform-set ESP-AES-256-SHA esp-aes-256 esp-sha-hmac\n');
    expect(text).toContain('crypto map LAB_MAP 10 set pfs group19\n');
    expect(text).toContain('crypto map LAB_MAP 10 set ikev1 phase1-mode aggressive\n');
    expect(text).toContain('crypto map LAB_MAP 10 set connection-type answer-only\n');
    expect(text).toContain(' ikev1 pre-shared-key *****\n');
  });

  it('refuses what an ASA cannot express, naming the setting', () => {
    const cases: [(s: LabSettings) => void, string][] = [
      [(s) => (s.left.gateway.ikeProposals = ['chacha20poly1305-prfsha256-x25519']), 'left.gateway.ikeProposals[0]'],
      [
        (s) => (s.left.gateway.ikeProposals = ['aes256-sha256-modp2048', 'aes256-aesxcbc-modp2048']),
        'left.gateway.ikeProposals[1]',
      ],
      [(s) => (s.left.gateway.espProposals = ['aes256ctr-sha256']), 'left.gateway.espProposals[0]'],
      [
        (s) => (s.left.gateway.espProposals = ['aes256-sha256-modp2048', 'aes128-sha1-ecp256']),
        'left.gateway.espProposals',
      ],
      [
        (s) => Object.assign(s.left.gateway, { ikeVersion: 1, mobike: false, espProposals: ['aes256gcm16'] }),
        'left.gateway.espProposals[0]',
      ],
      [(s) => (s.left.gateway.encap = true), 'left.gateway.encap'],
      [(s) => (s.left.gateway.child.rekeyTime = 60), 'left.gateway.child.rekeyTime'],
      [(s) => (s.left.gateway.localId = 'C=CH,O=Lab,CN=gw'), 'left.gateway.localId'],
      [(s) => (s.left.gateway.dpd.delay = 5), 'left.gateway.dpd.delay'],
    ];
    for (const [mutate, field] of cases) {
      const s = defaultSettings();
      mutate(s);
      expect(thrownBy(() => exportAsa(s, 'left')).field).toBe(field);
    }
  });

  it('round-trips the default settings from both sides', () => {
    expectRoundTrip(defaultSettings(), 'left');
    expectRoundTrip(defaultSettings(), 'right');
  });

  it('round-trips an explicit peer address and a hostname identity', () => {
    const s = defaultSettings();
    s.left.gateway.peerAddress = '192.0.2.55';
    s.left.gateway.remoteId = '192.0.2.55';
    expectRoundTrip(s, 'left');
    s.left.gateway.localId = 'fw1.example.net';
    const r = importAsa(exportAsa(s, 'left'));
    expect(r.gateway.localId).toBe('fw1.example.net');
    expect(r.unsupported).toEqual([]);
  });
});

// ---- property test over generated settings -------------------------------------------------

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const some = <T>(xs: readonly T[], max = 2) => fc.uniqueArray(pick(xs), { minLength: 1, maxLength: max });

const DH = [
  'modp768',
  'modp1024',
  'modp1536',
  'modp2048',
  'modp3072',
  'modp4096',
  'ecp256',
  'ecp384',
  'ecp521',
  'modp2048s256',
];
const CBC = ['aes128', 'aes192', 'aes256', '3des', 'des'];
const GCM = ['aes128gcm16', 'aes192gcm16', 'aes256gcm16'];
const INTEG = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];
const PRF = ['prfmd5', 'prfsha1', 'prfsha256', 'prfsha384', 'prfsha512'];

const join = (...parts: string[][]) => parts.flat().join('-');
const ikeV1 = fc.tuple(pick(CBC), pick(INTEG), pick(DH)).map((p) => p.join('-'));
const ikeV2 = fc.oneof(
  fc.tuple(some(GCM), some(PRF), some(DH)).map((p) => join(...p)),
  fc.tuple(some(CBC), some(INTEG), fc.uniqueArray(pick(PRF), { maxLength: 2 }), some(DH)).map((p) => join(...p)),
);
const espV1 = fc.tuple(pick([...CBC, 'null']), pick(INTEG)).map((p) => p.join('-'));
const espV2 = fc.oneof(
  some(GCM).map((p) => join(p)),
  fc.tuple(some(CBC), some(INTEG)).map((p) => join(...p)),
);

const octet = fc.integer({ min: 1, max: 223 });
const subnet = (min: number, max: number) =>
  fc
    .tuple(
      octet,
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: min, max: max }),
    )
    .map(([a, b, c, p]) => normalizeCidr(`${a}.${b}.${c}.0/${p}`));
const selector = fc.oneof(
  subnet(8, 30),
  fc
    .tuple(octet, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
    .map((o) => o.join('.')),
);
const selectors = fc.oneof(
  fc.constant([] as string[]),
  fc.uniqueArray(selector, { minLength: 1, maxLength: 3, selector: (t) => (isIPv4(t) ? `${t}/32` : t) }),
);
const lifetime = fc.integer({ min: 120, max: 31_536_000 });

const generated = fc
  .record({
    ikeVersion: fc.constantFrom<1 | 2>(1, 2),
    v1Ike: fc.uniqueArray(ikeV1, { minLength: 1, maxLength: 3 }),
    v2Ike: fc.uniqueArray(ikeV2, { minLength: 1, maxLength: 3 }),
    v1Esp: fc.uniqueArray(espV1, { minLength: 1, maxLength: 3 }),
    v2Esp: fc.uniqueArray(espV2, { minLength: 1, maxLength: 3 }),
    pfs: fc.option(pick(DH), { nil: undefined }),
    psk: fc.stringMatching(/^[A-Za-z0-9!@#$%^&*()_+=.,:;-]{1,64}$/),
    lans: fc.tuple(subnet(16, 28), subnet(16, 28)),
    wans: fc.tuple(subnet(16, 28), subnet(16, 28)),
    localTs: selectors,
    remoteTs: selectors,
    ikeLife: fc.oneof(fc.constant(0), lifetime),
    childLife: lifetime,
    dpd: fc.oneof(fc.constant(0), fc.integer({ min: 10, max: 3600 })),
    aggressive: fc.boolean(),
    side: fc.constantFrom<Side>('left', 'right'),
    start: fc.constantFrom('initiate', 'wait', 'trap') as fc.Arbitrary<'initiate' | 'wait' | 'trap'>,
  })
  .filter((g) => normalizeCidr(g.wans[0]) !== normalizeCidr(g.wans[1]))
  // `pre-shared-key *****` (or `XXXX`) is how a device or a publisher shows a hidden key; the import
  // reads it as masked by design, so such a key cannot survive the round trip (CI found `***`).
  .filter((g) => !/^(\*{3,}|[xX]{4,})$/.test(g.psk));

describe('ASA round trip (property)', () => {
  it('export -> import keeps everything an ASA carries, and the import is always valid', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const s = defaultSettings();
        const other = otherSide(g.side);
        s.left.lan = g.lans[0];
        s.right.lan = g.lans[1];
        s.left.wan = g.wans[0];
        s.right.wan = g.wans[1];
        const gw = s[g.side].gateway;
        const v1 = g.ikeVersion === 1;
        Object.assign(gw, {
          ikeVersion: g.ikeVersion,
          ikeProposals: v1 ? g.v1Ike : g.v2Ike,
          espProposals: (v1 ? g.v1Esp : g.v2Esp).map((p) => (g.pfs ? `${p}-${g.pfs}` : p)),
          psk: g.psk,
          localId: hostAddress(s[g.side].wan, 10),
          remoteId: hostAddress(s[other].wan, 10),
          localTs: g.localTs,
          remoteTs: g.remoteTs,
          ike: { rekeyTime: g.ikeLife, reauthTime: 0, overTime: 0 },
          child: { rekeyTime: g.childLife, lifeTime: 0 },
          dpd: { ...gw.dpd, delay: g.dpd },
          aggressive: v1 && g.aggressive,
          startAction: g.start,
        });
        validateSettings(s);
        expectRoundTrip(s, g.side);
      }),
      { numRuns: 300 },
    );
  });
});
