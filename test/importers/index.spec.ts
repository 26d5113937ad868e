import { describe, expect, it } from 'vitest';

import { detectFormat, importConfig } from '../../lab/importers/index.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { fixture, thrown } from './fixtures.js';

describe('importConfig', () => {
  it('detects each format', () => {
    expect(detectFormat(fixture('asa-ikev1-objects.txt'))).toBe('asa');
    expect(detectFormat(fixture('asa-ikev2-gcm.txt'))).toBe('asa');
    expect(detectFormat(fixture('swanctl-multi.conf'))).toBe('swanctl');
    expect(detectFormat(fixture('swanctl-ikev1.conf'))).toBe('swanctl');
    expect(detectFormat(fixture('ipsec-multi.conf'))).toBe('ipsec.conf');
    expect(detectFormat(JSON.stringify(defaultSettings(), null, 2))).toBe('settings-json');
    expect(detectFormat('hello')).toBeNull();
  });

  it('dispatches on the detected format and passes options on', () => {
    expect(importConfig(fixture('asa-multi-entry.txt'), { entry: 20 }).entry).toBe('outside_map 20');
    expect(importConfig(fixture('ipsec-multi.conf'), { secretsText: fixture('ipsec-multi.secrets') }).gateway.psk).toBe(
      'hq-shared-secret',
    );
    const r = importConfig(fixture('swanctl-ikev1.conf'), { side: 'right' });
    expect(r.format).toBe('swanctl');
    expect(r.settings.right.gateway.localId).toBe('203.0.113.10');
  });

  it('reads lab settings JSON and reports the line of a JSON error', () => {
    const r = importConfig(JSON.stringify(defaultSettings(), null, 2), { side: 'right' });
    expect(r.settings).toEqual(defaultSettings());
    expect(r.gateway.localId).toBe('203.0.113.10');
    const broken = '{\n  "schema": 1,\n  "left": ,\n}';
    expect(thrown(() => importConfig(broken, { format: 'settings-json' }))).toMatchObject({
      code: 'import-error',
      line: 3,
    });
    expect(thrown(() => importConfig('hello'))).toMatchObject({ code: 'import-error', line: 0 });
  });
});
