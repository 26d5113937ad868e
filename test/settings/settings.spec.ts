import { describe, expect, it } from 'vitest';

import {
  cidrsOverlap,
  defaultSettings,
  parseProposal,
  SettingsError,
  siteAddresses,
  validateSettings,
} from '../../lab/settings/index.js';

function issuesOf(mutate: (s: ReturnType<typeof defaultSettings>) => void) {
  const s = defaultSettings();
  mutate(s);
  try {
    validateSettings(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).issues;
  }
  throw new Error('expected the settings to be refused');
}

describe('settings validation', () => {
  it('accepts the defaults', () => {
    expect(validateSettings(defaultSettings())).toEqual(defaultSettings());
  });
  it('names the field of an empty PSK', () => {
    expect(issuesOf((s) => (s.left.gateway.psk = ''))).toEqual([
      { field: 'left.gateway.psk', message: 'must not be empty' },
    ]);
  });
  it('names the field and keyword of a bad proposal', () => {
    const issues = issuesOf((s) => (s.right.gateway.ikeProposals = ['aes256-sha999-modp2048']));
    expect(issues[0].field).toBe('right.gateway.ikeProposals[0]');
    expect(issues[0].message).toContain('sha999');
  });
  it('refuses a bad subnet', () => {
    const issues = issuesOf((s) => (s.left.lan = '10.1.0.0/33'));
    expect(issues[0].field).toBe('left.lan');
  });
  it('refuses unknown fields', () => {
    const issues = issuesOf((s) => ((s.left.gateway as unknown as Record<string, unknown>).pks = 'x'));
    expect(issues[0].field).toBe('left.gateway');
    expect(issues[0].message).toMatch(/pks/);
  });
  it('refuses aggressive mode with IKEv2', () => {
    expect(issuesOf((s) => (s.left.gateway.aggressive = true))[0].field).toBe('left.gateway.aggressive');
  });
  it('refuses post-quantum key exchange on strongSwan 5.9', () => {
    const issues = issuesOf((s) => {
      s.left.gateway.release = 'bookworm';
      s.left.gateway.ikeProposals = ['aes256-sha256-mlkem768'];
    });
    expect(issues[0].message).toMatch(/strongSwan 6/);
  });
});

describe('proposals', () => {
  it('splits a proposal into transforms', () => {
    expect(parseProposal('aes256gcm16-prfsha384-ecp384', 'ike')).toEqual({
      encryption: ['aes256gcm16'],
      integrity: [],
      prf: ['prfsha384'],
      dh: ['ecp384'],
      esn: [],
    });
  });
  it('requires a DH group for IKE but not ESP', () => {
    expect(() => parseProposal('aes128-sha1', 'ike')).toThrow(/DH group/);
    expect(parseProposal('aes128-sha1', 'esp').dh).toEqual([]);
  });
});

describe('addresses', () => {
  it('places the gateway, host and router in each subnet', () => {
    expect(siteAddresses(defaultSettings(), 'left')).toMatchObject({
      gatewayLan: '10.1.0.1',
      host: '10.1.0.10',
      gatewayWan: '198.51.100.10',
      router: '198.51.100.1',
    });
  });
  it('detects overlapping subnets', () => {
    expect(cidrsOverlap('10.1.0.0/16', '10.1.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.1.0.0/24', '10.2.0.0/24')).toBe(false);
  });
});
