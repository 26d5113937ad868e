import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { importConfig, ImportError, type ImportFormat } from '../../lab/importers/index.js';
import { validateSettings } from '../../lab/settings/validate.js';
import { fixture } from './fixtures.js';

/** Mangled samples: every outcome is either valid settings or an ImportError, never a crash. */
const samples: [ImportFormat, string][] = [
  ['asa', fixture('asa-ikev1-objects.txt')],
  ['asa', fixture('asa-ikev2-gcm.txt')],
  ['swanctl', fixture('swanctl-multi.conf')],
  ['ipsec.conf', fixture('ipsec-multi.conf')],
];

describe('importers on mangled input', () => {
  it('return valid settings or throw ImportError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
        ([format, text], cuts) => {
          const lines = text.split('\n');
          for (const [a, b] of cuts) lines.splice(a % (lines.length || 1), 1 + (b % 2));
          try {
            const r = importConfig(lines.join('\n'), { format });
            validateSettings(r.settings);
            for (const u of r.unsupported) expect(u.line).toBeGreaterThan(0);
          } catch (e) {
            expect(e).toBeInstanceOf(ImportError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
