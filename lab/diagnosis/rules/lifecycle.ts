/**
 * Rules about a tunnel's life rather than one negotiation: nobody starts it, the peer closes it, or
 * the peer restarts and forgets it while this side keeps encrypting into SAs that no longer exist.
 */
import { type DiagEvent, SETUP_EXCHANGES, type Side } from '../events.js';
import type { Evidence } from '../findings.js';
import type { ChildSaSnapshot, SaSnapshot } from '../sas-text.js';
import { evidence, finding, otherSide, type Rule } from './common.js';

/** The last value of a `load-conn` dump setting on one side (charon prints it on every load). */
function lastConf(events: DiagEvent[], side: Side, key: string): DiagEvent | undefined {
  let last: DiagEvent | undefined;
  for (const c of events) if (c.side === side && c.value === key && (!last || c.rec.line > last.rec.line)) last = c;
  return last;
}

function latest(series: SaSnapshot[]): SaSnapshot | undefined {
  return series[series.length - 1];
}

function children(snap: SaSnapshot | undefined): ChildSaSnapshot[] {
  return snap ? snap.ikeSas.flatMap((i) => i.children) : [];
}

/**
 * No IKE packet sent or received by anybody, and every logged side loaded its children with
 * `start_action = none`: each waits for the other. Silence is the symptom, the config the evidence.
 */
export const noInitiatorRule: Rule = (ctx) => {
  const log = ctx.log;
  if (['left', 'right', 'unknown'].some((s) => children(latest(ctx.snapshots[s as Side])).length)) return [];
  const conf = log.events('conf');
  const sides = [...log.sides].filter((s) => conf.some((c) => c.side === s && c.value === 'start_action'));
  if (!sides.length) return [];
  const starts = sides.map((s) => lastConf(conf, s, 'start_action')!);
  if (starts.some((c) => c.value2 !== 'none')) return [];
  // Whatever happened before the connection was (re)loaded is history: only silence since counts.
  const since = (e: DiagEvent) =>
    starts.some((c) => c.rec.source === e.rec.source && e.rec.line > c.rec.line) ||
    !starts.some((c) => c.rec.source === e.rec.source);
  // Tearing the old tunnel down (INFORMATIONAL with a DELETE) is not an attempt to set one up.
  const setup = (e: DiagEvent) => SETUP_EXCHANGES.has(e.exchange ?? '');
  if (log.events('initiate').some(since) || log.events('ike-established').some(since)) return [];
  if ([...log.events('msg-out'), ...log.events('msg-in')].some((e) => setup(e) && since(e))) return [];
  const both = sides.includes('left') && sides.includes('right');
  const ev = evidence(starts);
  if (both) {
    return [
      finding(
        'no-initiator',
        'both',
        0.85,
        'Neither gateway tried to set up an IKE_SA since loading its connection with start_action = none: each waits for the other to initiate.',
        ev,
      ),
    ];
  }
  const s = sides[0];
  return [
    finding(
      'no-initiator',
      'both',
      0.5,
      `No IKE_SA setup was attempted by either side since the ${s} gateway loaded its connection with start_action = none: it waits for the peer to initiate.`,
      ev,
      {
        alternatives: ['peer-unreachable'],
        decidingCheck:
          "The peer's log: no 'initiating IKE_SA' line means it does not initiate either; retransmits there mean its requests do not arrive.",
      },
    ),
  ];
};

/**
 * The peer sent DELETE for an established IKE_SA and nothing happened on this side afterwards: no
 * new IKE_SA, no replacement, no new negotiation. With the peer's log, its shutdown says why.
 */
export const peerClosedRule: Rule = (ctx) => {
  const log = ctx.log;
  for (const del of log.events('ike-delete-in')) {
    const sa = log.saOf(del.rec.source, del.rec.ikeId);
    if (!sa) continue;
    const mine = (e: DiagEvent) => e.rec.source === del.rec.source && (e.rec.ikeId ?? 0) === sa.ikeId;
    // Established before the log began counts too: its state leaves ESTABLISHED when the DELETE arrives.
    const wasUp = sa.established || log.events('state-change').some((c) => mine(c) && c.value === 'ESTABLISHED');
    // This side closed it itself (a terminate, a replace) when it sent its own DELETE first.
    if (!wasUp || log.events('ike-delete-out').some((o) => mine(o) && o.rec.line < del.rec.line)) continue;
    const later = (e: DiagEvent) => e.rec.source === del.rec.source && e.rec.line > del.rec.line;
    if (
      log.events('ike-established').some(later) ||
      log.events('ike-rekeyed').some(later) ||
      log.events('initiate').some(later)
    )
      continue;
    if ([...log.sas.values()].some((s) => s.source === del.rec.source && s.first.rec.line > del.rec.line)) continue;
    const snap = latest(ctx.snapshots[del.side === 'unknown' ? 'unknown' : del.side]);
    if (snap?.ikeSas.some((i) => i.state === 'ESTABLISHED')) continue;
    const peer = otherSide(del.side);
    const stop = log.events('daemon-stop').find((s) => s.side === peer);
    const deleteSent =
      stop &&
      log.events('state-change').find((s) => s.side === peer && s.rec.line > stop.rec.line && s.state === 'DELETING');
    return [
      finding(
        'peer-closed',
        del.side,
        stop ? 0.85 : 0.7,
        stop
          ? `The ${peer} gateway's charon was shut down ("${stop.rec.msg}") and deleted the IKE_SA on its way out; the ${del.side} gateway received the DELETE and nothing re-established the tunnel.`
          : `The ${peer} gateway deleted the established IKE_SA (the ${del.side} gateway received its DELETE) and nothing re-established the tunnel afterwards.`,
        evidence([establishedLine(log, del), del, stop, deleteSent]),
        stop
          ? {}
          : {
              decidingCheck: `The ${peer} gateway's log around the DELETE: a shutdown, a \`swanctl --terminate\` or an expired lifetime says who closed it.`,
            },
      ),
    ];
  }
  return [];
};

/** The established IKE_SA line of the SA a DELETE was for. */
function establishedLine(log: Parameters<Rule>[0]['log'], del: DiagEvent): DiagEvent | undefined {
  return log
    .events('ike-established')
    .find(
      (e) =>
        e.rec.source === del.rec.source && (e.rec.ikeId ?? 0) === (del.rec.ikeId ?? 0) && e.rec.line < del.rec.line,
    );
}

/**
 * One side's charon restarted after it had a CHILD_SA, and the other side still holds that CHILD_SA
 * (same SPIs): nothing told it the peer forgot them. Its ESP goes to an SA that no longer exists.
 */
export const staleSaRule: Rule = (ctx) => {
  const log = ctx.log;
  for (const start of log.events('daemon-start')) {
    const y = start.side;
    if (y === 'unknown') continue;
    const x = otherSide(y) as 'left' | 'right';
    const lost = log
      .events('child-established')
      .filter((c) => c.side === y && c.rec.source === start.rec.source && c.rec.line < start.rec.line && c.spis);
    if (log.events('ike-established').some((e) => e.rec.source === start.rec.source && e.rec.line > start.rec.line))
      continue;
    const kept = children(latest(ctx.snapshots[x])).filter((c) => c.state === 'INSTALLED');
    // The SPIs prove it when the restarted side's log still has the CHILD_SA it lost; a live view that
    // began after it came up has only the listings: y holds nothing since its restart, x still does.
    const yNow = latest(ctx.snapshots[y]);
    const yEmpty = yNow !== undefined && yNow.ikeSas.length === 0;
    for (const child of kept) {
      const was = lost.find((c) => c.spis![0] === child.spiOut && c.spis![1] === child.spiIn);
      if (!was && !yEmpty) continue;
      const counters: Evidence[] = [child.lines?.header, child.lines?.out, child.lines?.in].filter(
        (e): e is Evidence => !!e,
      );
      const series = ctx.snapshots[x];
      // Live, the window's first listing is the base: what the SA carried before the window is history.
      const first =
        series.length > 1 || ctx.windowed ? children(series[0]).find((c) => c.spiIn === child.spiIn) : undefined;
      const outGrew = child.packetsOut - (first?.packetsOut ?? 0);
      const inGrew = child.packetsIn - (first?.packetsIn ?? 0);
      const sending = outGrew > 0 && inGrew === 0;
      const what = was ? `after it had set up CHILD_SA SPIs ${was.spis!.join('/')}` : 'and holds no SA since';
      return [
        finding(
          'stale-sa',
          x,
          (sending ? 0.9 : 0.75) - (was ? 0 : 0.05),
          `The ${y} gateway's charon restarted (its log: "${start.rec.msg.replace(/ \(.*$/, '')}") ${what}; the ${x} gateway still holds ${was ? 'that' : 'its'} CHILD_SA ${child.spiIn ?? ''} as INSTALLED${sending ? ` and keeps sending into it (${outGrew} packets out, none back)` : ''}: its SAs are stale and nothing (no DPD) told it.`,
          [...evidence([was, start]), ...counters],
        ),
      ];
    }
  }
  return [];
};
