import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { exportPaloAlto } from '../../lab/exporters/paloalto.js';
import { ExportError } from '../../lab/exporters/types.js';
import { importPaloAlto } from '../../lab/importers/paloalto.js';
import {
  hostAddress,
  isIPv4,
  normalizeCidr,
  otherSide,
  peerAddressOf,
  trafficSelectors,
} from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings, Side, StartAction } from '../../lab/settings/types.js';
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
/** PAN-OS has no "initiate at once" without a tunnel monitor: it starts on the first matching packet. */
const PAN_START: Record<StartAction, StartAction> = { initiate: 'trap', trap: 'trap', wait: 'wait' };

/** Everything PAN-OS carries survives export -> import unchanged. */
function expectRoundTrip(settings: LabSettings, side: Side): void {
  const text = exportPaloAlto(settings, side, { revealSecrets: true });
  const r = importPaloAlto(text, { side });
  const gw = settings[side].gateway;
  expect(r.format).toBe('paloalto');
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
    startAction: PAN_START[gw.startAction],
  });
  expect(r.peerAddress).toBe(peerAddressOf(settings, side));
  const want = trafficSelectors(settings, side);
  expect(trafficSelectors(r.settings, side)).toEqual({ local: canon(want.local), remote: canon(want.remote) });
  expect(trafficSelectors(r.settings, otherSide(side))).toEqual({
    local: canon(want.remote),
    remote: canon(want.local),
  });
  validateSettings(r.settings);
}

describe('Palo Alto exporter', () => {
  it('writes the IKEv2 default tunnel as set commands with a masked key', () => {
    const text = exportPaloAlto(defaultSettings(), 'right');
    const lines = text.split('\n');
    expect(lines).toContain('set network ike crypto-profiles ike-crypto-profiles LAB-IKE encryption aes-256-cbc');
    expect(lines).toContain('set network ike crypto-profiles ike-crypto-profiles LAB-IKE lifetime hours 4');
    expect(lines).toContain('set network ike crypto-profiles ipsec-crypto-profiles LAB-IPSEC dh-group no-pfs');
    expect(lines).toContain('set network ike gateway LAB-GW authentication pre-shared-key key *****');
    expect(lines).toContain('set network ike gateway LAB-GW peer-address ip 198.51.100.10');
    // The right gateway waits for the left one: passive mode.
    expect(lines).toContain('set network ike gateway LAB-GW protocol-common passive-mode yes');
    expect(lines).toContain(
      'set network tunnel ipsec LAB-TUNNEL auto-key proxy-id PID-1 local 10.2.0.0/24 remote 10.1.0.0/24 protocol any',
    );
    expect(text).not.toContain('ipsec-lab-shared-secret');
  });

  it('writes IKEv1 with aggressive mode, DPD retries, PFS and one proxy ID per selector pair', () => {
    const s = defaultSettings();
    Object.assign(s.left.gateway, {
      ikeVersion: 1,
      aggressive: true,
      ikeProposals: ['aes128-sha1-modp1024'],
      espProposals: ['aes256-sha256-modp2048', 'aes128-sha1-modp2048'],
      localTs: ['10.1.0.0/24', '10.1.5.7'],
      remoteTs: ['10.2.0.0/24', '10.9.0.0/16'],
    });
    const text = exportPaloAlto(s, 'left');
    expect(text).toContain('protocol ikev1 exchange-mode aggressive');
    expect(text).toContain('protocol ikev1 dpd enable yes interval 10 retry 3');
    expect(text).toContain('esp encryption [ aes-256-cbc aes-128-cbc ]');
    expect(text).toContain('LAB-IPSEC dh-group group14');
    expect(text.match(/proxy-id PID-\d+ /g)).toHaveLength(4);
    expect(text).toContain('proxy-id PID-2 local 10.1.0.0/24 remote 10.9.0.0/16');
    // Two proposals that are not one product of algorithms: PAN-OS would offer more, and the export says so.
    expect(text).toContain('# note: PAN-OS offers every combination');
  });

  it('writes a route-based tunnel (0.0.0.0/0 selectors) without proxy IDs, routing the peer LAN into it', () => {
    const s = defaultSettings();
    s.left.gateway.localTs = ['0.0.0.0/0'];
    s.left.gateway.remoteTs = ['0.0.0.0/0'];
    const text = exportPaloAlto(s, 'left');
    expect(text).not.toContain('proxy-id');
    expect(text).toContain('static-route LAB-PEER-1 destination 10.2.0.0/24 interface tunnel.1');
    const r = importPaloAlto(text);
    expect(r.routeBased).toBe(true);
    expect(r.settings.left.lan).toBe('10.1.0.0/24');
    expect(r.settings.right.lan).toBe('10.2.0.0/24');
  });

  it('refuses what PAN-OS cannot express, naming the setting', () => {
    const cases: [string, (s: LabSettings) => void][] = [
      ['left.gateway.encap', (s) => (s.left.gateway.encap = true)],
      ['left.gateway.ike.rekeyTime', (s) => (s.left.gateway.ike.rekeyTime = 0)],
      ['left.gateway.child.rekeyTime', (s) => (s.left.gateway.child.rekeyTime = 60)],
      ['left.gateway.dpd.delay', (s) => (s.left.gateway.dpd.delay = 300)],
      ['left.gateway.ikeProposals[0]', (s) => (s.left.gateway.ikeProposals = ['aes256-sha256-modp2048s256'])],
      ['left.gateway.ikeProposals[0]', (s) => (s.left.gateway.ikeProposals = ['aes256-sha256-prfsha512-modp2048'])],
      ['left.gateway.espProposals', (s) => (s.left.gateway.espProposals = ['aes256-sha256-modp2048', 'aes256-sha256'])],
      ['left.gateway.localId', (s) => (s.left.gateway.localId = 'CN=vpn,O=lab')],
      ['left.gateway.psk', (s) => (s.left.gateway.psk = 'has"quote')],
    ];
    for (const [field, mutate] of cases) {
      const s = defaultSettings();
      mutate(s);
      expect(thrownBy(() => exportPaloAlto(s, 'left')).field).toBe(field);
    }
  });

  it('round-trips the default settings from both sides', () => {
    expectRoundTrip(defaultSettings(), 'left');
    expectRoundTrip(defaultSettings(), 'right');
    // The LAN comes back from the firewall's LAN interface.
    expect(importPaloAlto(exportPaloAlto(defaultSettings(), 'right')).settings.left.lan).toBe('10.2.0.0/24');
  });

  it('round-trips an FQDN and a key-id identity, GCM and a quoted key', () => {
    const s = defaultSettings();
    Object.assign(s.left.gateway, {
      localId: 'fw1.example.net',
      remoteId: 'keyid:partner-7',
      ikeProposals: ['aes256gcm16-prfsha384-ecp384'],
      espProposals: ['aes256gcm16-ecp384'],
      psk: 'a key with spaces',
    });
    expectRoundTrip(s, 'left');
  });
});

// ---- property test over generated settings -------------------------------------------------

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const some = <T>(xs: readonly T[], max = 2) => fc.uniqueArray(pick(xs), { minLength: 1, maxLength: max });
const join = (...parts: string[][]) => parts.flat().join('-');

const DH = ['modp768', 'modp1024', 'modp1536', 'modp2048', 'modp3072', 'modp4096', 'ecp256', 'ecp384', 'ecp521'];
const CBC = ['aes128', 'aes192', 'aes256', '3des', 'des'];
const GCM = ['aes128gcm16', 'aes256gcm16'];
const INTEG = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];

// One proposal each, the way a PAN-OS profile is one product of its algorithm lists.
const ikeV1 = fc.tuple(some(CBC), some(INTEG), some(DH)).map((p) => join(...p));
const ikeV2 = fc.oneof(
  fc.tuple(some(GCM), some(INTEG), some(DH)).map(([e, h, d]) =>
    join(
      e,
      h.map((x) => `prf${x}`),
      d,
    ),
  ),
  ikeV1,
);
const esp = fc.oneof(
  some(GCM).map((e) => join(e)),
  fc.tuple(some([...CBC, 'null']), some(INTEG)).map((p) => join(...p)),
);
const octet = fc.integer({ min: 1, max: 223 });
const subnet = (min: number, max: number) =>
  fc
    .tuple(octet, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min, max }))
    .map(([a, b, c, p]) => normalizeCidr(`${a}.${b}.${c}.0/${p}`));
const selectors = fc.oneof(fc.constant([] as string[]), fc.uniqueArray(subnet(8, 30), { minLength: 1, maxLength: 3 }));
/** Lifetimes PAN-OS can state: whole minutes from 3 minutes, or seconds up to 65535. */
const lifetime = fc.oneof(
  fc.integer({ min: 180, max: 65535 }),
  fc.integer({ min: 3, max: 65535 }).map((m) => m * 60),
);

const generated = fc
  .record({
    ikeVersion: fc.constantFrom<1 | 2>(1, 2),
    v1Ike: ikeV1,
    v2Ike: ikeV2,
    esp,
    pfs: fc.option(pick(DH), { nil: undefined }),
    psk: fc.stringMatching(/^[A-Za-z0-9!@#$%^&*()_+=.,:;-][A-Za-z0-9 !@#$%^&*()_+=.,:;-]{0,62}[A-Za-z0-9]$/),
    lans: fc.tuple(subnet(16, 28), subnet(16, 28)),
    wans: fc.tuple(subnet(16, 28), subnet(16, 28)),
    localTs: selectors,
    remoteTs: selectors,
    ikeLife: lifetime,
    childLife: lifetime,
    dpd: fc.oneof(fc.constant(0), fc.integer({ min: 2, max: 100 })),
    aggressive: fc.boolean(),
    side: fc.constantFrom<Side>('left', 'right'),
    start: fc.constantFrom<StartAction>('initiate', 'wait', 'trap'),
  })
  .filter((g) => normalizeCidr(g.wans[0]) !== normalizeCidr(g.wans[1]))
  // A key written as a mask stands for an unknown key, on import as on the device.
  .filter((g) => !/^(\*{3,}|[xX]{4,})$/.test(g.psk));

describe('Palo Alto round trip (property)', () => {
  it('export -> import keeps everything PAN-OS carries, and the import is always valid', () => {
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
          ikeProposals: [v1 ? g.v1Ike : g.v2Ike],
          espProposals: [g.pfs ? `${g.esp}-${g.pfs}` : g.esp],
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
