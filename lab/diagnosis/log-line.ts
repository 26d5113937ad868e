/**
 * One charon log line, whatever shape the user pasted it in. charon's payload has a form of its own,
 * `NN[GRP] ` (thread and group, `NN[GRPd]` with `log_level`), `[GRP] ` without a thread
 * (`swanctl --initiate` / `--log`) or `GRP NN : ` (a vendor syslog that swaps and pads them), and it
 * is searched for anywhere in the line: whatever precedes it (syslog header, logcat tag, OpenWrt
 * facility, a relaying program) is kept as the line's time and origin where it can be read, never
 * matched against a list of known wrappers. Lines without a payload are message-only (journald,
 * a program relaying charon's messages, `--log` output) or something else entirely; the reader
 * (reader.ts) decides which by what the message says.
 *
 * Forum residue is peeled off first: `> ` quote markers, markdown `**bold**` and inline code, ANSI
 * colour codes, CRLF and trailing blanks, HTML entities.
 */

export type LineShape = 'filelog' | 'syslog' | 'journald' | 'json' | 'bare' | 'device';

export interface LogRecord {
  /** File name or stream name ('left'/'right') the line came from. */
  source: string;
  /** 1-based line number in that source. */
  line: number;
  /** The line exactly as read (used as evidence text). */
  raw: string;
  shape: LineShape;
  time?: string;
  thread?: number;
  group?: string;
  level?: number;
  /** Connection name from `<name|id>` / JSON `ikesa-name`. */
  ikeName?: string;
  /** IKE_SA unique id from `<name|id>`, `<id>` or JSON `ikesa-uniqueid`. */
  ikeId?: number;
  /** What preceded the payload or message besides the time (host, program, facility), trimmed. */
  origin?: string;
  /** Read by the fast path: the lab's own file-log shape. */
  fast?: true;
  msg: string;
}

// charon's debug groups (src/libstrongswan/utils/debug.h): the payload forms without a thread
// number are only taken with one of these, so an unrelated "[INFO] " is not read as charon.
const GROUPS = 'DMN|MGR|IKE|CHD|JOB|CFG|KNL|NET|ASN|ENC|TNC|IMC|IMV|PTS|TLS|APP|ESP|LIB';

// Times as syslog, file logs, journald, OpenWrt logread, logcat and ISO 8601 print them, also with a
// localised month ("mar 05", "тра 29") or the weekday and year ("Thu Sep  9 12:06:53 2021").
const TIME_ANY =
  /(?:\p{L}{2,4}\.? +)?\p{L}{3,5}\.? +\d{1,2},? +(?:\d{4} +)?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?: +\d{4}(?= |$))?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?: ?(?:Z|[+-]\d\d:?\d\d))?|\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?|\b\d{1,2}:\d\d:\d\d(?:[.,]\d{1,6})?\b/u;
// "Nov 22 11:03:11.958", "Nov  2 11:03:11", "2024-06-20T14:29:47.123+02:00" at the very start.
const TIME_RE =
  /^(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,6})?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) +/;
// "13[IKE]", "13[IKE2]" at the start, optionally followed by a space (the shape charon writes).
const THREAD_RE = /^(\d{1,4})\[([A-Z]{2,4})(\d)?\] ?/;
// The payload anywhere after a blank, ':' or '>' (end of a wrapper): "NN[GRP] ", "[GRP] ", "GRP NN : ".
const PAYLOAD_RE = new RegExp(
  `(?<=^|[\\s:>|])(?:(\\d{1,4})\\[([A-Z]{2,4})(\\d)?\\]|\\[(${GROUPS})(\\d)?\\]|(${GROUPS}) +(\\d{1,4}) *:)(?: |$)`,
);
// "<lab|1> ", "<1> ", "<net-net|12> "
const IKE_TAG_RE = /^<(?:([^|<>]*)\|)?(\d+)> ?/;
// A message-only line's header: "[time] [host] prog[pid]: " or "prog: ", "I/charon  (18819): ".
const HEADER_RE = /^(?:([A-Za-z0-9_.:-]+) +)?([A-Za-z][\w./-]*)( *\[ *\d+\]| *\( *\d+\))?: /;
// Programs that are charon itself or its starter: their message-only lines are charon's.
const CHARON_PROGRAM = /(?:^|[\s/])(?:charon(?:-systemd|-cmd|-nm)?|strongswan|ipsec|swanctl|ipsec_starter|starter)\b/;

/** Longest line the parser looks at; anything longer is not charon's and is counted as unparsed. */
export const MAX_LINE = 16384;

/** Parses one line; returns null when it carries no message at all (blank, markup, garbage). */
export function parseLogLine(raw: string, line: number, source: string): LogRecord | null {
  if (raw.length === 0 || raw.length > MAX_LINE) return null;
  let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
  if (text.charCodeAt(0) === 123 /* { */) return parseJsonLine(text, raw, line, source);
  const fast = parseLabLine(text, raw, line, source);
  if (fast) return fast;
  text = cleanResidue(text);
  if (!text) return null;
  let m = THREAD_RE.exec(text);
  let before = '';
  if (!m) {
    const t = TIME_RE.exec(text);
    const rest = t ? text.slice(t[0].length) : text;
    m = THREAD_RE.exec(rest);
    if (m) {
      before = t![0];
      text = rest;
    } else {
      m = PAYLOAD_RE.exec(text);
      if (m) {
        before = text.slice(0, m.index);
        text = text.slice(m.index);
      }
    }
  }
  if (!m) return parseMessageOnly(text, raw, line, source);
  const rec: LogRecord = { source, line, raw, shape: 'filelog', msg: '' };
  rec.thread = m[1] !== undefined ? Number(m[1]) : m[7] !== undefined ? Number(m[7]) : undefined;
  rec.group = m[2] ?? m[4] ?? m[6];
  const level = m[3] ?? m[5];
  if (level !== undefined) rec.level = Number(level);
  text = text.slice(m[0].length);
  if (before) {
    const t = TIME_ANY.exec(before);
    if (t) rec.time = t[0].trim();
    const origin = (t ? before.slice(0, t.index) + before.slice(t.index + t[0].length) : before)
      .replace(/[\s:]+$/, '')
      .trim();
    if (origin) {
      rec.origin = origin;
      rec.shape = 'syslog';
    }
  }
  m = IKE_TAG_RE.exec(text);
  if (m) {
    if (m[1] !== undefined) rec.ikeName = m[1];
    rec.ikeId = Number(m[2]);
    text = text.slice(m[0].length);
  }
  rec.msg = text;
  return rec;
}

/**
 * A line without charon's payload form: a message after a syslog/journald header (charon's own,
 * or a program relaying it), or a bare message. Whether it is charon's is decided by the reader.
 */
function parseMessageOnly(text: string, raw: string, line: number, source: string): LogRecord | null {
  let time: string | undefined;
  const t = TIME_ANY.exec(text);
  if (t && t.index === 0) {
    time = t[0].trim();
    text = text.slice(t[0].length).replace(/^[\s:]+/, '');
  }
  const h = HEADER_RE.exec(text);
  // "received packet: from ..." has the form "host prog: " too: a header needs a pid or charon's name.
  if (h && (h[3] !== undefined || CHARON_PROGRAM.test(h[0]))) {
    const origin = text.slice(0, h[0].length).replace(/[\s:]+$/, '');
    const msg = text.slice(h[0].length);
    if (msg) return { source, line, raw, shape: 'journald', time, origin, msg };
  }
  if (!looksLikeText(text)) return null;
  return { source, line, raw, shape: 'bare', time, msg: text };
}

/** Whether a message-only record's origin names charon (or its starter) as the program. */
export function fromCharon(rec: LogRecord): boolean {
  return rec.origin !== undefined && CHARON_PROGRAM.test(rec.origin);
}

const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const ENTITY_RE = /&(?:lt|gt|amp|quot|#39|apos|nbsp);/g;
const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
  '&nbsp;': ' ',
};

/**
 * A pasted line without what forums and terminals add: ANSI colours, `> ` quote markers, markdown
 * bold and inline code around it, HTML entities, blanks at either end. Empty for pure markup.
 */
export function cleanResidue(text: string): string {
  if (text.indexOf('\x1b') >= 0) text = text.replace(ANSI_RE, '');
  if (text.indexOf('&') >= 0) text = text.replace(ENTITY_RE, (e) => ENTITIES[e]);
  text = text.trim();
  if (text.charCodeAt(0) === 62 /* > */) text = text.replace(/^(?:>\s?)+/, '').trim();
  if (text.indexOf('**') >= 0) text = text.replace(/\*\*/g, '').trim();
  if (text.charCodeAt(0) === 96 /* ` */ || text.charCodeAt(text.length - 1) === 96) {
    if (/^`{3}/.test(text)) return '';
    text = text.replace(/^`+|`+$/g, '').trim();
  }
  return text;
}

/** Lines that are only markup around pasted text (code fences, HTML pre/code tags). */
export function isMarkup(raw: string): boolean {
  return /^\s*(?:>\s*)*(?:`{3,}[\w-]*|~{3,}\w*|<\/?(?:pre|code|details|summary)[^>]*>\s*)+\s*$/i.test(raw);
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;

/**
 * Fast path for the most common (and the lab's own) shape, "Mmm dd hh:mm:ss[.mmm] NN[GRP[d]] [<tag>] msg",
 * scanned by character: logs run to millions of lines and the regex path costs several times more.
 * Anything unusual returns null and takes the general path.
 */
function parseLabLine(text: string, raw: string, line: number, source: string): LogRecord | null {
  if (
    text.length < 20 ||
    text.charCodeAt(3) !== 32 ||
    text.charCodeAt(9) !== 58 ||
    text.charCodeAt(12) !== 58 ||
    text.charCodeAt(15) === 58
  )
    return null;
  if (!isUpper(text.charCodeAt(0)) || !isDigit(text.charCodeAt(14))) return null;
  let i = 15;
  if (text.charCodeAt(i) === 46 /* . */) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  if (text.charCodeAt(i) !== 32) return null;
  const timeEnd = i;
  i++;
  const threadStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === threadStart || text.charCodeAt(i) !== 91 /* [ */) return null;
  let thread = 0;
  for (let k = threadStart; k < i; k++) thread = thread * 10 + text.charCodeAt(k) - 48;
  const groupStart = ++i;
  while (isUpper(text.charCodeAt(i))) i++;
  if (i - groupStart < 2) return null;
  const group = text.slice(groupStart, i);
  let level: number | undefined;
  if (isDigit(text.charCodeAt(i))) level = text.charCodeAt(i++) - 48;
  if (text.charCodeAt(i) !== 93 /* ] */) return null;
  i++;
  if (text.charCodeAt(i) === 32) i++;
  const rec: LogRecord = {
    source,
    line,
    raw,
    shape: 'filelog',
    time: text.slice(0, timeEnd),
    thread,
    group,
    level,
    msg: '',
    fast: true,
  };
  if (text.charCodeAt(i) === 60 /* < */) {
    // "<name|id> " or "<id> "
    const close = text.indexOf('>', i);
    if (close > i && close - i < 200) {
      // The last '|' inside the tag (a loop: lastIndexOf is a slow runtime call, and a '|' before
      // the tag counts as none either way).
      let bar = -1;
      for (let k = close - 1; k > i; k--) {
        if (text.charCodeAt(k) === 124 /* | */) {
          bar = k;
          break;
        }
      }
      const idStart = bar > i ? bar + 1 : i + 1;
      let id = 0;
      let ok = idStart < close;
      for (let k = idStart; k < close && ok; k++) {
        const c = text.charCodeAt(k);
        if (isDigit(c)) id = id * 10 + c - 48;
        else ok = false;
      }
      if (ok) {
        if (bar > i) rec.ikeName = text.slice(i + 1, bar);
        rec.ikeId = id;
        i = close + 1;
        if (text.charCodeAt(i) === 32) i++;
      }
    }
  }
  rec.msg = text.slice(i);
  return rec;
}

function parseJsonLine(text: string, raw: string, line: number, source: string): LogRecord | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  // charon's JSON file log uses "msg"; journalctl -o json uses MESSAGE and upper-case fields.
  const msg = typeof o.msg === 'string' ? o.msg : typeof o.MESSAGE === 'string' ? o.MESSAGE : undefined;
  if (msg === undefined) return null;
  const rec: LogRecord = { source, line, raw, shape: 'json', msg };
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const num = (v: unknown) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  rec.time = str(o.time);
  rec.thread = num(o.thread ?? o.THREAD);
  rec.group = str(o.group ?? o.GROUP);
  rec.level = num(o.level ?? o.LEVEL);
  rec.ikeName = str(o['ikesa-name'] ?? o.IKE_SA_NAME);
  rec.ikeId = num(o['ikesa-uniqueid'] ?? o.IKE_SA_UNIQUE_ID);
  return rec;
}

/**
 * A prefix-less line is only taken as a message when it is plausible text: garbage and binary
 * (control characters, replacement characters from bad UTF-8) are counted as unparsed instead.
 */
function looksLikeText(text: string): boolean {
  if (text.length < 3) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 0xfffd || c === 127) return false;
  }
  return /[a-z]{3}/i.test(text);
}
