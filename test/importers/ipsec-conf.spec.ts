import { describe, expect, it } from 'vitest';

import { importIpsecConf } from '../../lab/importers/ipsec-conf.js';
import { trafficSelectors } from '../../lab/settings/addresses.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { fixture, thrown } from './fixtures.js';

const conf = fixture('ipsec-multi.conf');
const secretsText = fixture('ipsec-multi.secrets');

describe('ipsec.conf importer', () => {
  it('imports the first conn with %default and also= applied', () => {
    const r = importIpsecConf(conf, { secretsText });
    expect(r.entry).toBe('to-hq');
    expect(r.gateway).toMatchObject({
      ikeVersion: 1,
      ikeProposals: ['aes256-sha256-modp2048', 'aes128-sha1-modp1024'],
      espProposals: ['aes256-sha256-modp2048'],
      psk: 'hq-shared-secret',
      localId: '203.0.113.10',
      remoteId: '@hq.example.com',
      localTs: ['10.2.0.0/24'],
      remoteTs: ['10.1.0.0/24', '10.1.10.0/24'],
      dpd: { delay: 30, timeout: 120, action: 'restart' },
      // ikelifetime 8h and keylife 1h minus rekeymargin 3m, as the starter computes them.
      ike: { rekeyTime: 28620, reauthTime: 0, overTime: 180 },
      child: { rekeyTime: 3420, lifeTime: 3600 },
      startAction: 'initiate',
      aggressive: true,
    });
    expect(r.localAddress).toBe('203.0.113.10');
    expect(r.peerAddress).toBe('198.51.100.10');
    expect(r.unsupported.map((u) => u.line)).toEqual([3, 4, 5, 22, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43]);
    expect(r.unsupported[3]).toEqual({
      line: 22,
      text: '\tleftfirewall=yes',
      reason: 'updown firewall rules are not modelled',
    });
    expect(r.warnings).toEqual([{ line: 34, message: 'conn to-dr is not imported (import it with entry to-dr)' }]);
    expect(trafficSelectors(r.settings, 'right')).toEqual({
      local: ['10.1.0.0/24', '10.1.10.0/24'],
      remote: ['10.2.0.0/24'],
    });
    expect(r.settings.right.gateway.localId).toBe('@hq.example.com');
    validateSettings(r.settings);
  });

  it('takes the right end as local when the address says so', () => {
    const r = importIpsecConf(conf, { secretsText, entry: 'to-dr', localAddress: '192.0.2.50', side: 'right' });
    expect(r.gateway).toMatchObject({
      ikeVersion: 2,
      localId: '192.0.2.50',
      remoteId: '203.0.113.10',
      localTs: ['10.9.0.0/16'],
      remoteTs: ['10.2.0.0/24'],
      psk: 'dr secret',
      encap: true,
      mobike: false,
      startAction: 'trap',
      // IKEv2 with reauth=yes (the default): the lifetime reauthenticates.
      ike: { rekeyTime: 0, reauthTime: 28620 },
    });
    expect(r.warnings.map((w) => w.line)).toEqual(expect.arrayContaining([24, 39, 40]));
    expect(r.settings.right.lan).toBe('10.9.0.0/16');
  });

  it('falls back to a wildcard secret and to defaults', () => {
    const text =
      'conn x\n  right=198.51.100.10\n  rightsubnet=10.1.0.0/24\n  left=203.0.113.10\n  leftsubnet=10.2.0.0/24\n  auto=add\n';
    const r = importIpsecConf(text, { secretsText: ': PSK "any-peer"\n' });
    expect(r.gateway).toMatchObject({
      psk: 'any-peer',
      ikeVersion: 2,
      ikeProposals: ['default'],
      dpd: { delay: 0 },
      startAction: 'wait',
    });
    expect(r.unsupported).toEqual([]);
  });

  it('names the line of broken input', () => {
    expect(thrown(() => importIpsecConf('conn a\n  also=missing\n'))).toMatchObject({
      code: 'import-error',
      line: 2,
      message: expect.stringContaining('no conn missing'),
    });
    expect(thrown(() => importIpsecConf('conn a\n  left 1.2.3.4\n'))).toMatchObject({
      line: 2,
      message: 'line 2: expected "key=value"',
    });
    expect(thrown(() => importIpsecConf('  left=1.2.3.4\n'))).toMatchObject({ line: 1 });
    expect(thrown(() => importIpsecConf('conn a\n  ike=aes256-sha1-nope!\n'))).toMatchObject({
      line: 2,
      message: expect.stringContaining('nope'),
    });
    expect(thrown(() => importIpsecConf('conn a\n  ikelifetime=forever\n'))).toMatchObject({ line: 2 });
    expect(thrown(() => importIpsecConf('conn a\n  also=b\nconn b\n  also=a\nconn c\n  also=a\n'))).toMatchObject({
      message: expect.stringContaining('loop'),
    });
  });
});
