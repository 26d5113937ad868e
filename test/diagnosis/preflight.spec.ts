import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';
import { preflight } from '../../lab/diagnosis/preflight.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { FIXTURES } from './helpers.js';

function tweaked(fn: (s: LabSettings) => void): LabSettings {
  const s = defaultSettings();
  fn(s);
  return s;
}

describe("pre-flight comparison of both gateways' settings", () => {
  it('finds nothing in the default (healthy) settings', () => {
    expect(preflight(defaultSettings())).toEqual([]);
  });

  const cases: [string, (s: LabSettings) => void][] = [
    [
      'ike-proposal-mismatch',
      (s) => {
        s.right.gateway.ikeProposals = ['aes128-sha1-ecp256'];
      },
    ],
    [
      'esp-proposal-mismatch',
      (s) => {
        s.right.gateway.espProposals = ['aes128gcm16'];
      },
    ],
    [
      'pfs-mismatch',
      (s) => {
        s.left.gateway.espProposals = ['aes256-sha256-modp2048'];
      },
    ],
    [
      'psk-mismatch',
      (s) => {
        s.right.gateway.psk = 'other';
      },
    ],
    [
      'id-mismatch',
      (s) => {
        s.right.gateway.remoteId = 'left.example.net';
      },
    ],
    [
      'ts-mismatch',
      (s) => {
        s.right.gateway.remoteTs = ['10.9.0.0/24'];
      },
    ],
    [
      'ike-version-mismatch',
      (s) => {
        s.left.gateway.ikeVersion = 1;
      },
    ],
    [
      'peer-address-mismatch',
      (s) => {
        s.left.gateway.peerAddress = '192.0.2.99';
      },
    ],
    [
      'overlapping-subnets',
      (s) => {
        s.right.lan = '10.1.0.0/16';
      },
    ],
    [
      'dpd-mismatch',
      (s) => {
        s.right.gateway.dpd.delay = 0;
      },
    ],
    [
      'lifetime-mismatch',
      (s) => {
        s.right.gateway.child.rekeyTime = 1800;
      },
    ],
  ];
  for (const [cause, fn] of cases) {
    it(`finds ${cause}`, () => {
      const f = preflight(tweaked(fn));
      expect(f.map((x) => x.cause)).toContain(cause);
      const mine = f.find((x) => x.cause === cause)!;
      expect(mine.evidence.length).toBeGreaterThan(0);
      expect(mine.fix.length).toBeGreaterThan(0);
    });
  }

  it('never puts the PSK itself into evidence', () => {
    const f = preflight(
      tweaked((s) => {
        s.right.gateway.psk = 'sekrit-right';
      }),
    );
    expect(JSON.stringify(f)).not.toMatch(/sekrit-right|ipsec-lab-shared-secret/);
  });

  it('the settings recorded with a fixture predict the cause the logs show', async () => {
    const settings = JSON.parse(
      readFileSync(path.join(FIXTURES, 'pfs-mismatch-v2-trixie', 'settings.json'), 'utf8'),
    ) as LabSettings;
    const r = await diagnose({ settings });
    expect(r.findings.map((f) => f.cause)).toContain('pfs-mismatch');
  });
});
