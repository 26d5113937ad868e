/**
 * The parser's prefilter: tells from a line's bytes, without cutting the line out of its chunk,
 * that the line is a charon line no classifier pattern can match, so it only needs counting. Most
 * lines of a large log are such lines (task queueing, socket chatter, VICI polls), and parsing them
 * is what made the parser many times slower than grep.
 *
 * It is exact, not a heuristic. A line is skipped only when
 *  1. it is in the lab's file-log shape ("Mmm dd hh:mm:ss[.mmm] NN[GRP[d]] [<name|id>] msg") as
 *     parseLogLine's fast path reads it, so parseLogLine returns a record (the line is not
 *     unparsed) and the message starts where this scanner says; and
 *  2. no classifier pattern has all its required literals in the message: its prefix (one of them)
 *     at the start, the literal after a `(\S+)`, its longest other literal anywhere after. They are
 *     read from the patterns at load time (regex-literals.ts), so a new pattern is covered without
 *     touching this file. Checking every pattern, not only those of the message's first word as
 *     classify() does, only ever keeps more lines.
 * Every other line goes the full way (parseLogLine, classify), exactly as before.
 *
 * It reads bytes, not characters: V8's charCodeAt dispatches on the string's representation at
 * every call, a typed-array load does not. So it works on chunks that are all ASCII (where byte i
 * is character i); other text is passed through to the parser whole.
 */
import { CLASSIFIER_PATTERNS } from './events.js';
import { MAX_LINE } from './log-line.js';
import { requiredLiterals } from './regex-literals.js';

/** What a pattern needs after its prefix. */
interface Tail {
  /** See RequiredLiterals.after (as byte values), or null. */
  after: number[] | null;
  /** Index into the needle cache, or -1. */
  needle: number;
}

/**
 * A node of the trie of all patterns' prefixes, its edge compressed: the bytes `run` lead into it
 * (the first chose it among its siblings), and the patterns whose prefix ends here wait in `tails`.
 */
interface Node {
  run: number[];
  tails: Tail[];
  next: (Node | undefined)[];
}

/** Needles shorter than this are too common to be worth a search (the prefix still applies). */
const MIN_NEEDLE = 3;

/** Characters of charon logs from the most to the least common (measured on the recorded fixtures). */
const BY_FREQUENCY = ' 1e02atisnor[].cl\nd_Cp5EFGguIf3Nbk=mA4KTS><:h7v|-y6HD/PLMO8()RwqB9\'U,xVQ"XYjJ{}+\\%?';

/** How rare a character is: V8 finds a needle by scanning for its first character, so rare is fast. */
function rarity(c: string): number {
  const i = BY_FREQUENCY.indexOf(c);
  return i < 0 ? BY_FREQUENCY.length : i;
}

/**
 * The needle to search for: the longest run (the most telling), from its rarest-starting tail
 * that is still MIN_NEEDLE long (a tail of a required literal is required too).
 */
function bestNeedle(runs: string[]): string | null {
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length < MIN_NEEDLE) return null;
  let from = 0;
  for (let i = 1; longest.length - i >= MIN_NEEDLE; i++) if (rarity(longest[i]) > rarity(longest[from])) from = i;
  return longest.slice(from);
}

const codes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const isAsciiText = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** A trie node while the table is built: children in a Map, one character per edge. */
interface Draft {
  tails: Tail[];
  kids: Map<number, Draft>;
}

/**
 * The trie of every classifier pattern's prefixes. A line is a candidate when its message walks
 * into a node whose tail it satisfies. That is the union of every pattern's necessary literals,
 * a superset of what classify() tries for the message's first word, hence conservative.
 */
function buildTable(): { root: Node; needles: Buffer[]; needleBytes: number[][] } {
  const needles: string[] = [];
  const root: Draft = { tails: [], kids: new Map() };
  const add = (prefix: string, tail: Tail) => {
    let node = root;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      let kid = node.kids.get(c);
      if (!kid) node.kids.set(c, (kid = { tails: [], kids: new Map() }));
      node = kid;
    }
    node.tails.push(tail);
  };
  for (const [word, patterns] of CLASSIFIER_PATTERNS) {
    for (const p of patterns) {
      const lit = requiredLiterals(p.re);
      if (!lit) {
        // Nothing known but the first word: every message starting with it is a candidate.
        if (isAsciiText(word)) add(word, { after: null, needle: -1 });
        continue;
      }
      // A literal outside ASCII can never match an all-ASCII chunk (the only text filtered).
      if (lit.after !== null && !isAsciiText(lit.after)) continue;
      const chosen = bestNeedle(lit.needles);
      if (chosen !== null && !isAsciiText(chosen)) continue;
      let needle = chosen === null ? -1 : needles.indexOf(chosen);
      if (chosen !== null && needle < 0) needle = needles.push(chosen) - 1;
      const tail: Tail = { after: lit.after === null ? null : codes(lit.after), needle };
      for (const prefix of lit.prefixes) if (isAsciiText(prefix)) add(prefix, tail);
    }
  }
  return {
    root: compress([], root),
    needles: needles.map((n) => Buffer.from(n, 'latin1')),
    needleBytes: needles.map(codes),
  };
}

/**
 * The node reached by `run` into `draft`, chains of single-child nodes without tails merged into
 * one edge. Only these nodes get a 128-slot table (one per character of every prefix was most of
 * the start-up time of `diagnose`).
 */
function compress(run: number[], draft: Draft): Node {
  // The root (empty run) stays where every message starts.
  while (run.length && !draft.tails.length && draft.kids.size === 1) {
    const [[c, kid]] = draft.kids;
    run.push(c);
    draft = kid;
  }
  const next: (Node | undefined)[] = new Array(128).fill(undefined);
  for (const [c, kid] of draft.kids) next[c] = compress([c], kid);
  return { run, tails: draft.tails, next };
}

const TABLE = buildTable();

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;

/**
 * Where the message of the line bytes[start, end) starts if the line is in the lab's file-log shape
 * exactly as parseLogLine's fast path (parseLabLine) accepts it, else -1. Mirrors parseLabLine
 * character by character; the filter tests pin the two together on every recorded line.
 */
export function labMessageStart(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 20 || len > MAX_LINE) return -1;
  // parseLogLine strips a trailing CR before parsing: leave such lines to it.
  if (b[end - 1] === 13) return -1;
  if (b[start + 3] !== 32 || b[start + 9] !== 58 || b[start + 12] !== 58 || b[start + 15] === 58) return -1;
  if (!isUpper(b[start]) || !isDigit(b[start + 14])) return -1;
  let i = start + 15;
  if (b[i] === 46 /* . */) {
    i++;
    while (i < end && isDigit(b[i])) i++;
  }
  if (i >= end || b[i] !== 32) return -1;
  i++;
  const threadStart = i;
  while (i < end && isDigit(b[i])) i++;
  if (i === threadStart || i >= end || b[i] !== 91 /* [ */) return -1;
  const groupStart = ++i;
  while (i < end && isUpper(b[i])) i++;
  if (i - groupStart < 2) return -1;
  if (i < end && isDigit(b[i])) i++;
  if (i >= end || b[i] !== 93 /* ] */) return -1;
  i++;
  if (i < end && b[i] === 32) i++;
  if (i < end && b[i] === 60 /* < */) {
    // "<name|id> " or "<id> ": the first '>' within 200 characters, the id after the last '|'.
    let close = -1;
    for (let k = i + 1; k < end && k - i < 200; k++) {
      if (b[k] === 62 /* > */) {
        close = k;
        break;
      }
    }
    if (close > i) {
      let bar = -1;
      for (let k = close - 1; k > i; k--) {
        if (b[k] === 124 /* | */) {
          bar = k;
          break;
        }
      }
      const idStart = bar > i ? bar + 1 : i + 1;
      let ok = idStart < close;
      for (let k = idStart; k < close && ok; k++) ok = isDigit(b[k]);
      if (ok) {
        i = close + 1;
        if (i < end && b[i] === 32) i++;
      }
    }
  }
  return i;
}

/** Whether bytes[at, ...) starts with `lit` and the literal ends by `end`. */
function bytesAt(b: Uint8Array, at: number, end: number, lit: number[], from: number): boolean {
  if (at + lit.length > end) return false;
  for (let k = from; k < lit.length; k++) if (b[at + k] !== lit[k]) return false;
  return true;
}

export class LineFilter {
  private bytes: Buffer | null = null;
  /** Per needle: its next position in `bytes` at or after the last search's start, -1: none, -2: not searched. */
  private readonly pos: number[] = TABLE.needles.map(() => -2);
  /** Per needle: how many lines of the current bytes asked for it. */
  private readonly asked: number[] = TABLE.needles.map(() => 0);
  /**
   * Whether the line mayMatter last looked at is in the lab's file-log shape: such a line cannot
   * continue a line cut by a hard wrap (the reader ends a held line at any line with a thread).
   */
  labShaped = false;

  /**
   * The piece (a chunk, a line) the following ranges are of, and its bytes when every byte is the
   * character at the same index (an all-ASCII chunk), else null: then every line goes to the
   * parser. Needle positions are cached per piece, so each needle is searched for once per chunk.
   */
  setText(_text: string | Buffer, bytes: Buffer | null): void {
    this.bytes = bytes;
    this.pos.fill(-2);
    this.asked.fill(0);
  }

  /**
   * False only when the line [start, end) of the current text is a charon line that cannot yield
   * an event; true means "parse it" (an event is possible, or the line is in a shape this filter
   * does not read). Lines must come in order.
   */
  mayMatter(start: number, end: number): boolean {
    const b = this.bytes;
    this.labShaped = false;
    if (b === null) return true;
    const at = labMessageStart(b, start, end);
    if (at < 0) return true;
    this.labShaped = true;
    let node = TABLE.root;
    if (node.tails.length && this.anyTail(node.tails, b, at, end)) return true;
    let i = at;
    while (i < end) {
      const child: Node | undefined = node.next[b[i]];
      if (child === undefined) return false;
      const run = child.run;
      if (i + run.length > end) return false;
      for (let k = 1; k < run.length; k++) if (b[i + k] !== run[k]) return false;
      i += run.length;
      if (child.tails.length && this.anyTail(child.tails, b, i, end)) return true;
      node = child;
    }
    return false;
  }

  /** Whether the message, its prefix matched up to `rest`, has the rest of one of `tails`. */
  private anyTail(tails: Tail[], b: Buffer, rest: number, end: number): boolean {
    let space = -1; // the first space after the prefix, found once when a tail needs it
    for (const t of tails) {
      if (t.after !== null) {
        // `(\S+)` then a literal starting with a space: the literal starts at the first space.
        if (space < 0) {
          space = rest;
          while (space < end && b[space] !== 32) space++;
        }
        if (space === rest || !bytesAt(b, space, end, t.after, 1)) continue;
      }
      if (t.needle >= 0 && !this.contains(t.needle, b, rest, end)) continue;
      return true;
    }
    return false;
  }

  /**
   * Whether needle n occurs within the line's [from, end). The first few lines of a chunk that ask
   * search their own bytes; after that the chunk is searched ahead once and the position kept, so a
   * needle many lines ask about costs one native scan of the chunk, and a rare one costs no scan.
   */
  private contains(n: number, b: Buffer, from: number, end: number): boolean {
    const needle = TABLE.needles[n];
    let p = this.pos[n];
    if (p === -1 || p >= from) return p >= 0 && p + needle.length <= end;
    if (++this.asked[n] <= SEARCH_CHUNK_AFTER) return bytesWithin(b, from, end, TABLE.needleBytes[n]);
    p = b.indexOf(needle, from);
    this.pos[n] = p;
    return p >= 0 && p + needle.length <= end;
  }
}

/** Line searches of one needle per chunk before the chunk is searched ahead natively instead. */
const SEARCH_CHUNK_AFTER = 256;

/** Whether `lit` occurs within bytes[from, end). */
function bytesWithin(b: Uint8Array, from: number, end: number, lit: number[]): boolean {
  const first = lit[0];
  for (let i = from, last = end - lit.length; i <= last; i++)
    if (b[i] === first && bytesAt(b, i, end, lit, 1)) return true;
  return false;
}
