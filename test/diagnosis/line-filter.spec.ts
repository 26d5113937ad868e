/**
 * The prefilter (lab/diagnosis/line-filter.ts) may only skip a line that parseLogLine parses and
 * classify() turns into nothing. These tests hold it to that on every recorded line, on mutated
 * event lines, and end to end: a log diagnosed through the fast path (byte stream) gives exactly
 * the result of the old line-by-line path (every line parsed), however the bytes are chunked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Correlator } from '../../lab/diagnosis/correlate.js';
import { feedLog, LiveDiagnosis } from '../../lab/diagnosis/diagnose.js';
import { CLASSIFIER_PATTERNS, classify } from '../../lab/diagnosis/events.js';
import { labMessageStart, LineFilter } from '../../lab/diagnosis/line-filter.js';
import { parseLogLine } from '../../lab/diagnosis/log-line.js';
import { requiredLiterals } from '../../lab/diagnosis/regex-literals.js';
import { splitLines } from '../../lab/diagnosis/stream.js';
import { fixtureNames, FIXTURES } from './helpers.js';

/** Every recorded log file: both sides of every case (bare gateways and the full lab) and every rewritten shape. */
function recordedLogs(): string[] {
  const files: string[] = [];
  for (const name of fixtureNames())
    for (const side of ['left', 'right']) {
      const f = path.join(FIXTURES, name, `${side}.log`);
      if (existsSync(f)) files.push(f);
    }
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(path.join(dir, d.name));
      else if (d.name.endsWith('.log')) files.push(path.join(dir, d.name));
    }
  };
  walk(path.join(FIXTURES, 'lab'));
  walk(path.join(FIXTURES, 'shapes'));
  return files;
}

const LOGS = recordedLogs();
const RECORDED_LINES = LOGS.flatMap((f) => readFileSync(f, 'utf8').split('\n'));
/** Recorded lines that are events: the ones the filter must never drop. */
const EVENT_LINES = RECORDED_LINES.filter((l) => {
  const rec = parseLogLine(l, 1, 'x');
  return rec !== null && classify(rec, 'left') !== null;
});

/** The filter's verdict on one line given alone, as its own all-ASCII chunk (or null for other text). */
function skips(line: string): boolean {
  const f = new LineFilter();
  const ascii = /^[\x00-\x7f]*$/.test(line);
  f.setText(line, ascii ? Buffer.from(line, 'latin1') : null);
  return !f.mayMatter(0, line.length);
}

/**
 * What a diagnosis saw: its result, and every event it kept and counted (findings alone would not
 * notice a dropped event the rules happen not to need on these logs).
 */
function seen(live: LiveDiagnosis) {
  // The correlator is private to LiveDiagnosis; the test reads it to compare events, not just findings.
  const log = (live as unknown as { log: Correlator }).log;
  const events = [...log.byKind].map(([kind, list]) => [
    kind,
    log.count(kind),
    list.map((e) => `${e.rec.line}:${JSON.stringify({ ...e, rec: undefined })}`),
  ]);
  const sas = [...log.sas.values()].map((sa) => [sa.key, sa.established, sa.childUp, sa.answered, sa.requests.size]);
  return { result: live.result(), events, sas, recovered: log.recoveredCount };
}

/** The old path: every line parsed and classified (splitLines is the string splitter the fast path replaced). */
async function reference(bytes: Buffer[], side: 'left' | 'right' | 'unknown' = 'left') {
  const live = new LiveDiagnosis();
  let n = 0;
  for await (const line of splitLines(Readable.from(bytes))) live.pushLine(side, 'log', line, ++n);
  return seen(live);
}

async function fast(bytes: Buffer[], side: 'left' | 'right' | 'unknown' = 'left') {
  const live = new LiveDiagnosis();
  await feedLog(live, { source: 'log', side, lines: Readable.from(bytes) });
  return seen(live);
}

/** Cuts a buffer at the given offsets (sorted, deduplicated, within the buffer). */
function cut(buf: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((p) => p % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  if (prev < buf.length) out.push(buf.subarray(prev));
  return out;
}

describe('the prefilter never drops a line the parser needs', () => {
  it('sees the recorded logs (and their event lines) it is tested on', () => {
    expect(LOGS.length).toBeGreaterThan(90);
    expect(EVENT_LINES.length).toBeGreaterThan(2000);
  });

  it('skips only parsed lines without an event, on every recorded line', () => {
    let skipped = 0;
    let labShaped = 0;
    for (const line of RECORDED_LINES) {
      if (labMessageStart(Buffer.from(line, 'latin1'), 0, line.length) >= 0) labShaped++;
      if (!skips(line)) continue;
      skipped++;
      const rec = parseLogLine(line, 1, 'x');
      expect(rec, line).not.toBeNull();
      expect(classify(rec!, 'left'), line).toBeNull();
    }
    // It does skip: most lines in the shape it knows (the lab's file log) are not events.
    expect(skipped).toBeGreaterThan(labShaped / 2);
  });

  it('finds the message where parseLogLine does, on every recorded lab-shaped line', () => {
    let lab = 0;
    for (const line of RECORDED_LINES) {
      const at = labMessageStart(Buffer.from(line, 'latin1'), 0, line.length);
      if (at < 0) continue;
      lab++;
      expect(parseLogLine(line, 1, 'x')?.msg, line).toBe(line.slice(at));
    }
    expect(lab).toBeGreaterThan(10_000);
  });

  it('keeps mutated event lines that are still events', () => {
    const line = fc.constantFrom(...EVENT_LINES);
    const edit = fc.record({
      at: fc.nat(),
      len: fc.nat({ max: 6 }),
      insert: fc.constantFrom(
        '',
        ' ',
        '  ',
        '\t',
        'x',
        '>',
        '<',
        '|',
        '[',
        ']',
        '(',
        ')',
        '0',
        'bytes)',
        ' notify',
        'IKE_SA ',
        '{',
        '}',
        '\r',
        'é',
      ),
    });
    fc.assert(
      fc.property(line, fc.array(edit, { maxLength: 3 }), (l, edits) => {
        let s = l;
        for (const e of edits) {
          const at = e.at % (s.length + 1);
          s = s.slice(0, at) + e.insert + s.slice(at + e.len);
        }
        const rec = parseLogLine(s, 1, 'x');
        if (rec !== null && classify(rec, 'left') !== null) expect(skips(s), s).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps event messages behind any lab prefix', () => {
    const msgs = [...new Set(EVENT_LINES.map((l) => parseLogLine(l, 1, 'x')!.msg))];
    const prefix = fc
      .tuple(
        fc.constantFrom('Nov 22 11:04:31.792 ', 'Jan  2 01:02:03 ', 'Dec 31 23:59:59.123456 '),
        fc.constantFrom('13[IKE1] ', '0[NET] ', '1234[CFG2]', '05[ENC1]  '),
        fc.constantFrom('', '<lab|1> ', '<7>', '<a|b|12> ', '<|3> ', '<x> ', '<lab|> '),
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(prefix, fc.constantFrom(...msgs), (p, m) => {
        const s = p + m;
        const rec = parseLogLine(s, 1, 'x');
        if (rec !== null && classify(rec, 'left') !== null) expect(skips(s), s).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the literals read from the classifier patterns', () => {
  it('are found in every recorded message each pattern matches', () => {
    for (const [, patterns] of CLASSIFIER_PATTERNS)
      for (const p of patterns) {
        const lit = requiredLiterals(p.re);
        expect(lit, p.re.source).not.toBeNull();
        for (const line of EVENT_LINES) {
          const msg = parseLogLine(line, 1, 'x')!.msg;
          if (!p.re.test(msg)) continue;
          expect(
            lit!.prefixes.some((x) => msg.startsWith(x)),
            `${p.re.source} / ${msg}`,
          ).toBe(true);
          for (const n of lit!.needles) expect(msg.includes(n), `${p.re.source} / ${n}`).toBe(true);
          if (lit!.after) {
            const prefix = lit!.prefixes.find((x) => msg.startsWith(x))!;
            const space = msg.indexOf(' ', prefix.length);
            expect(msg.startsWith(lit!.after, space), `${p.re.source} / ${msg}`).toBe(true);
          }
        }
      }
  });

  it('drop what a quantifier or a group makes optional, and give up on alternation and flags', () => {
    expect(requiredLiterals(/^received IDr? (.*), but require (.*)/)).toEqual({
      prefixes: ['received ID'],
      after: null,
      needles: [' ', ', but require '],
    });
    expect(requiredLiterals(/^no (?:matching )?peer config found/)).toEqual({
      prefixes: ['no '],
      after: null,
      needles: ['peer config found'],
    });
    expect(requiredLiterals(/^ {2}(version|encap) = (.*)$/)).toEqual({
      prefixes: ['  version = ', '  encap = '],
      after: null,
      needles: [],
    });
    expect(requiredLiterals(/^received (\S+) notify error/)).toEqual({
      prefixes: ['received '],
      after: ' notify error',
      needles: [],
    });
    // An exact count is still literal text ("x{2}" is "xx"); a range is not.
    expect(requiredLiterals(/^a\.b\(c\) x{2}y/)).toEqual({ prefixes: ['a.b(c) xxy'], after: null, needles: [] });
    expect(requiredLiterals(/^a\.b\(c\) x{2,3}y/)).toEqual({ prefixes: ['a.b(c) '], after: null, needles: ['y'] });
    expect(requiredLiterals(/^ab|cd/)).toBeNull();
    expect(requiredLiterals(/^abc/i)).toBeNull();
    expect(requiredLiterals(/abc/)).toBeNull();
  });
});

describe("the fast path gives the old path's result", () => {
  it('on every recorded log, whole and one side at a time', async () => {
    for (const file of LOGS) {
      const bytes = readFileSync(file);
      const side = file.includes('right') ? 'right' : 'left';
      expect(await fast([bytes], side), file).toEqual(await reference([bytes], side));
    }
  });

  it('however the bytes are chunked, with CRLF, UTF-8, binary and overlong lines mixed in', async () => {
    const base = readFileSync(path.join(FIXTURES, 'psk-mismatch-v2-trixie', 'right.log'), 'utf8').split('\n');
    const noisy = base.map((l, i) => {
      if (i % 11 === 1) return l + '\r';
      if (i % 11 === 3) return l + ' ünïcödé €';
      if (i % 11 === 5) return '\u0000\u0001 binary \ufffd';
      return l;
    });
    noisy.splice(
      40,
      0,
      'y'.repeat(70_000),
      "Nov 22 11:06:11.363 01[IKE1] <lab|1> tried 1 shared key for 'a' - 'b', but MAC mismatched",
    );
    const bytes = Buffer.concat([
      Buffer.from(noisy.join('\n')),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\n13[IKE1] <lab|1> retransmit 1 of req'),
    ]);
    expect((await reference([bytes], 'right')).result.stats.unparsed).toBeGreaterThan(0);
    // Same chunks for both: a line longer than the splitter's bound is cut where a chunk ends.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), async (at) => {
        const chunks = cut(bytes, at);
        expect(await fast(chunks, 'right')).toEqual(await reference(chunks, 'right'));
      }),
      { numRuns: 60 },
    );
  });

  it('in large chunks, where a needle is searched ahead in the chunk instead of in each line', async () => {
    // Many packet lines per chunk (with and without a byte count) and other event lines.
    const logs = [
      'dpd-peer-dead-v2-trixie',
      'healthy-v2-trixie',
      'natt-port-blocked-v2-trixie',
      'psk-mismatch-v2-trixie',
    ].flatMap((n) => ['left', 'right'].map((s) => readFileSync(path.join(FIXTURES, n, `${s}.log`))));
    const bytes = Buffer.concat(Array.from({ length: 12 }, () => logs).flat());
    expect(bytes.length).toBeGreaterThan(1_000_000);
    expect(await fast([bytes])).toEqual(await reference([bytes]));
    const chunks = cut(bytes, [123_457, 400_001, 400_002, 777_777]);
    expect(await fast(chunks)).toEqual(await reference(chunks));
  });

  it('when a chunk ends inside a UTF-8 character or an invalid sequence, at every cut', async () => {
    const text = Buffer.concat([
      Buffer.from("Nov 22 11:06:11.363 01[IKE1] <lab|1> tried 1 shared key for 'ü' - 'b', but MAC mismatched\n"),
      Buffer.from([0xe2, 0x82]), // truncated euro sign
      Buffer.from('\nNov 22 11:06:11.364 01[IKE1] <lab|1> received AUTHENTICATION_FAILED notify error\n'),
      Buffer.from([0xf0, 0x9f, 0x98]), // truncated emoji, then plain ASCII
      Buffer.from(
        'Nov 22 11:06:11.365 01[NET1] <lab|1> sending packet: from 1.2.3.4[500] to 5.6.7.8[500] (80 bytes)\n',
      ),
    ]);
    for (let a = 0; a <= text.length; a++) {
      const chunks = cut(text, [a, a + 1]);
      expect(await fast(chunks), `cut at ${a}`).toEqual(await reference(chunks));
    }
  });

  it('on every published customer input and on hard-wrapped, quoted and CRLF lab logs', async () => {
    // Customer shapes mix lines the filter skips (lab-shaped, no event) with prefix-less
    // continuations of hard-wrapped lines: a skipped line must still be joined like the old path does.
    const inputs: Buffer[] = [];
    const pub = path.join(FIXTURES, 'public');
    if (existsSync(pub))
      for (const c of readdirSync(pub))
        for (const f of ['input.txt', 'left.txt', 'right.txt'])
          if (existsSync(path.join(pub, c, f))) inputs.push(readFileSync(path.join(pub, c, f)));
    for (const name of ['psk-mismatch-v2-trixie', 'natt-port-blocked-v2-trixie', 'dpd-peer-dead-v2-trixie']) {
      const text = readFileSync(path.join(FIXTURES, name, 'right.log'), 'utf8').split('\n');
      for (const width of [60, 72, 80, 100])
        inputs.push(Buffer.from(text.flatMap((l) => l.match(new RegExp(`.{1,${width}}`, 'g')) ?? ['']).join('\n')));
      inputs.push(Buffer.from(text.map((l) => `> ${l}\r`).join('\n')));
    }
    expect(inputs.length).toBeGreaterThan(20);
    for (const bytes of inputs) {
      expect(await fast([bytes])).toEqual(await reference([bytes]));
      const chunks = cut(bytes, [17, 4096, Math.floor(bytes.length / 2)]);
      expect(await fast(chunks)).toEqual(await reference(chunks));
    }
  });

  it('reads a file stream in large pieces and gives the same result', async () => {
    const { createReadStream } = await import('node:fs');
    const file = path.join(FIXTURES, 'dpd-peer-dead-v2-trixie', 'left.log');
    const live = new LiveDiagnosis();
    const stream = createReadStream(file, { highWaterMark: 16 });
    await feedLog(live, { source: 'log', side: 'left', lines: stream });
    expect(stream.readableHighWaterMark).toBeGreaterThan(16);
    expect(seen(live)).toEqual(await reference([readFileSync(file)]));
  });
});
