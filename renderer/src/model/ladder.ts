/**
 * The IKE exchange ladder: the messages between the two gateways, read from both charons' logs.
 * A message is the sender's `generating <EXCHANGE> request|response <id> [ payloads ]` line; the
 * receiver's `parsed ...` line with the same exchange, direction and id marks it delivered.
 * Retransmits, give-ups, notify errors and established SAs become notes on the sender's lifeline.
 * Pure: fed log records in arrival order, read as a list.
 */
import type { LogRecord, Side } from '../../../lab/api/contract';

export interface LadderMessage {
  kind: 'message';
  key: number;
  from: Side;
  exchange: string;
  dir: 'request' | 'response';
  mid: number;
  payloads: string;
  time: number;
  /** The sender's log line. */
  seq: number;
  /** The receiver's `parsed` line, once seen. */
  parsedSeq?: number;
  /** The receiver's `received packet` line: it arrived (whether or not it could be read). */
  receivedSeq?: number;
  /** Arrived but could not be read (e.g. "could not decrypt payloads": IKEv1 message 5 with another key), and the line saying so. */
  failed?: { text: string; seq: number };
  /** Set on the last unanswered request when the negotiation stopped there. */
  stalled?: boolean;
  retransmits: number;
  bytes?: number;
  fromAddr?: string;
  toAddr?: string;
}

export interface LadderNote {
  kind: 'note';
  key: number;
  side: Side;
  text: string;
  level: 'ok' | 'warn' | 'error';
  time: number;
  seq: number;
}

export type LadderEntry = LadderMessage | LadderNote;

const GENERATING = /^generating (\S+) (request|response) (\d+) \[ ?(.*?) ?\]$/;
const PARSED = /^parsed (\S+) (request|response) (\d+) \[ ?(.*?) ?\]$/;
const SENDING = /^sending packet: from (\S+) to (\S+) \((\d+) bytes\)/;
const RETRANSMIT = /^retransmit (\d+) of (request|response) with message ID (\d+)/;
const RECEIVED = /^received packet: from (\S+) to (\S+) \((\d+) bytes\)/;
/** charon could not read a message that arrived: it was received, and failed. */
const UNREADABLE =
  /^(could not decrypt payloads|message parsing failed|integrity check failed|invalid HASH_V1 payload length, decryption failed\?|invalid ID_V1 payload length, decryption failed\?|.*decryption failed\?$|message verification failed|ignoring message, (?:no|invalid) .*)/;
const NOTES: { re: RegExp; level: LadderNote['level']; text?: (m: RegExpExecArray) => string }[] = [
  { re: /^giving up after (\d+) retransmits/, level: 'error' },
  { re: /^received (\S+) notify error/, level: 'error' },
  { re: /^establishing (IKE_SA|CHILD_SA) failed|^establishing connection .* failed/, level: 'error' },
  { re: /MAC mismatched|^tried \d+ shared keys? .* mismatched|^no shared key found/, level: 'error' },
  {
    re: /^received proposals unacceptable|^no acceptable proposal found|^received (IKE|ESP) proposals unacceptable/,
    level: 'error',
  },
  {
    re: /^no IKE config found|^no matching peer config found|^looking for peer configs matching .* failed|^traffic selectors .* unacceptable/,
    level: 'error',
  },
  { re: /^peer not responding|^DPD:? .*dead|^closing CHILD_SA .* with SPIs/, level: 'warn' },
  { re: /^IKE_SA (\S+) established between/, level: 'ok' },
  { re: /^CHILD_SA (\S+) established with SPIs/, level: 'ok' },
  { re: /^(deleting|closing) IKE_SA|^IKE_SA deleted/, level: 'warn' },
];

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** charon's "Nov 22 11:04:34.576" as ms (within a year; both gateways share the host's clock). */
export function charonTime(t: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(t);
  if (!m) return 0;
  const ms = m[6] ? Number(m[6].padEnd(3, '0').slice(0, 3)) : 0;
  return (
    (((((MONTHS[m[1]] ?? 0) * 31 + Number(m[2])) * 24 + Number(m[3])) * 60 + Number(m[4])) * 60 + Number(m[5])) * 1000 +
    ms
  );
}

const other = (s: Side): Side => (s === 'left' ? 'right' : 'left');

/** A `received packet` line: the packet it was, once known, and whether charon could read it. */
interface Arrival {
  side: Side;
  bytes: number;
  seq: number;
  time: number;
  message?: LadderMessage;
  failed?: { text: string; seq: number };
}

/** The index of the best candidate: those with `preferred` first, then the smallest `distance`; -1 for none. */
function best<T>(xs: T[], ok: (x: T) => boolean, preferred: (x: T) => boolean, distance: (x: T) => number): number {
  let at = -1;
  for (let i = 0; i < xs.length; i++) {
    if (!ok(xs[i])) continue;
    if (at < 0) {
      at = i;
      continue;
    }
    const [a, b] = [xs[i], xs[at]];
    if (preferred(a) !== preferred(b) ? preferred(a) : distance(a) < distance(b)) at = i;
  }
  return at;
}

/** The arrival is this message's: same size, within a few seconds (retransmits repeat the size later). */
const arrivalOf = (e: LadderMessage, a: Arrival) => e.bytes === a.bytes && Math.abs(e.time - a.time) < 3000;

export class Ladder {
  private entries: LadderEntry[] = [];
  private nextKey = 1;
  /** The packet each side last saw arrive, for a "could not decrypt" that follows it. */
  private lastArrival: Partial<Record<Side, Arrival>> = {};
  /** Arrivals whose message has not been read yet. */
  private arrivals: Arrival[] = [];
  /** `parsed` lines whose message has not arrived yet (the two logs stream independently). */
  private early: {
    side: Side;
    exchange: string;
    dir: string;
    mid: number;
    payloads: string;
    seq: number;
    time: number;
  }[] = [];
  version = 0;

  constructor(private readonly max = 2000) {}

  push(r: LogRecord): void {
    const msg = r.message;
    const time = charonTime(r.time);
    let m: RegExpExecArray | null;
    if ((m = GENERATING.exec(msg))) {
      const e: LadderMessage = {
        kind: 'message',
        key: this.nextKey++,
        from: r.side,
        exchange: m[1],
        dir: m[2] as 'request' | 'response',
        mid: Number(m[3]),
        payloads: m[4],
        time,
        seq: r.seq,
        retransmits: 0,
      };
      // Only a parse within a few seconds is this message's (message IDs restart with every IKE_SA).
      const i = best(
        this.early,
        (p) =>
          p.side === other(r.side) &&
          p.exchange === e.exchange &&
          p.dir === e.dir &&
          p.mid === e.mid &&
          Math.abs(p.time - time) < 3000,
        (p) => p.payloads === e.payloads,
        (p) => Math.abs(p.time - time),
      );
      if (i >= 0) e.parsedSeq = this.early.splice(i, 1)[0].seq;
      this.add(e);
    } else if ((m = SENDING.exec(msg))) {
      // charon logs `generating` then `sending packet`: the packet belongs to the last message.
      const last = this.lastOf(r.side);
      if (last && !last.bytes) {
        last.fromAddr = m[1];
        last.toAddr = m[2];
        last.bytes = Number(m[3]);
        // Its arrival may have been read first.
        const i = best(
          this.arrivals,
          (a) => a.side === other(r.side) && arrivalOf(last, a),
          () => true,
          (a) => Math.abs(a.time - last.time),
        );
        if (i >= 0) {
          const a = this.arrivals.splice(i, 1)[0];
          a.message = last;
          last.receivedSeq = a.seq;
          if (a.failed && last.parsedSeq === undefined) last.failed = a.failed;
        }
        this.version++;
      }
    } else if ((m = RECEIVED.exec(msg))) {
      // The sender's packet of the same size, not yet seen arriving (NAT may change the addresses;
      // the sender's line may also come later: the two logs stream independently).
      const a: Arrival = { side: r.side, bytes: Number(m[3]), seq: r.seq, time };
      const recent = this.entries.slice(-100);
      const i = best(
        recent,
        (e) => e.kind === 'message' && e.from === other(r.side) && e.receivedSeq === undefined && arrivalOf(e, a),
        () => true,
        (e) => Math.abs(e.time - time),
      );
      if (i >= 0) {
        const e = recent[i] as LadderMessage;
        a.message = e;
        e.receivedSeq = r.seq;
        this.version++;
      }
      if (!a.message) {
        this.arrivals.push(a);
        if (this.arrivals.length > 50) this.arrivals.shift();
      }
      this.lastArrival[r.side] = a;
    } else if (UNREADABLE.test(msg)) {
      const a = this.lastArrival[r.side];
      if (a && !a.failed) {
        a.failed = { text: msg, seq: r.seq };
        if (a.message && a.message.parsedSeq === undefined) a.message.failed = a.failed;
        this.version++;
      }
    } else if ((m = PARSED.exec(msg))) {
      const exchange = m[1];
      const dir = m[2];
      const mid = Number(m[3]);
      const payloads = m[4];
      // IKEv1 main mode sends six messages with the same exchange and ID: the one with the same
      // payloads is this parse's; else the nearest in time.
      const recent = this.entries.slice(-200);
      const i = best(
        recent,
        (e) =>
          e.kind === 'message' &&
          e.from === other(r.side) &&
          e.exchange === exchange &&
          e.dir === dir &&
          e.mid === mid &&
          e.parsedSeq === undefined &&
          Math.abs(e.time - time) < 3000,
        (e) => (e as LadderMessage).payloads === payloads,
        (e) => Math.abs(e.time - time),
      );
      if (i >= 0) (recent[i] as LadderMessage).parsedSeq = r.seq;
      else {
        this.early.push({ side: r.side, exchange, dir, mid, payloads, seq: r.seq, time });
        if (this.early.length > 50) this.early.shift();
      }
      this.version++;
    } else if ((m = RETRANSMIT.exec(msg))) {
      const mid = Number(m[3]);
      const dir = m[2];
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const e = this.entries[i];
        if (e.kind === 'message' && e.from === r.side && e.mid === mid && e.dir === dir) {
          e.retransmits = Math.max(e.retransmits, Number(m[1]));
          break;
        }
      }
      this.add({ kind: 'note', key: this.nextKey++, side: r.side, text: msg, level: 'warn', time, seq: r.seq });
    } else {
      for (const n of NOTES) {
        if (n.re.test(msg)) {
          this.add({ kind: 'note', key: this.nextKey++, side: r.side, text: msg, level: n.level, time, seq: r.seq });
          break;
        }
      }
    }
  }

  private lastOf(side: Side): LadderMessage | undefined {
    for (let i = this.entries.length - 1; i >= 0 && i >= this.entries.length - 20; i--) {
      const e = this.entries[i];
      if (e.kind === 'message' && e.from === side) return e;
    }
    return undefined;
  }

  private add(e: LadderEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.max) this.entries.splice(0, Math.ceil(this.max / 10));
    this.version++;
  }

  clear(): void {
    this.entries = [];
    this.early = [];
    this.lastArrival = {};
    this.arrivals = [];
    this.version++;
  }

  /**
   * The entries in time order (both logs interleaved), with the last unanswered request marked
   * as where the negotiation stopped.
   */
  list(): LadderEntry[] {
    const sorted = [...this.entries].sort((a, b) => a.time - b.time || a.key - b.key);
    for (const e of sorted) if (e.kind === 'message') e.stalled = false;
    for (let i = sorted.length - 1; i >= 0; i--) {
      const e = sorted[i];
      if (e.kind !== 'message') continue;
      if (e.dir === 'response') break;
      const later = sorted.slice(i + 1);
      const answered = later.some(
        (x) =>
          x.kind === 'message' &&
          x.dir === 'response' &&
          x.from !== e.from &&
          x.mid === e.mid &&
          x.exchange === e.exchange,
      );
      // An unanswered request is where it stopped once it was retransmitted or the sender gave up
      // (a request just sent is simply in flight).
      if (!answered && (e.retransmits > 0 || later.some((x) => x.kind === 'note' && x.level === 'error')))
        e.stalled = true;
      break;
    }
    return sorted;
  }
}
