/**
 * One charon log line, whatever shape the user pasted it in: file log (with or without timestamp,
 * milliseconds, `<name|id>`), `log_level = yes` groups (`13[IKE2]`), JSON file log, syslog
 * (`host charon: `, `charon[pid]:`, `ipsec[pid]:`), journald message-only lines, `swanctl --log`.
 *
 * The message body is the same in every shape, so the parser only peels prefixes off in a fixed
 * order (syslog header, timestamp, `NN[GRP]`, `<name|id>`) and leaves the message alone.
 */

export type LineShape = 'filelog' | 'syslog' | 'journald' | 'json' | 'bare';

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
  msg: string;
}

// "Nov 22 11:03:11.958", "Nov  2 11:03:11", "2024-06-20T14:29:47.123+02:00", "2024-06-20 14:29:47"
const TIME_RE =
  /^(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,6})?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) +/;
// "13[IKE]", "13[IKE2]", optionally followed by a space.
const THREAD_RE = /^(\d{1,4})\[([A-Z]{2,4})(\d)?\] ?/;
// "<lab|1> ", "<1> ", "<net-net|12> "
const IKE_TAG_RE = /^<(?:([^|<>]*)\|)?(\d+)> ?/;
// "host prog[123]: " or "prog[123]: " or "host prog: " (syslog / journald)
const SYSLOG_RE = /^(?:([A-Za-z0-9_.:-]+) +)?([A-Za-z][A-Za-z0-9_./-]*)(?:\[(\d+)\])?: /;
// Programs whose syslog lines carry charon messages.
const PROGRAMS = new Set([
  'charon',
  'charon-systemd',
  'ipsec',
  'charon-cmd',
  'strongswan',
  'swanctl',
  'ipsec_starter',
  'starter',
]);

/** Longest line the parser looks at; anything longer is not charon's and is counted as unparsed. */
export const MAX_LINE = 16384;

/** Parses one line; returns null when it carries no charon message (blank, garbage, other programs). */
export function parseLogLine(raw: string, line: number, source: string): LogRecord | null {
  if (raw.length === 0 || raw.length > MAX_LINE) return null;
  let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
  if (text.charCodeAt(0) === 123 /* { */) return parseJsonLine(text, raw, line, source);
  const fast = parseLabLine(text, raw, line, source);
  if (fast) return fast;
  let shape: LineShape = 'bare';
  let time: string | undefined;
  let m = TIME_RE.exec(text);
  if (m) {
    time = m[0].trimEnd();
    text = text.slice(m[0].length);
    shape = 'filelog';
  }
  if (!THREAD_RE.test(text)) {
    const s = SYSLOG_RE.exec(text);
    if (s && PROGRAMS.has(s[2])) {
      text = text.slice(s[0].length);
      shape = 'journald';
    }
  }
  const rec: LogRecord = { source, line, raw, shape, time, msg: '' };
  m = THREAD_RE.exec(text);
  if (m) {
    rec.thread = Number(m[1]);
    rec.group = m[2];
    if (m[3] !== undefined) rec.level = Number(m[3]);
    text = text.slice(m[0].length);
    rec.shape = shape === 'journald' ? 'syslog' : 'filelog';
  }
  m = IKE_TAG_RE.exec(text);
  if (m) {
    if (m[1] !== undefined) rec.ikeName = m[1];
    rec.ikeId = Number(m[2]);
    text = text.slice(m[0].length);
  }
  rec.msg = text;
  if (rec.shape === 'bare' && !looksLikeText(text)) return null;
  return rec;
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
