/**
 * Reads one input (a file, a paste, a stream) line by line and says what every line was: a charon
 * log line (any shape, log-line.ts), a line of an SA listing (sas-text.ts), a Cisco ASA or Palo Alto
 * log line (devices/), the output of a strongSwan tool or a command prompt, blank or markup, or
 * not recognised. Nothing is dropped silently: the not-recognised lines are counted, and the report
 * says what the input looks like when it is not what this tool reads.
 *
 * A charon line cut by a hard wrap (a forum or terminal width) is joined with its continuation
 * when the continuation has no prefix of its own; the evidence cites the first physical line.
 */
import { isCharonMessage } from './charon-messages.js';
import { DeviceReader } from './devices/device-log.js';
import { classify, type DiagEvent, type Side } from './events.js';
import type { Evidence, InputReport } from './findings.js';
import { cleanResidue, fromCharon, isMarkup, type LogRecord, MAX_LINE, parseLogLine } from './log-line.js';
import { ListingReader } from './sas-text.js';
import type { SaSnapshot } from './snapshot.js';
import { sniff } from './sniff.js';

export interface ReaderSink {
  event(e: DiagEvent): void;
  /** A listing found in the input: pushed once, then filled in as its lines arrive. */
  snapshot(s: SaSnapshot): void;
}

/** Lines shorter than this are not taken as cut by a hard wrap (wraps happen at 72-80 columns and more). */
export const WRAP_MIN = 60;
/** A line at least this long was cut at the terminal's edge, possibly mid-word. */
const TERMINAL_WIDTH = 80;

/** What strongSwan's own tools print besides charon's log: `swanctl`, `ipsec` (starter) results. */
const TOOL_OUTPUT_RE =
  /^(?:(?:initiate|terminate|install|uninstall|redirect|rekey|reload-settings) (?:failed|completed successfully)\b|establishing connection '.*' failed|connection '.*' established successfully|no (?:config|IKE_SA|CHILD_SA) named\b|loaded (?:\d+ of \d+ |)(?:connection|ike secret|eap secret|xauth secret|private key|certificate|pool|authority)|successfully loaded \d+|no connections found|Starting strongSwan [\d.]+\S* IPsec \[starter\]|Stopping strongSwan IPsec|Loading conn(?:fig setup| '.*')|found (?:netkey|KLIPS) IPsec stack|charon \(\d+\) started after|Attempting to start charon|charon has quit|charon refused to be started|charon stopped after|initiating connection '.*'|ipsec starter stopped)/;
/** A shell or device prompt with the command that produced the pasted output. */
const PROMPT_RE =
  /^(?:[\w.@()/:~-]*[#$>%]\s*)?(?:sudo\s+)?(?:swanctl|ipsec|journalctl|tail|cat|less|grep|logread|show|debug|tcpdump|logcat|adb|charon-cmd|strongswan)\s\S/;
/** A proposal list as charon prints it, without its "received/configured proposals:" label. */
const PROPOSALS_RE =
  /^(?:(?:IKE|ESP|AH):)?[A-Z0-9_]+(?:\/[A-Z0-9_]+)+(?:,\s*(?:(?:IKE|ESP|AH):)?[A-Z0-9_]+(?:\/[A-Z0-9_]+)+)*,?$/;
/** A shell's own complaint in a captured console ("sh: 1: /usr/local/sbin/x: not found"). */
const SHELL_RE = /^(?:sh|bash|dash|ash|zsh|busybox): (?:line )?\d+: /;
/** Where the person who pasted the text cut something out. */
const ELISION_RE = /^(?:\[?(?:\.{3,}|…|snip|cut|truncated|\.\.\. ?snip ?\.\.\.)\]?|<snip>|\*snip\*|-+ ?snip ?-+)$/i;

export class InputReader {
  private lines = 0;
  /** charon log lines, added to 'strongswan-log' in the report (a Map update per line costs). */
  private counted = 0;
  private unrecognised = 0;
  private readonly read = new Map<string, number>();
  /** A long pasted charon line: perhaps cut by a hard wrap, completed by the next line. */
  private held: Held | undefined;
  private spare: Held | undefined;
  private listing: ListingReader | undefined;
  private readonly devices: DeviceReader;
  private readonly sample: string[] = [];
  private first: Evidence | undefined;

  constructor(
    readonly source: string,
    readonly side: Side,
    private readonly sink: ReaderSink,
  ) {
    this.devices = new DeviceReader(source, side);
  }

  /** One line: 1 read, 0 blank or markup, -1 not recognised. */
  push(raw: string, n: number): 1 | 0 | -1 {
    this.lines++;
    const r = this.take(raw, n);
    if (r < 0) {
      this.unrecognised++;
      if (this.sample.length < 200) this.sample.push(raw.slice(0, 400));
      this.first ??= { source: this.source, line: n, text: raw };
    }
    return r;
  }

  /** A charon line the prefilter showed to carry no event: counted as read without parsing. */
  count(): void {
    this.lines++;
    this.counted++;
    if (this.held) this.flush();
  }

  report(): InputReport {
    if (this.counted) {
      this.bump('strongswan-log', this.counted);
      this.counted = 0;
    }
    const r: InputReport = {
      source: this.source,
      side: this.side,
      lines: this.lines,
      unrecognised: this.unrecognised,
      read: Object.fromEntries(this.read),
    };
    if (this.unrecognised) {
      r.looksLike = sniff(this.sample, Object.keys(r.read));
      r.firstUnrecognised = this.first;
    }
    return r;
  }

  private bump(kind: string, n = 1): void {
    this.read.set(kind, (this.read.get(kind) ?? 0) + n);
  }

  /** The held line is complete: its event (if any) goes out now. */
  flush(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    if (held.e && !held.sunk) this.sink.event(held.e);
  }

  private take(raw: string, n: number): 1 | 0 | -1 {
    // Blank or markup lines start with a blank or one of > ` ~ < (checked first: most lines do not).
    const c = raw.charCodeAt(0);
    if (
      (raw.length === 0 || c <= 32 || c === 62 || c === 96 || c === 126 || c === 60) &&
      (!raw.trim() || isMarkup(raw))
    ) {
      this.flush();
      return 0;
    }
    const rec = parseLogLine(raw, n, this.source);
    if (rec && (rec.thread !== undefined || rec.group !== undefined || rec.shape === 'json')) {
      this.flush();
      const e = classify(rec, this.side);
      const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      // A long pasted line may continue on the next: hold it, and its event, unless the line is in the
      // lab's own file-log shape (a live view shows that at once; a continuation is then only counted).
      const sunk = e !== null && rec.fast === true;
      if (sunk) this.sink.event(e);
      if (text.length >= WRAP_MIN) {
        // Reused, not allocated per line: most lines of a large log are this long.
        const h = (this.spare ??= { rec, text, last: 0 });
        h.rec = rec;
        h.text = text;
        h.last = text.length;
        h.e = e ?? undefined;
        h.sunk = sunk;
        this.held = h;
      } else if (e && !sunk) this.sink.event(e);
      this.counted++;
      return 1;
    }
    const held = this.held;
    const clean = cleanResidue(raw);
    if (ELISION_RE.test(clean)) {
      this.flush();
      return 0;
    }
    const device = this.devices.push(raw, clean, n);
    if (device) {
      this.flush();
      if (device.event) this.sink.event(device.event);
      this.bump(device.kind);
      return 1;
    }
    this.listing ??= new ListingReader(this.side, this.source);
    const before = this.listing.snapshot.ikeSas.length;
    const kind = this.listing.push(raw, n);
    if (kind) {
      this.flush();
      if (before === 0 && this.listing.snapshot.ikeSas.length > 0) this.sink.snapshot(this.listing.snapshot);
      this.bump(kind);
      return 1;
    }
    const e = rec && classify(rec, this.side);
    // A continuation starts at the left edge, or with the blank the cut fell on when the line filled the width.
    const edge = held && (!/^\s/.test(raw) || held.last >= TERMINAL_WIDTH);
    if (
      !e &&
      held &&
      edge &&
      (!rec || rec.shape === 'bare') &&
      this.join(held, /^\s/.test(raw) ? raw.replace(/\r$/, '') : clean)
    ) {
      this.bump('strongswan-log');
      return 1;
    }
    this.flush();
    if (e) {
      this.sink.event(e);
      this.bump(rec!.shape === 'bare' ? 'strongswan-messages' : 'strongswan-log');
      return 1;
    }
    if (rec) {
      if ((rec.shape !== 'bare' && fromCharon(rec)) || isCharonMessage(rec.msg)) {
        this.bump('strongswan-log');
        return 1;
      }
      if (TOOL_OUTPUT_RE.test(rec.msg)) {
        this.bump('strongswan-tool-output');
        return 1;
      }
    }
    if (PROPOSALS_RE.test(clean)) {
      this.bump('strongswan-proposals');
      return 1;
    }
    if (SHELL_RE.test(clean)) {
      this.bump('shell-message');
      return 1;
    }
    if (PROMPT_RE.test(clean)) {
      this.bump('command');
      return 1;
    }
    return -1;
  }

  /**
   * The held line and this continuation as one line. The cut was mid-word (no blank lost) or at a
   * blank the wrap swallowed: the join that makes a message charon prints wins; otherwise a line that
   * filled the terminal's width was cut mid-word, a shorter one at a blank. A held line that already
   * was an event is only continued by a join that is the same event (its words completed).
   */
  private join(held: Held, cont: string): boolean {
    // A piece of a wrapped line is text no wider than the width the wrap cut the first piece at.
    if (cont.length > held.last + 1 || /[\x00-\x08\x0e-\x1f\x7f\ufffd]/.test(cont)) return false;
    const tight = held.text + cont;
    const spaced = `${held.text} ${cont}`;
    if (spaced.length > MAX_LINE) return false;
    const pick = (text: string) => {
      const rec = parseLogLine(text, held.rec.line, this.source);
      return rec && { rec, text, e: classify(rec, this.side) };
    };
    const a = pick(tight);
    const b = pick(spaced);
    if (!a || !b) return false;
    const fits = (x: typeof a) => !held.e || x.e?.kind === held.e.kind;
    let chosen: typeof a;
    if (fits(a) && fits(b)) chosen = a.e && !b.e ? a : b.e && !a.e ? b : held.last >= TERMINAL_WIDTH ? a : b;
    else if (fits(a) || fits(b)) chosen = fits(a) ? a : b;
    else return false;
    chosen.rec.raw = held.rec.raw;
    this.held = undefined;
    const next: Held = { rec: chosen.rec, text: chosen.text, last: cont.length, e: chosen.e ?? undefined };
    next.sunk = held.sunk;
    if (cont.length >= WRAP_MIN) this.held = next;
    else if (next.e && !next.sunk) this.sink.event(next.e);
    return true;
  }
}

interface Held {
  rec: LogRecord;
  text: string;
  /** Length of the last physical line in `text` (the wrap width shows in it). */
  last: number;
  e?: DiagEvent;
  /** Its event already went out (the lab's file-log shape is never held back). */
  sunk?: boolean;
}
