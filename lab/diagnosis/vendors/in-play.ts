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

/** A device or strongSwan SA listing the finding cites (its state, header or counter lines). */
interface CitedListing {
  version?: 1 | 2;
  role?: 'initiator' | 'responder';
  side: Side;
}

function citedListings(f: Finding, snapshots?: SaSeries): CitedListing[] {
  if (!snapshots) return [];
  const cited = new Set(f.evidence.filter((e) => e.line > 0).map((e) => key(e.source, e.line)));
  const out: CitedListing[] = [];
  for (const snap of [...snapshots.left, ...snapshots.right, ...snapshots.unknown])
    for (const ike of snap.ikeSas) {
      const lines = [ike.header, ike.stateLine, ...ike.children.flatMap((c) => Object.values(c.lines ?? {}))];
      if (!lines.some((l) => l && cited.has(key(l.source, l.line)))) continue;
      out.push({
        version: ike.version === 1 || ike.version === 2 ? ike.version : undefined,
        role: ike.role,
        side: snap.side,
      });
    }
  return out;
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
  const listings = citedListings(f, snapshots);
  let sas = [...cited.values()];
  if (!sas.some((sa) => sa.version) && !listings.some((l) => l.version)) {
    const sources = new Set(f.evidence.map((e) => e.source));
    sas = [...log.sas.values()].filter((sa) => sources.has(sa.source));
  }
  const out: IkeInPlay = {};
  out.version =
    agreed([...sas.map((sa) => sa.version), ...listings.map((l) => l.version)]) ??
    agreed(
      [...(snapshots?.left ?? []), ...(snapshots?.right ?? []), ...(snapshots?.unknown ?? [])].flatMap((s) =>
        s.ikeSas.map((i) => (i.version === 1 || i.version === 2 ? i.version : undefined)),
      ),
    ) ??
    agreed([...log.sas.values()].map((sa) => sa.version));
  // Roles only from IKE_SAs with an id (lines without one say nothing about who started what), or
  // from the role a device listing prints (ASA `Role: initiator`, PAN `Init`).
  const roles: { side: Side; role: 'initiator' | 'responder' }[] = [
    ...sas.filter((sa) => sa.ikeId !== 0 && sa.role).map((sa) => ({ side: sa.side, role: sa.role! })),
    ...listings.filter((l) => l.role).map((l) => ({ side: l.side, role: l.role! })),
  ];
  const initiatorOf = (r: { side: Side; role: string }) =>
    r.role === 'initiator' ? gatewayName(r.side) : peerName(r.side);
  const initiator = agreed(roles.map(initiatorOf));
  if (initiator) {
    const r = roles.find((x) => initiatorOf(x) === initiator)!;
    out.initiator = initiator;
    out.responder = r.role === 'initiator' ? peerName(r.side) : gatewayName(r.side);
  }
  return out;
}
