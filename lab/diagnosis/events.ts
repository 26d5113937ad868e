/**
 * Message -> event classification. Each pattern is a message text charon prints (recorded from
 * strongSwan 5.9.8 and 6.0.1 in test/fixtures/diagnosis, plus the documented older/newer wordings:
 * "inacceptable" before 5.7, "DH group" before 6.0, "key exchange method" since).
 *
 * Patterns are grouped by the message's first word so a line is tested against a handful of
 * regexes, not all of them: the parser must keep up with `grep` on large logs.
 */
import { NOOP, type Pattern, PATTERNS } from './event-patterns.js';
import type { DiagEvent, Side } from './event-types.js';
import type { LogRecord } from './log-line.js';

export * from './event-types.js';

// A Map, not the object: a message starting with "__proto__" or "constructor" must find nothing.
const BY_FIRST_WORD = new Map(Object.entries(PATTERNS));

/** The patterns by first word, for the prefilter (line-filter.ts), which reads their literals. */
export const CLASSIFIER_PATTERNS: ReadonlyMap<string, readonly { readonly re: RegExp }[]> = BY_FIRST_WORD;

/** The words by their first character (ASCII ones only): finding a message's list without cutting its word out. */
const BY_FIRST_CHAR: ([string, Pattern[]][] | undefined)[] = [];
for (const [word, list] of BY_FIRST_WORD) {
  const c = word.charCodeAt(0);
  if (c < 128) (BY_FIRST_CHAR[c] ??= []).push([word, list]);
}

/** BY_FIRST_WORD.get(msg's first word), the word being msg up to its first space. */
function patternsOf(msg: string): Pattern[] | undefined {
  let end = msg.indexOf(' ');
  if (end < 0) end = msg.length;
  const c = msg.charCodeAt(0);
  if (end === 0 || !(c < 128)) return BY_FIRST_WORD.get(msg.slice(0, end));
  const words = BY_FIRST_CHAR[c];
  if (words === undefined) return undefined;
  for (const [word, list] of words) if (word.length === end && msg.startsWith(word)) return list;
  return undefined;
}

/** Classifies one parsed line; null when the message is not one the rules use. */
export function classify(rec: LogRecord, side: Side): DiagEvent | null {
  const msg = rec.msg;
  const list = patternsOf(msg);
  if (!list) return null;
  for (const p of list) {
    const m = p.re.exec(msg);
    if (!m) continue;
    const e: DiagEvent = { kind: p.kind, side, rec };
    (p.build ?? NOOP)(m, e);
    return e;
  }
  return null;
}

/** Splits a `received/configured proposals:` value into single proposals without the protocol prefix. */
export function splitProposals(value: string): string[] {
  return value
    .split(/,\s*/)
    .map((p) => p.replace(/^(?:IKE|ESP|AH):/, '').trim())
    .filter(Boolean);
}
