/**
 * Customer texts the UI brings in (a pasted log, a dropped 100 MB file, a config), kept by the host
 * in an owner-only temporary file while the UI works on them. A text arrives in pieces, in order,
 * so no single message carries it whole; its lines are counted as the pieces arrive, with the byte
 * offset of every LINE_STEP-th line kept, so the UI can be shown any cited line again without the
 * file being read from its start or held in memory.
 *
 * Lines are numbered as the diagnosis numbers them (lab/diagnosis/stream.ts): pieces between
 * newlines, a last line without a newline counted, none after a final newline.
 */
import { createReadStream, type ReadStream, rmSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ignoreRejection } from '../common/ignore.js';
import { LabError } from '../docker/errors.js';
import { SECRET_MASK } from '../importers/types.js';
import type { CustomerLinesInfo, UploadInfo } from './contract.js';

/** A piece of text per message: small enough for a WebSocket message even when JSON escapes every character. */
export const MAX_CHUNK_CHARS = 512 * 1024;
/** Bytes of one text: a customer's log of several hundred MB is the most anyone pastes or drops. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** Texts kept at once; the least recently used goes when one more is opened (a reloaded page forgets its ids). */
export const MAX_UPLOADS = 16;
/** Lines per entry of the line index. */
const LINE_STEP = 1024;
/** Longest line sent back to the UI; longer ones are cut (a binary file has "lines" of megabytes). */
const MAX_SHOWN_LINE = 4000;
const MAX_LINES_PER_CALL = 500;

interface Upload {
  info: UploadInfo;
  /** Secrets found in the text (pre-shared keys of a config): never shown. */
  secrets: string[];
  file: string;
  fh: FileHandle | undefined;
  nextSeq: number;
  /** Byte offset where line k*LINE_STEP+1 starts. */
  index: number[];
  /** Newlines received; with `lastByte`, the line count. */
  newlines: number;
  lastByte: number;
  used: number;
  /** Appends run one after the other even if a caller does not wait for the previous one. */
  queue: Promise<unknown>;
}

export class UploadStore {
  private dir: string | undefined;
  private readonly uploads = new Map<string, Upload>();
  private counter = 0;
  private clock = 0;

  async open(meta: { name: string; size?: number }): Promise<UploadInfo> {
    if (meta.size !== undefined && meta.size > MAX_UPLOAD_BYTES) throw tooLarge(meta.name, meta.size);
    this.dir ??= await mkdtemp(path.join(os.tmpdir(), 'ipsec-lab-customer-'));
    while (this.uploads.size >= MAX_UPLOADS) {
      const oldest = [...this.uploads.values()].sort((a, b) => a.used - b.used)[0];
      await this.discard(oldest.info.id);
    }
    const id = `u${(++this.counter).toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    const file = path.join(this.dir, id);
    // Owner-only and new: a customer's log or config can hold keys and addresses.
    const fh = await open(file, 'wx', 0o600);
    const up: Upload = {
      info: { id, name: meta.name, bytes: 0, lines: 0, done: false },
      secrets: [],
      file,
      fh,
      nextSeq: 0,
      index: [0],
      newlines: 0,
      lastByte: -1,
      used: ++this.clock,
      queue: Promise.resolve(),
    };
    this.uploads.set(id, up);
    return { ...up.info };
  }

  append(id: string, seq: number, chunk: string): Promise<UploadInfo> {
    const up = this.get(id, false);
    const run = up.queue.then(() => this.write(up, seq, chunk));
    up.queue = run.catch(ignoreRejection('the caller of this append gets its error; the queue only orders them'));
    return run;
  }

  private async write(up: Upload, seq: number, chunk: string): Promise<UploadInfo> {
    if (up.info.done || !up.fh)
      throw new LabError('invalid-request', `"${up.info.name}" is complete: no more pieces are taken`);
    if (seq !== up.nextSeq)
      throw new LabError(
        'invalid-request',
        `"${up.info.name}": piece ${seq} arrived, piece ${up.nextSeq} was expected (pieces go in order, each once)`,
      );
    if (chunk.length > MAX_CHUNK_CHARS)
      throw new LabError('invalid-request', `a piece holds at most ${MAX_CHUNK_CHARS} characters, not ${chunk.length}`);
    const buf = Buffer.from(chunk, 'utf8');
    if (up.info.bytes + buf.length > MAX_UPLOAD_BYTES) throw tooLarge(up.info.name, up.info.bytes + buf.length);
    await up.fh.write(buf, 0, buf.length, up.info.bytes);
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, nl + 1)) {
      up.newlines++;
      if (up.newlines % LINE_STEP === 0) up.index.push(up.info.bytes + nl + 1);
    }
    if (buf.length) up.lastByte = buf[buf.length - 1];
    up.info.bytes += buf.length;
    up.info.lines = up.newlines + (up.info.bytes > 0 && up.lastByte !== 10 ? 1 : 0);
    up.nextSeq++;
    up.used = ++this.clock;
    return { ...up.info };
  }

  async finish(id: string): Promise<UploadInfo> {
    const up = this.get(id, false);
    await up.queue;
    if (up.fh) {
      await up.fh.close();
      up.fh = undefined;
    }
    up.info.done = true;
    return { ...up.info };
  }

  async discard(id: string): Promise<boolean> {
    const up = this.uploads.get(id);
    if (!up) return false;
    this.uploads.delete(id);
    await up.queue;
    await up.fh?.close();
    await rm(up.file, { force: true });
    return true;
  }

  /** A finished text; `done: false` also takes one still arriving. */
  get(id: string, done = true): Upload {
    const up = this.uploads.get(id);
    if (!up)
      throw new LabError(
        'invalid-request',
        `no text "${id}" on the host (removed, or the host restarted): add it again`,
      );
    if (done && !up.info.done)
      throw new LabError('invalid-request', `"${up.info.name}" is still arriving: finish it first`);
    up.used = ++this.clock;
    return up;
  }

  /** Secrets of this text (a config's keys) that customerLines must mask from now on. */
  mask(id: string, secrets: string[]): void {
    const up = this.get(id, false);
    // Longest first: a key that contains another is masked whole.
    up.secrets = [...new Set([...up.secrets, ...secrets.filter((s) => s.length >= 3)])].sort(
      (a, b) => b.length - a.length,
    );
  }

  info(id: string): UploadInfo {
    return { ...this.get(id, false).info };
  }

  /** The bytes of a finished text, streamed (the diagnosis reads it like a file). */
  stream(id: string): ReadStream {
    return createReadStream(this.get(id).file);
  }

  /** A finished text whole, for inputs that are small by nature (a config): refused above `maxBytes`. */
  async text(id: string, maxBytes: number, what: string): Promise<string> {
    const up = this.get(id);
    if (up.info.bytes > maxBytes)
      throw new LabError(
        'invalid-request',
        `"${up.info.name}" is ${mb(up.info.bytes)}: not ${what} (those are at most ${mb(maxBytes)})`,
      );
    return readFile(up.file, 'utf8');
  }

  /** Lines `from` (1-based) onwards, read from the nearest indexed line. */
  async lines(id: string, from: number, count: number): Promise<CustomerLinesInfo> {
    const up = this.get(id, false);
    const total = up.info.lines;
    const n = Math.min(count, MAX_LINES_PER_CALL, Math.max(0, total - from + 1));
    if (from < 1 || n <= 0) return { total, from, lines: [] };
    const k = Math.floor((from - 1) / LINE_STEP);
    let line = k * LINE_STEP + 1;
    const out: string[] = [];
    let cur: Buffer[] = [];
    let curLen = 0;
    const take = () => {
      if (line >= from) out.push(shown(Buffer.concat(cur, Math.min(curLen, MAX_SHOWN_LINE * 4)), up.secrets));
      cur = [];
      curLen = 0;
      line++;
    };
    const fh = await open(up.file, 'r');
    try {
      const buf = Buffer.alloc(256 * 1024);
      let pos = up.index[k];
      while (out.length < n && pos < up.info.bytes) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, up.info.bytes - pos), pos);
        if (!bytesRead) break;
        let start = 0;
        for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < bytesRead && out.length < n; nl = buf.indexOf(10, start)) {
          if (line >= from && curLen < MAX_SHOWN_LINE * 4) {
            cur.push(buf.subarray(start, nl));
            curLen += nl - start;
          }
          take();
          start = nl + 1;
        }
        if (out.length < n && start < bytesRead && line >= from && curLen < MAX_SHOWN_LINE * 4) {
          cur.push(Buffer.from(buf.subarray(start, bytesRead)));
          curLen += bytesRead - start;
        }
        pos += bytesRead;
      }
      // The last line has no newline of its own.
      if (out.length < n && line <= total && line >= from) take();
    } finally {
      await fh.close();
    }
    return { total, from, lines: out };
  }

  /** Removes every text (the host is closing). Synchronous: it runs from dispose. */
  dispose(): void {
    for (const up of this.uploads.values())
      void up.fh?.close().catch(ignoreRejection('the file is removed with its directory right after'));
    this.uploads.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

function shown(b: Buffer, secrets: string[]): string {
  let t = b.toString('utf8');
  if (t.endsWith('\r')) t = t.slice(0, -1);
  for (const s of secrets) if (t.includes(s)) t = t.split(s).join(SECRET_MASK);
  return t.length > MAX_SHOWN_LINE ? t.slice(0, MAX_SHOWN_LINE) + '…' : t;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function tooLarge(name: string, bytes: number): LabError {
  return new LabError(
    'invalid-request',
    `"${name}" is ${mb(bytes)}: texts of at most ${mb(MAX_UPLOAD_BYTES)} are taken (cut the log to the hours around the problem)`,
  );
}
