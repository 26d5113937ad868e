import { describe, expect, it } from 'vitest';

import { exportSwanctl } from '../../lab/exporters/swanctl.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { SettingsError } from '../../lab/settings/validate.js';

describe('swanctl.conf exporter', () => {
  it('masks the key unless asked to reveal it', () => {
    const masked = exportSwanctl(defaultSettings(), 'left');
    expect(masked).toContain('secret = ********');
    expect(masked).not.toContain('ipsec-lab-shared-secret');
    expect(exportSwanctl(defaultSettings(), 'left', { revealSecrets: true })).toContain(
      'secret = ipsec-lab-shared-secret',
    );
  });
  it('refuses invalid settings', () => {
    const s = defaultSettings();
    s.left.gateway.psk = '';
    expect(() => exportSwanctl(s, 'left')).toThrow(SettingsError);
  });
});
