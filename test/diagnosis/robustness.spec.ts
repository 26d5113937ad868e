import { Readable } from 'node:stream';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';
import { LiveDiagnosis } from '../../lab/diagnosis/live.js';
import { parseLogLine } from '../../lab/diagnosis/log-line.js';

describe('garbage, binary and truncated input', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const live = new LiveDiagnosis();
        for (const [i, line] of s.split('\n').entries()) live.pushLine('left', 'x', line, i + 1);
        live.result();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on lines that look almost like charon lines', () => {
    const prefix = fc.constantFrom(
      '',
      'Nov 22 11:06:11.363 ',
      '13[IKE2] ',
      '<lab|1> ',
      '{"msg":',
      'host charon: ',
      '<',
      '[',
      '13[',
    );
    const body = fc.constantFrom(
      'retransmit 1 of request with message ID',
      'parsed IKE_SA_INIT response 0 [',
      'received proposals:',
      'IKE_SA lab[1] established between',
      'CHILD_SA net{1} established with SPIs',
      'giving up after',
      'no IKE config found for ',
    );
    fc.assert(
      fc.property(prefix, body, fc.string({ maxLength: 40 }), (p, b, t) => {
        const live = new LiveDiagnosis();
        live.pushLine('right', 'x', p + b + t, 1);
        live.findings();
      }),
      { numRuns: 500 },
    );
  });

  it('counts binary and garbage lines as unparsed', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const chunks = [
      Buffer.from("Nov 22 11:06:11.363 01[IKE1] <lab|1> tried 1 shared key for 'a' - 'b', but MAC mismatched\n"),
      bytes,
      Buffer.from('\n\u0000\u0001\u0002 binary\n%%%%\n{not json\n{"no":"msg"}\n'),
      Buffer.from('13[IKE1] <lab|1> retransmit 1 of req'), // truncated last line, no newline
    ];
    const r = await diagnose({ logs: [{ source: 'mixed.log', side: 'right', lines: Readable.from(chunks) }] });
    expect(r.verdict).toBe('psk-mismatch');
    expect(r.stats.unparsed).toBeGreaterThanOrEqual(4);
    expect(r.stats.lines).toBeGreaterThan(5);
  });

  it('bounds absurdly long lines', () => {
    expect(parseLogLine('x'.repeat(100_000), 1, 'x')).toBeNull();
  });

  it('handles an empty input', async () => {
    const r = await diagnose({ logs: [{ source: 'empty', side: 'left', lines: Readable.from([]) }] });
    expect(r).toMatchObject({ verdict: 'unknown', findings: [], stats: { lines: 0, unparsed: 0 } });
  });
});
