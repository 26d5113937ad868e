import { describe, expect, it } from 'vitest';

import { renderSwanctlConf, secretValue } from '../../lab/config/swanctl-conf.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { SettingsError, validateSettings } from '../../lab/settings/validate.js';

describe('pre-shared keys', () => {
  it('refuses a key with a carriage return or a NUL, naming the field', () => {
    for (const bad of ['secret\r', 'sec\0ret']) {
      const s = defaultSettings();
      s.right.gateway.psk = bad;
      expect(() => validateSettings(s)).toThrow(SettingsError);
      expect(() => validateSettings(s)).toThrow(/right\.gateway\.psk: must not contain a carriage return or NUL/);
    }
  });

  it('writes a key swanctl would decode (0x.., 0s..) or parse ($, quotes, backslash) as hex of its own bytes', () => {
    expect(secretValue('0xdeadbeef')).toBe(`0x${Buffer.from('0xdeadbeef').toString('hex')}`);
    expect(secretValue('0SQUJD')).toBe(`0x${Buffer.from('0SQUJD').toString('hex')}`);
    expect(secretValue('a${b}c')).toBe(`0x${Buffer.from('a${b}c').toString('hex')}`);
    expect(secretValue('päss"word\\')).toBe(`0x${Buffer.from('päss"word\\').toString('hex')}`);
    // Plain keys stay readable in the generated file.
    expect(secretValue('ipsec-lab-shared-secret')).toBe('ipsec-lab-shared-secret');
    expect(secretValue('with spaces & symbols!')).toBe('with spaces & symbols!');
    const s = defaultSettings();
    s.left.gateway.psk = '0x1234abcd';
    const conf = renderSwanctlConf(s, 'left', { revealSecrets: true });
    expect(conf).toContain(`secret = 0x${Buffer.from('0x1234abcd').toString('hex')}`);
    expect(renderSwanctlConf(s, 'left')).not.toContain('1234abcd');
  });
});
