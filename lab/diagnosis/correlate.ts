/**
 * Per-negotiation progress: which IKE_SA sent what, which requests went unanswered, how far it got.
 * Events are annotated with their context here (the exchange a notify answered, whether proposals
 * were IKE or ESP), because the message text alone does not say which phase failed.
 */
import { type DiagEvent, type EventKind, SETUP_EXCHANGES, type Side } from './events.js';

export interface SaTrack {
  key: string;
  side: Side;
  source: string;
  ikeId: number;
  version?: 1 | 2;
  role?: 'initiator' | 'responder';
  established: boolean;
  childUp: boolean;
  /** Any response (or, as responder, any request) seen from the peer. */
  answered: boolean;
  /** Outgoing requests by message ID: exchange and destination port of the last one sent. */
  requests: Map<number, { exchange: string; toPort?: number; answered: boolean; retransmits: DiagEvent[] }>;
  lastOut?: DiagEvent;
  lastPacketOut?: DiagEvent;
  lastInExchange?: string;
  lastProto?: string;
  first: DiagEvent;
}

/**
 * Whether a request of this IKE_SA went unanswered after retransmits. A loop that stops at the first
 * one: a long-lived IKE_SA holds thousands of DPD requests and is looked at for every new IKE_SA.
 */
export function hasSilentRequest(sa: SaTrack): boolean {
  for (const r of sa.requests.values()) if (!r.answered && r.retransmits.length) return true;
  return false;
}

/** Stored events per kind are capped: evidence needs the first few, counters keep the rest. */
const MAX_PER_KIND = 200;
/**
 * IKE_SAs tracked at once. A day of rekeys or a huge pasted log has thousands; memory must not grow
 * with the file, so the oldest finished ones are forgotten (their events stay in the capped lists).
 */
const MAX_SAS = 1000;

export class Correlator {
  readonly byKind = new Map<EventKind, DiagEvent[]>();
  readonly counts = new Map<EventKind, number>();
  readonly sas = new Map<string, SaTrack>();
  /** Retransmits whose request was answered later (loss, not a dead path): the first few, and how many. */
  readonly recovered: DiagEvent[] = [];
  recoveredCount = 0;
  readonly sides = new Set<Side>();
  readonly sources = new Map<string, Side>();
  /** `sas` by source and IKE_SA id: finding an event's SA without building its key string. */
  private readonly bySource = new Map<string, Map<number, SaTrack>>();
  /** Message-only logs: the IKE_SA the lines of a source belong to now (see guessIkeId). */
  private readonly anonymous = new Map<string, number>();
  private anonymousCount = 0;

  add(e: DiagEvent): void {
    if (e.rec.ikeId === undefined && e.rec.shape === 'journald') this.guessIkeId(e);
    this.sides.add(e.side);
    this.sources.set(e.rec.source, e.side);
    const sa = this.track(e);
    this.annotate(sa, e);
    let list = this.byKind.get(e.kind);
    if (!list) this.byKind.set(e.kind, (list = []));
    if (list.length < MAX_PER_KIND) list.push(e);
    this.counts.set(e.kind, (this.counts.get(e.kind) ?? 0) + 1);
  }

  /**
   * The journal keeps only the message, not the `<name|id>` tag: without an id every negotiation of
   * the file would fold into one. A new negotiation starts where a message says so (initiating, or
   * a first request of an IKE_SA arriving), and the lines that follow belong to it. Interleaved
   * negotiations stay mixed, as they are in such a log.
   */
  private guessIkeId(e: DiagEvent): void {
    const named = e.kind === 'initiate' ? /\[(\d+)\]/.exec(e.rec.msg) : null;
    // IKEv1 main mode sends every message with ID 0: only the first one carries the SA payload.
    const starts =
      named ||
      (e.kind === 'msg-in' &&
        e.role === 'request' &&
        e.mid === 0 &&
        e.payloads?.includes('SA') &&
        SETUP_EXCHANGES.has(e.exchange!));
    let id = this.anonymous.get(e.rec.source) ?? 0;
    // Negative, so it can never meet a real unique id; "initiating IKE_SA lab[15]" names the real one.
    if (starts) this.anonymous.set(e.rec.source, (id = named ? Number(named[1]) : -++this.anonymousCount));
    if (id) e.rec.ikeId = id;
  }

  /**
   * Drops the oldest IKE_SA that is no evidence of a silent peer (an unanswered, retransmitted
   * request); the very oldest when all of the oldest are.
   */
  private forgetOldest(): void {
    let victim: SaTrack | undefined;
    let looked = 0;
    for (const sa of this.sas.values()) {
      victim ??= sa;
      if (!hasSilentRequest(sa)) {
        victim = sa;
        break;
      }
      if (++looked >= 64) break;
    }
    if (!victim) return;
    this.sas.delete(victim.key);
    this.bySource.get(victim.source)?.delete(victim.ikeId);
  }

  /** The IKE_SA an event of `source` with this id belongs to (0: lines without an IKE_SA). */
  saOf(source: string, ikeId = 0): SaTrack | undefined {
    return this.bySource.get(source)?.get(ikeId);
  }

  events(kind: EventKind): DiagEvent[] {
    return this.byKind.get(kind) ?? [];
  }

  count(kind: EventKind): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Events of one IKE_SA, in input order (from the capped per-kind lists). */
  saEvents(sa: SaTrack, kinds: EventKind[]): DiagEvent[] {
    const out: DiagEvent[] = [];
    for (const k of kinds) for (const e of this.events(k)) if (keyOf(e) === sa.key) out.push(e);
    return out.sort((a, b) => a.rec.line - b.rec.line);
  }

  private track(e: DiagEvent): SaTrack {
    // Same as sas.get(keyOf(e)): a key is "<source>#<id>" and an id has no '#'.
    let ids = this.bySource.get(e.rec.source);
    if (!ids) this.bySource.set(e.rec.source, (ids = new Map()));
    const id = e.rec.ikeId ?? 0;
    let sa = ids.get(id);
    if (!sa) {
      const key = keyOf(e);
      sa = {
        key,
        side: e.side,
        source: e.rec.source,
        ikeId: id,
        established: false,
        childUp: false,
        answered: false,
        requests: new Map(),
        first: e,
      };
      if (this.sas.size >= MAX_SAS) this.forgetOldest();
      this.sas.set(key, sa);
      ids.set(id, sa);
    }
    return sa;
  }

  private annotate(sa: SaTrack, e: DiagEvent): void {
    switch (e.kind) {
      case 'initiate':
        sa.role = 'initiator';
        break;
      case 'msg-out':
      case 'msg-in': {
        sa.version ??= versionOf(e.exchange!);
        if (e.kind === 'msg-out' && e.role === 'request') {
          const prev = sa.requests.get(e.mid!);
          // IKEv1 main mode reuses message ID 0 for every exchange: a new request restarts it.
          sa.requests.set(e.mid!, {
            exchange: e.exchange!,
            answered: false,
            retransmits:
              prev && !prev.answered && prev.exchange === e.exchange && sa.version === 2 ? prev.retransmits : [],
          });
          sa.lastOut = e;
          if (!sa.role && e.mid === 0 && SETUP_EXCHANGES.has(e.exchange!)) sa.role = 'initiator';
        }
        if (e.kind === 'msg-in') {
          sa.lastInExchange = e.exchange;
          if (e.role === 'request' && !sa.role && e.mid === 0) sa.role = 'responder';
          sa.answered = true;
          if (e.role === 'response') {
            const req = sa.requests.get(e.mid!);
            if (req && !req.answered) {
              req.answered = true;
              this.recoveredCount += req.retransmits.length;
              for (const r of req.retransmits) if (this.recovered.length < MAX_PER_KIND) this.recovered.push(r);
            }
          }
        }
        break;
      }
      case 'packet-out': {
        sa.lastPacketOut = e;
        const req = sa.lastOut && sa.requests.get(sa.lastOut.mid!);
        if (req && sa.lastOut && sa.lastOut.rec.line <= e.rec.line) req.toPort = e.toPort;
        break;
      }
      case 'retransmit': {
        const req = sa.requests.get(e.mid!);
        e.exchange = req?.exchange;
        e.toPort = sa.lastPacketOut?.toPort;
        e.state = sa.established ? 'established' : 'connecting';
        req?.retransmits.push(e);
        break;
      }
      case 'proposals':
        if (e.proto) sa.lastProto = e.proto;
        break;
      case 'proposals-unacceptable':
      case 'no-acceptable-transform':
        e.proto = sa.lastProto;
        e.state = sa.established ? 'established' : 'connecting';
        e.exchange = sa.lastInExchange;
        break;
      case 'notify-error':
      case 'child-not-built':
        e.exchange = sa.lastInExchange;
        e.state = sa.established ? 'established' : 'connecting';
        break;
      case 'ike-established':
        sa.established = true;
        break;
      case 'child-established':
        sa.childUp = true;
        break;
      case 'child-rekey-failed':
      case 'dpd-out':
      case 'giveup':
      case 'peer-not-responding':
        e.state = sa.established ? 'established' : 'connecting';
        break;
      default:
        break;
    }
  }
}

export function keyOf(e: DiagEvent): string {
  return `${e.rec.source}#${e.rec.ikeId ?? 0}`;
}

function versionOf(exchange: string): 1 | 2 | undefined {
  if (
    exchange === 'IKE_SA_INIT' ||
    exchange === 'IKE_AUTH' ||
    exchange === 'CREATE_CHILD_SA' ||
    exchange === 'INFORMATIONAL'
  )
    return 2;
  if (
    exchange === 'ID_PROT' ||
    exchange === 'QUICK_MODE' ||
    exchange === 'AGGRESSIVE' ||
    exchange === 'INFORMATIONAL_V1' ||
    exchange === 'TRANSACTION'
  )
    return 1;
  return undefined;
}
