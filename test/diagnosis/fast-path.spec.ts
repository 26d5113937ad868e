/**
 * The fast path a file takes (FileChunks: reused buffers, lines found and filtered in the bytes,
 * only the lines that may matter decoded) against the straightforward path: every line decoded,
 * parsed and classified one by one. They must agree on everything the diagnosis saw (result, every
 * event, every IKE_SA) on the public corpora and on a generated multi-MiB log with noise placed
 * where the fast path could go wrong: a hard-wrapped line held back at the end of one buffer and
 * completed in the next, UTF-8 and CRLF lines, lines in shapes the filter does not read.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, describe, expect, it } from 'vitest';

import type { Correlator } from '../../lab/diagnosis/correlate.js';
import { feedLog, LiveDiagnosis } from '../../lab/diagnosis/diagnose.js';
import { FileChunks, splitLines } from '../../lab/diagnosis/stream.js';
import { FIXTURES } from './helpers.js';

const MIB = 1 << 20;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-fast-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a diagnosis saw: its result, every event kept per kind and count, every IKE_SA tracked. */
function seen(live: LiveDiagnosis) {
  // The correlator is private to LiveDiagnosis; read to compare events, not only findings.
  const log = (live as unknown as { log: Correlator }).log;
  const events = [...log.byKind].map(([kind, list]) => [
    kind,
    log.count(kind),
    list.map((e) => `${e.rec.line}:${JSON.stringify({ ...e, rec: undefined })}:${e.rec.raw}`),
  ]);
  const sas = [...log.sas.values()].map((sa) => [sa.key, sa.established, sa.childUp, sa.answered, sa.requests.size]);
  return { result: live.result(), events, sas, recovered: log.recoveredCount };
}

/** Every line decoded and pushed one by one, the bytes cut where FileChunks cuts them (1 MiB reads). */
async function straightforward(file: string, side: 'left' | 'right' | 'unknown') {
  const bytes = readFileSync(file);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += MIB) chunks.push(bytes.subarray(at, at + MIB));
  const live = new LiveDiagnosis();
  let n = 0;
  for await (const line of splitLines(Readable.from(chunks))) live.pushLine(side, file, line, ++n);
  return seen(live);
}

async function fast(file: string, side: 'left' | 'right' | 'unknown') {
  const live = new LiveDiagnosis();
  await feedLog(live, { source: file, side, lines: new FileChunks(file) });
  return seen(live);
}

/** A charon line the filter skips (no pattern's literals complete) that the next line completes into an event. */
const WRAPPED = ['Nov 22 11:06:11.364 09[IKE1] <lab|7> received AUTHENTICATION_FAILED notify', 'error'];

/**
 * Recorded sessions repeated past `bytes`, with noise, and at each MiB boundary a wrapped pair
 * placed so the boundary falls after the held line, inside its continuation, or inside the held line.
 */
function generatedLog(bytes: number): { text: string; wrapsAtBoundaries: number } {
  const sessions = ['psk-mismatch-v2-trixie', 'dpd-peer-dead-v2-trixie', 'healthy-v1-bookworm', 'ts-mismatch-v2-trixie']
    .flatMap((n) => ['left', 'right'].map((s) => path.join(FIXTURES, n, `${s}.log`)))
    .map((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  const out: string[] = [];
  let len = 0;
  const push = (l: string) => {
    out.push(l);
    len += Buffer.byteLength(l) + 1;
  };
  let boundary = MIB;
  let wraps = 0;
  const noise = [
    (l: string) => `${l}\r`,
    (l: string) => `${l} ünïcödé €`,
    () => 'ordinary text a user pasted between log lines',
    (l: string) => `> ${l}`,
    () => '',
  ];
  for (let round = 0; len < bytes; round++) {
    for (const [i, l] of sessions[round % sessions.length].entries()) {
      if (len + 600 > boundary) {
        // The held line's newline lands at boundary-1 (the continuation starts the next buffer),
        // boundary-3 (the continuation straddles it) or boundary+10 (the held line does).
        const newlineAt = boundary + [-1, -3, 10][wraps % 3];
        const fill = newlineAt - len - Buffer.byteLength(WRAPPED[0]) - 1;
        push(`filler ${'y'.repeat(fill - 7)}`);
        push(WRAPPED[0]);
        push(WRAPPED[1]);
        wraps++;
        boundary += MIB;
      }
      push(i % 97 === 13 ? noise[(round + i) % noise.length](l) : l);
    }
  }
  return { text: out.join('\n') + '\n', wrapsAtBoundaries: wraps };
}

describe('the fast path and the line-by-line path see the same', () => {
  it('on a generated multi-MiB log with noise and wrapped lines across buffer boundaries', async () => {
    const { text, wrapsAtBoundaries } = generatedLog(4.5 * MIB);
    const file = path.join(dir, 'large.log');
    writeFileSync(file, text);
    // Enough buffers that FileChunks reuses each, and every boundary placement at least once.
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * MIB);
    expect(wrapsAtBoundaries).toBeGreaterThanOrEqual(4);
    // The boundary positions are where the test means them to be.
    const bytes = Buffer.from(text);
    expect(bytes.subarray(MIB - WRAPPED[0].length - 1, MIB).toString()).toBe(`${WRAPPED[0]}\n`);
    expect(bytes.subarray(2 * MIB - WRAPPED[0].length - 3, 2 * MIB - 2).toString()).toBe(`${WRAPPED[0]}\n`);

    const reference = await straightforward(file, 'right');
    expect(await fast(file, 'right')).toEqual(reference);
    // The wrapped pairs were joined into events by both (a held line lost or corrupted would show).
    const joined = reference.events.find(([kind]) => kind === 'notify-error');
    expect(joined?.[1]).toBeGreaterThanOrEqual(wrapsAtBoundaries);
    expect(reference.result.stats.unparsed).toBeGreaterThan(0);
  });

  it('on every public customer input, read from its file', async () => {
    const pub = path.join(FIXTURES, 'public');
    let files = 0;
    for (const c of readdirSync(pub, { withFileTypes: true })) {
      if (!c.isDirectory()) continue;
      for (const f of ['input.txt', 'left.txt', 'right.txt']) {
        const file = path.join(pub, c.name, f);
        let exists = true;
        try {
          readFileSync(file);
        } catch {
          exists = false;
        }
        if (!exists) continue;
        const side = f === 'left.txt' ? 'left' : f === 'right.txt' ? 'right' : 'unknown';
        expect(await fast(file, side), file).toEqual(await straightforward(file, side));
        files++;
      }
    }
    expect(files).toBeGreaterThan(50);
  });

  it('yields the file exactly, whatever its size, and closes it when the reader stops early', async () => {
    for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 17]) {
      const file = path.join(dir, `bytes-${size}`);
      writeFileSync(file, pattern(size));
      const copies: Buffer[] = [];
      for await (const chunk of new FileChunks(file)) copies.push(Buffer.from(chunk));
      expect(Buffer.concat(copies).equals(pattern(size)), `size ${size}`).toBe(true);
      // Full buffers but the last: a line held from one chunk is decided in the next.
      expect(copies.slice(0, -1).every((c) => c.length === MIB)).toBe(true);
    }
    const file = path.join(dir, `bytes-${3 * MIB + 17}`);
    const stop = new Error('stop');
    await expect(
      (async () => {
        for await (const chunk of new FileChunks(file)) if (chunk.length) throw stop;
      })(),
    ).rejects.toBe(stop);
    await expect(
      (async () => {
        for await (const chunk of new FileChunks(path.join(dir, 'missing'))) expect(chunk).toBeUndefined();
      })(),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a chunk intact while the next one is worked on (its reads ahead go elsewhere)', async () => {
    const size = 6 * MIB + 5;
    const file = path.join(dir, 'intact');
    writeFileSync(file, pattern(size));
    let previous: { chunk: Buffer; copy: Buffer } | undefined;
    let chunks = 0;
    for await (const chunk of new FileChunks(file)) {
      // Time for the read ahead to land, wherever it lands.
      await new Promise((r) => setTimeout(r, 20));
      if (previous) expect(previous.chunk.equals(previous.copy), `chunk ${chunks - 1}`).toBe(true);
      previous = { chunk, copy: Buffer.from(chunk) };
      chunks++;
    }
    expect(chunks).toBe(7);
  });
});

/** Bytes that differ from chunk to chunk and within each, the same for the same size. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
