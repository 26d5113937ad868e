/**
 * Line input of any size: a Node Readable, an async iterable of chunks or of lines. Lines are cut
 * from chunks as they arrive, so a large log is never held as one string.
 */
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
  const decoder = new StringDecoder('utf8');
  const limit = MAX_LINE * 4;
  let rest = '';
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && rest) {
      onLine(rest + text.slice(0, nl));
      rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      onLine(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = rest ? rest + text.slice(start) : text.slice(start);
    while (rest.length > limit) {
      onLine(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
  }
  rest += decoder.end();
  if (rest) onLine(rest);
}

/** A Node Readable (or anything stream-like): its chunks are not aligned to lines. */
function isReadable(input: unknown): input is AsyncIterable<string | Buffer | Uint8Array> {
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
