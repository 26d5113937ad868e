import { describe, expect, it } from 'vitest';

import { exportSwanctl } from '../../lab/exporters/swanctl.js';
import { importSwanctl } from '../../lab/importers/swanctl.js';
import { trafficSelectors } from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { fixture, thrown } from './fixtures.js';

const lines = (r: { unsupported: { line: number }[] }) => r.unsupported.map((u) => u.line);

describe('swanctl.conf importer', () => {
  it('imports the first connection, inheriting from its template', () => {
    const r = importSwanctl(fixture('swanctl-multi.conf'));
    expect(r.entry).toBe('branch-berlin');
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      ikeProposals: ['aes256gcm16-prfsha384-ecp384', 'aes256-sha256-modp2048'],
      espProposals: ['aes256gcm16-ecp384', 'aes256-sha256-modp2048'],
      // Quoted, with escaped quotes and a "#" that is not a comment.
      psk: 's3cr3t with "quotes" # not a comment',
      localId: 'hq.example.com',
      remoteId: 'berlin.example.com',
      localTs: ['10.0.0.0/16'],
      remoteTs: ['10.40.0.0/24', '10.41.0.0/24'],
      ike: { rekeyTime: 28800, reauthTime: 0, overTime: 0 },
      child: { rekeyTime: 3600, lifeTime: 0 },
      dpd: { delay: 30, action: 'restart' },
      startAction: 'trap',
      mobike: false,
    });
    expect(r.localAddress).toBe('192.0.2.1');
    expect(r.peerAddress).toBe('198.51.100.7');
    // include, the updown script, the second child, the road-warrior connection, the pool and
    // the secrets of other peers; keyingtries = 0 is what the lab does anyway.
    expect(lines(r)).toEqual([
      2, 35, 37, 38, 39, 44, 45, 46, 47, 48, 49, 51, 52, 54, 55, 56, 62, 63, 64, 74, 75, 76, 78, 79, 80,
    ]);
    expect(r.unsupported[0]).toEqual({
      line: 2,
      text: 'include conf.d/*.conf',
      reason: expect.stringContaining('include'),
    });
    expect(r.warnings).toContainEqual({ line: 44, message: expect.stringContaining('roadwarrior is not imported') });
    expect(r.warnings).toContainEqual({ line: 37, message: expect.stringContaining('berlin-voice') });
    const s = r.settings;
    expect(trafficSelectors(s, 'right')).toEqual({ local: ['10.40.0.0/24', '10.41.0.0/24'], remote: ['10.0.0.0/16'] });
    expect(s.right.gateway.localId).toBe('berlin.example.com');
    expect(s.right.gateway.startAction).toBe('wait');
  });

  it('picks a connection by name', () => {
    const r = importSwanctl(fixture('swanctl-multi.conf'), { entry: 'roadwarrior', side: 'right' });
    expect(r.entry).toBe('roadwarrior');
    expect(r.unsupported.find((u) => u.line === 48)!.reason).toContain('auth = pubkey');
    expect(r.unsupported.find((u) => u.line === 46)!.reason).toContain('pools');
    validateSettings(r.settings);
    expect(thrown(() => importSwanctl(fixture('swanctl-multi.conf'), { entry: 'nope' })).message).toContain(
      'branch-berlin, roadwarrior',
    );
  });

  it('masks every secret in the notes, quoted or encoded, and decodes 0s/0x keys as swanctl does', () => {
    const text = fixture('swanctl-multi.conf');
    const r = importSwanctl(text, { entry: 'roadwarrior' });
    const notes = JSON.stringify([r.unsupported, r.warnings]);
    expect(notes).not.toContain('s3cr3t');
    expect(notes).not.toContain('VGhpcyBpcyBub3QgdGhlIGtleQ==');
    expect(r.unsupported.filter((u) => u.text.includes('secret =')).every((u) => u.text.includes('********'))).toBe(
      true,
    );
    expect(JSON.stringify(importSwanctl(text, { entry: 'roadwarrior', revealSecrets: true }).unsupported)).toContain(
      's3cr3t',
    );
    const paris = text.replace(
      /connections \{/,
      'connections {\n   paris { remote_addrs = 192.0.2.9\n local { id = gw.example.org }\n remote { id = paris.example.com }\n children { net { } } }',
    );
    expect(importSwanctl(paris, { entry: 'paris' }).gateway.psk).toBe('This is not the key');
  });

  it('imports IKEv1, one-line sections and a wildcard secret', () => {
    const r = importSwanctl(fixture('swanctl-ikev1.conf'));
    expect(r.gateway).toMatchObject({
      ikeVersion: 1,
      aggressive: true,
      encap: true,
      psk: 'partner-psk',
      localId: '203.0.113.10',
      remoteId: '198.51.100.10',
      dpd: { delay: 10, timeout: 60, action: 'clear' },
      ike: { rekeyTime: 86400 },
      child: { rekeyTime: 28800, lifeTime: 32400 },
      startAction: 'initiate',
    });
    expect(r.unsupported).toEqual([]);
    // The addresses are .10 of their /24: the lab gateways sit exactly there.
    expect(r.settings.left.wan).toBe('203.0.113.0/24');
    expect(r.settings.right.wan).toBe('198.51.100.0/24');
    expect(r.warnings).toEqual([]);
  });

  it('names the section whose closing brace is missing', () => {
    const e = thrown(() => importSwanctl(fixture('swanctl-broken-brace.conf')));
    expect(e).toMatchObject({ code: 'import-error', line: 2 });
    expect(e.message).toContain('section "site" is never closed');
    expect(e.message).toContain('line 10');
    expect(thrown(() => importSwanctl(fixture('swanctl-broken-extra-brace.conf')))).toMatchObject({
      line: 6,
      message: 'line 6: unexpected "}" (no section is open)',
    });
  });

  it('names the line of other syntax errors', () => {
    expect(thrown(() => importSwanctl('connections {\n  a {\n    version 2\n  }\n}\n'))).toMatchObject({ line: 3 });
    expect(thrown(() => importSwanctl('secrets {\n  ike {\n    secret = "open\n  }\n}\n'))).toMatchObject({
      line: 3,
      message: expect.stringContaining('unterminated'),
    });
    expect(
      thrown(() => importSwanctl('connections {\n a {\n  proposals = aes256-sha999-modp2048\n }\n}')),
    ).toMatchObject({ line: 3, message: expect.stringContaining('sha999') });
    expect(
      thrown(() => importSwanctl('connections {\n a {\n  rekey_time = soon\n  children { c { } }\n }\n}')),
    ).toMatchObject({ line: 3 });
    expect(thrown(() => importSwanctl('# nothing\n'))).toMatchObject({ line: 0 });
  });

  it('round-trips what the lab itself generates', () => {
    const s = defaultSettings();
    s.left.gateway.localTs = ['10.1.0.0/24', '10.1.9.9/32'];
    for (const side of ['left', 'right'] as const) {
      const r = importSwanctl(exportSwanctl(s, side, { revealSecrets: true }), { side });
      expect(r.unsupported).toEqual([]);
      const { peerAddress: _, ...want } = s[side].gateway;
      const ts = trafficSelectors(s, side);
      expect(r.gateway).toEqual({ ...want, localTs: ts.local, remoteTs: ts.remote });
      expect(trafficSelectors(r.settings, side)).toEqual(ts);
      expect(r.settings[side].wan).toBe(s[side].wan);
    }
  });
});
