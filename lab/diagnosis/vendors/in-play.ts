/**
 * Which IKE version and which roles a finding is about, read from its own evidence: the IKE_SAs the
 * cited lines belong to (the correlator knows each one's version and whether this side initiated),
 * else the SAs of the cited logs, the SA listings, and last the whole input.
 */
import type { Correlator, SaTrack } from '../correlate.js';
import type { DiagEvent, Side } from '../events.js';
import type { Finding } from '../findings.js';
import type { SaSeries } from '../sas-text.js';
import type { IkeInPlay } from './types.js';

/** Cited line -> the event parsed from it; built once per diagnosis pass. */
export type EventIndex = Map<string, DiagEvent>;

const key = (source: string, line: number) => `${line}\u0000${source}`;

export function eventIndex(log: Correlator): EventIndex {
  const index: EventIndex = new Map();
  for (const list of log.byKind.values())
    for (const e of list) {
      const k = key(e.rec.source, e.rec.line);
      if (!index.has(k)) index.set(k, e);
    }
  return index;
}

const gatewayName = (side: Side) => (side === 'unknown' ? 'the logging gateway' : `gw-${side}`);
const peerName = (side: Side) => (side === 'left' ? 'gw-right' : side === 'right' ? 'gw-left' : 'the peer');

/** The one value all items agree on, or undefined (none, or they disagree). */
function agreed<T>(items: (T | undefined)[]): T | undefined {
  const set = new Set(items.filter((x): x is T => x !== undefined));
  return set.size === 1 ? [...set][0] : undefined;
}

export function ikeInPlay(f: Finding, log: Correlator, snapshots?: SaSeries, index?: EventIndex): IkeInPlay {
  const idx = index ?? eventIndex(log);
  const cited = new Map<string, SaTrack>();
  for (const ev of f.evidence) {
    if (ev.line <= 0) continue;
    const e = idx.get(key(ev.source, ev.line));
    const sa = e && log.saOf(e.rec.source, e.rec.ikeId ?? 0);
    if (sa) cited.set(sa.key, sa);
  }
  let sas = [...cited.values()];
  if (!sas.some((sa) => sa.version)) {
    const sources = new Set(f.evidence.map((e) => e.source));
    sas = [...log.sas.values()].filter((sa) => sources.has(sa.source));
  }
  const out: IkeInPlay = {};
  out.version =
    agreed(sas.map((sa) => sa.version)) ??
    agreed(
      [...(snapshots?.left ?? []), ...(snapshots?.right ?? []), ...(snapshots?.unknown ?? [])].flatMap((s) =>
        s.ikeSas.map((i) => (i.version === 1 || i.version === 2 ? i.version : undefined)),
      ),
    ) ??
    agreed([...log.sas.values()].map((sa) => sa.version));
  // Roles only from IKE_SAs with an id: lines without one say nothing about who started what.
  const named = sas.filter((sa) => sa.ikeId !== 0 && sa.role);
  const initiator = agreed(named.map((sa) => (sa.role === 'initiator' ? gatewayName(sa.side) : peerName(sa.side))));
  if (initiator) {
    const sa = named.find((s) => (s.role === 'initiator' ? gatewayName(s.side) : peerName(s.side)) === initiator)!;
    out.initiator = initiator;
    out.responder = sa.role === 'initiator' ? peerName(sa.side) : gatewayName(sa.side);
  }
  return out;
}
