/**
 * Line input of any size: a Node Readable, an async iterable of chunks or of lines. Lines are cut
 * from chunks as they arrive, so a large log is never held as one string.
 */
import { isAscii } from 'node:buffer';
import { ReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

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
  await forEachLineRange(input, (text, start, end) => onLine(text.slice(start, end)));
}

/** Bytes asked of a file per read: with the 64 KiB default, reading alone costs as much as grep's whole search. */
const FILE_CHUNK = 1 << 20;

/**
 * The line splitter under forEachLine, without cutting the lines out: `onRange(text, start, end)`
 * gets each line as a range of a larger string (the decoded chunk), so a caller that skips most
 * lines never allocates them. Lines are exactly forEachLine's. A kept range must be copied out of
 * `text` (a slice would pin the whole chunk in memory).
 */
export async function forEachLineRange(
  input: AsyncIterable<string | Buffer | Uint8Array>,
  onRange: (text: string, start: number, end: number) => void,
  /**
   * Called before the first range of each new string (chunk text, joined or cut line), with the
   * chunk's bytes when they are that string character for character (all ASCII), else null.
   */
  onText: (text: string, bytes: Uint8Array | null) => void = () => {},
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  // The decoder holds the first bytes of a character split across chunks; until it has seen a
  // byte >= 0x80 it holds nothing, and an all-ASCII chunk decodes the same as Latin-1 (a copy).
  let pending = false;
  const limit = MAX_LINE * 4;
  let rest = '';
  if (input instanceof ReadStream && !input.readableObjectMode) {
    // read(n) above the high-water mark raises it: later reads fetch FILE_CHUNK bytes at a time.
    const first = input.read(FILE_CHUNK) as Buffer | null;
    if (first !== null) input.unshift(first);
  }
  for await (const chunk of input) {
    let text: string;
    let bytes: Uint8Array | null = null;
    if (typeof chunk === 'string') text = chunk;
    else {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (!pending && isAscii(buf)) {
        text = buf.toString('latin1');
        bytes = buf;
      } else {
        text = decoder.write(buf);
        pending = buf.length > 0 && buf[buf.length - 1] >= 0x80;
      }
    }
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && rest) {
      const line = rest + text.slice(0, nl);
      onText(line, null);
      onRange(line, 0, line.length);
      rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (nl >= 0) onText(text, bytes);
    while (nl >= 0) {
      onRange(text, start, nl);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = rest ? rest + text.slice(start) : text.slice(start);
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

/** A Node Readable (or anything stream-like): its chunks are not aligned to lines. */
export function isReadable(input: unknown): input is AsyncIterable<string | Buffer | Uint8Array> {
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
