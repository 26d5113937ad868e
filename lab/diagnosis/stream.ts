/**
 * Line input of any size: a Node Readable, an async iterable of chunks or of lines. Lines are cut
 * from chunks as they arrive, so a large log is never held as one string.
 */
import { isAscii } from 'node:buffer';
import { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

import { ignoreRejection } from '../common/ignore.js';
import { MAX_LINE } from './log-line.js';

export type LineInput = AsyncIterable<string | Buffer | Uint8Array> | Iterable<string>;

/**
 * Yields the lines of a byte/text stream. A chunk that is not newline-terminated is carried over;
 * an absurdly long "line" (binary data without newlines) is cut at MAX_LINE*4 characters so memory
 * stays bounded; the pieces are then counted as unparsed by the parser.
 */
export async function* splitLines(input: AsyncIterable<string | Buffer | Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const limit = MAX_LINE * 4;
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && rest) {
      yield rest + text.slice(0, nl);
      rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      yield text.slice(start, nl);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = rest ? rest + text.slice(start) : text.slice(start);
    while (rest.length > limit) {
      yield rest.slice(0, limit);
      rest = rest.slice(limit);
    }
  }
  rest += decoder.end();
  if (rest) yield rest;
}

/**
 * Calls `onLine` for every line of a byte/text stream, synchronously per chunk: the per-line
 * promise of an async generator costs more than parsing the line, so the hot path avoids it.
 */
export async function forEachLine(input: LineInput, onLine: (line: string) => void): Promise<void> {
  if (!isReadable(input)) {
    for await (const line of toLines(input)) onLine(line);
    return;
  }
  await forEachLineRange(input, (text, start, end) => onLine(lineOf(text, start, end)));
}

/** Bytes asked of a file per read: with the 64 KiB default, reading alone costs as much as grep's whole search. */
const FILE_CHUNK = 1 << 20;

/**
 * A regular file's bytes in FILE_CHUNK pieces, read into three buffers used in turn, the next piece
 * read while the caller works on this one. A stream's fresh buffer per chunk costs more than the
 * read itself (the kernel zero-fills new pages). So a chunk stays valid only while the caller works
 * on it and on the next one: until the chunk after the next is asked for. Every chunk but the last
 * is FILE_CHUNK bytes, more than forEachLineRange carries without ending a line, so a range it hands
 * out is decided on before its chunk is reused (feedLog holds a skipped line until the next one).
 */
export class FileChunks implements AsyncIterable<Buffer> {
  constructor(readonly path: string) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const fh = await open(this.path, 'r');
    const buffers = [0, 1, 2].map(() => Buffer.allocUnsafeSlow(FILE_CHUNK));
    /** Fills a buffer, or up to the end of the file (a read may return less than asked). */
    const fill = async (buf: Buffer): Promise<Buffer> => {
      let n = 0;
      for (let r = -1; n < buf.length && r !== 0; n += r) r = (await fh.read(buf, n, buf.length - n, null)).bytesRead;
      return buf.subarray(0, n);
    };
    let turn = 0;
    let next: Promise<Buffer> | undefined = fill(buffers[0]);
    try {
      for (;;) {
        const chunk = await next;
        next = undefined;
        if (chunk.length === 0) return;
        turn = (turn + 1) % buffers.length;
        next = fill(buffers[turn]);
        yield chunk;
      }
    } finally {
      // A consumer that stops early (an error) leaves a read in flight: it must end before the close.
      if (next) await next.catch(ignoreRejection('the file is being closed after an earlier error'));
      await fh.close();
    }
  }
}

/** A line of a chunk (text, or the chunk's all-ASCII bytes) as a string of its own. */
export function lineOf(text: string | Buffer, start: number, end: number): string {
  return typeof text === 'string' ? text.slice(start, end) : text.toString('latin1', start, end);
}

/** The next newline in a piece at or after `from`, or -1. */
function newline(text: string | Buffer, from: number): number {
  return typeof text === 'string' ? text.indexOf('\n', from) : text.indexOf(10, from);
}

/**
 * The line splitter under forEachLine, without cutting the lines out: `onRange(text, start, end)`
 * gets each line as a range of a larger piece, so a caller that skips most lines never allocates
 * them. The piece is a string (a decoded chunk, a joined or cut line) or, for a chunk that is all
 * ASCII, the chunk's bytes themselves (byte i is character i: decoding it would cost more than the
 * search for its lines). Lines are exactly forEachLine's. A kept range must be copied out (a slice
 * of a string pins the whole chunk in memory) before the chunk after the next is read (a chunk's
 * bytes may be reused then, see FileChunks).
 */
export async function forEachLineRange(
  input: AsyncIterable<string | Buffer | Uint8Array>,
  onRange: (text: string | Buffer, start: number, end: number) => void,
  /**
   * Called before the first range of each new piece (chunk, joined or cut line), with the piece's
   * bytes when it is the bytes of an all-ASCII chunk, else null.
   */
  onText: (text: string | Buffer, bytes: Buffer | null) => void = () => {},
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  // The decoder holds the first bytes of a character split across chunks; until it has seen a
  // byte >= 0x80 it holds nothing, and an all-ASCII chunk's bytes are its characters.
  let pending = false;
  const limit = MAX_LINE * 4;
  let rest = '';
  if (input instanceof ReadStream && !input.readableObjectMode) {
    // read(n) above the high-water mark raises it: later reads fetch FILE_CHUNK bytes at a time.
    const first = input.read(FILE_CHUNK) as Buffer | null;
    if (first !== null) input.unshift(first);
  }
  for await (const chunk of input) {
    let text: string | Buffer;
    let bytes: Buffer | null = null;
    if (typeof chunk === 'string') text = chunk;
    else {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (!pending && isAscii(buf)) {
        text = buf;
        bytes = buf;
      } else {
        text = decoder.write(buf);
        pending = buf.length > 0 && buf[buf.length - 1] >= 0x80;
      }
    }
    let start = 0;
    let nl = newline(text, 0);
    if (nl >= 0 && rest) {
      const line = rest + lineOf(text, 0, nl);
      onText(line, null);
      onRange(line, 0, line.length);
      rest = '';
      start = nl + 1;
      nl = newline(text, start);
    }
    if (nl >= 0) onText(text, bytes);
    while (nl >= 0) {
      onRange(text, start, nl);
      start = nl + 1;
      nl = newline(text, start);
    }
    const tail = lineOf(text, start, text.length);
    rest = rest ? rest + tail : tail;
    while (rest.length > limit) {
      onText(rest, null);
      onRange(rest, 0, limit);
      rest = rest.slice(limit);
    }
  }
  rest += decoder.end();
  if (rest) {
    onText(rest, null);
    onRange(rest, 0, rest.length);
  }
}

/** A Node Readable (or anything stream-like, or FileChunks): its chunks are not aligned to lines. */
export function isReadable(input: unknown): input is AsyncIterable<string | Buffer | Uint8Array> {
  if (input instanceof FileChunks) return true;
  const r = input as { pipe?: unknown; on?: unknown };
  return typeof r?.pipe === 'function' && typeof r?.on === 'function';
}

/**
 * Normalises the accepted inputs to an async iterable of lines: a Readable is split into lines;
 * any other iterable is taken as yielding lines already (a trailing newline is tolerated).
 */
export async function* toLines(input: LineInput): AsyncGenerator<string> {
  if (isReadable(input)) {
    yield* splitLines(input);
    return;
  }
  for await (const item of input as unknown as AsyncIterable<string | Buffer | Uint8Array>) {
    const text = typeof item === 'string' ? item : Buffer.from(item).toString('utf8');
    if (text.indexOf('\n') < 0) yield text;
    else for (const l of text.replace(/\n$/, '').split('\n')) yield l;
  }
}
