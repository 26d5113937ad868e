import { createReadStream } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';
import { classify } from '../../lab/diagnosis/events.js';
import { parseLogLine } from '../../lab/diagnosis/log-line.js';
import { SHAPE_FIXTURES, SHAPES } from '../fixtures/diagnosis/shapes.js';
import { expectEvidenceVerbatim, FIXTURES, meta } from './helpers.js';

describe('line shapes', () => {
  const msg = "tried 1 shared key for 'a' - 'b', but MAC mismatched";
  const cases: [string, Partial<ReturnType<typeof parseLogLine> & object>][] = [
    [
      `Jun 20 14:29:47 02[NET] <gw|1> ${msg}`,
      { time: 'Jun 20 14:29:47', thread: 2, group: 'NET', ikeName: 'gw', ikeId: 1 },
    ],
    [`Nov 22 11:06:11.363 01[IKE1] <lab|1> ${msg}`, { time: 'Nov 22 11:06:11.363', group: 'IKE', level: 1, ikeId: 1 }],
    [`Nov  2 11:06:11.363 01[IKE1] <7> ${msg}`, { time: 'Nov  2 11:06:11.363', ikeId: 7 }],
    [`13[IKE2] ${msg}`, { thread: 13, level: 2 }],
    [`Nov 30 22:36:12 host charon: 09[IKE] ${msg}`, { shape: 'syslog', thread: 9 }],
    [`Nov 30 22:36:12 fw charon[2428]: 02[NET] <gw|1> ${msg}`, { shape: 'syslog', ikeName: 'gw' }],
    [`Nov 30 22:36:12 host ipsec[915]: 16[ENC] ${msg}`, { shape: 'syslog', group: 'ENC' }],
    [`charon: 09[IKE] <con1|5> ${msg}`, { shape: 'syslog', ikeId: 5 }],
    [`Oct 01 13:26:50 host charon-systemd[63658]: ${msg}`, { shape: 'journald' }],
    [`2024-06-20T14:29:47.123+02:00 host charon[1]: 05[IKE] ${msg}`, { shape: 'syslog', thread: 5 }],
    [`2024-06-20 14:29:47 05[IKE] ${msg}`, { shape: 'filelog' }],
    [
      JSON.stringify({ time: 't', thread: 13, group: 'IKE', level: 1, 'ikesa-name': 'gw', 'ikesa-uniqueid': 3, msg }),
      { shape: 'json', ikeName: 'gw', ikeId: 3, level: 1 },
    ],
    [
      JSON.stringify({ MESSAGE: msg, GROUP: 'IKE', THREAD: '4', IKE_SA_NAME: 'gw' }),
      { shape: 'json', thread: 4, group: 'IKE' },
    ],
    [`${msg}\r`, { shape: 'bare' }],
  ];
  for (const [line, want] of cases) {
    it(`parses ${line.slice(0, 60)}`, () => {
      const rec = parseLogLine(line, 1, 'x');
      expect(rec).not.toBeNull();
      expect(rec!.msg).toBe(msg);
      expect(rec).toMatchObject(want);
      expect(classify(rec!, 'left')?.kind).toBe('mac-mismatch');
    });
  }

  it('knows both wordings of version-dependent messages', () => {
    const kinds = [
      'DH group MODP_2048 unacceptable, requesting ECP_256',
      'key exchange method MODP_2048 unacceptable, requesting ECP_256',
      'DH group MODP_2048 inacceptable, requesting ECP_256',
      'received proposals inacceptable',
      'received proposals unacceptable',
      'traffic selectors 10.2.0.0/24 === 10.1.0.0/24 inacceptable',
      'no matching CHILD_SA config found',
      'no matching CHILD_SA config found for 10.1.0.0/24 === 10.2.0.0/24',
    ].map((m) => classify(parseLogLine(`09[IKE] ${m}`, 1, 'x')!, 'left')?.kind);
    expect(kinds).toEqual([
      'ke-retry-responder',
      'ke-retry-responder',
      'ke-retry-responder',
      'proposals-unacceptable',
      'proposals-unacceptable',
      'ts-unacceptable',
      'no-child-config',
      'no-child-config',
    ]);
  });
});

describe('rewritten fixtures: every shape gives the same verdict', () => {
  for (const fx of SHAPE_FIXTURES) {
    for (const shape of SHAPES) {
      it(`${fx} as ${shape}`, async () => {
        const r = await diagnose({
          logs: (['left', 'right'] as const).map((s) => ({
            source: `shapes/${fx}/${s}.${shape}.log`,
            side: s,
            lines: createReadStream(path.join(FIXTURES, 'shapes', fx, `${s}.${shape}.log`)),
          })),
        });
        expect(r.verdict).toBe(meta(fx).expect);
        expect(r.stats.unparsed).toBe(0);
        expectEvidenceVerbatim(r);
      });
    }
  }
});
