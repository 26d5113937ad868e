/**
 * Short one-sided excerpts: what users paste is often a handful of lines around the failure, cut
 * before or after what the full-log rules correlate (the request a retransmit belongs to, the
 * established IKE_SA a DELETE ends, the retry after an INVALID_KE). Each rule here reads a cause
 * from what such an excerpt does show, in strongSwan's terms, and says what it could not see.
 */
import type { SaTrack } from '../correlate.js';
import type { DiagEvent } from '../events.js';
import type { Finding } from '../findings.js';
import { evidence, finding, otherSide, type Rule } from './common.js';

const SILENT_CHECK =
  'Capture on the peer (`tcpdump -ni any udp port 500 or udp port 4500`): requests arriving there mean its firewall or charon drops them; nothing arriving means the address, the route, or the peer is down.';

/** The full-log silent-peer rule (path.ts) already judges an SA whose retransmitted request it saw. */
function tracked(sa: SaTrack | undefined): boolean {
  return !!sa && [...sa.requests.values()].some((r) => !r.answered && r.retransmits.length > 0);
}

const sameSa = (a: DiagEvent, b: DiagEvent) =>
  a.rec.source === b.rec.source && (a.rec.ikeId ?? 0) === (b.rec.ikeId ?? 0);

/**
 * "giving up after N retransmits" (any N: Android stops at 3) and retransmits of a request the
 * excerpt does not contain. charon restarts the CHILD_SAs of an IKE_SA that was established when it
 * gives up on it (dpd_action/close_action restart), and logs its state change from ESTABLISHED:
 * then the peer died on a working tunnel.
 */
export const silentExcerptRule: Rule = (ctx) => {
  const log = ctx.log;
  const out: Finding[] = [];
  const seen = new Set<string>();
  const lone = [
    ...log.events('giveup'),
    ...log.events('retransmit').filter((r) => r.exchange === undefined),
    // charon's (and the Android client's) own summary of a setup that was never answered.
    ...log.events('peer-not-responding'),
  ];
  for (const e of lone) {
    const sa = log.saOf(e.rec.source, e.rec.ikeId);
    if (tracked(sa) || seen.has(`${e.rec.source}#${e.rec.ikeId ?? 0}`)) continue;
    // An answer in the same IKE_SA after the request means the retransmit was only loss.
    if (sa?.answered && e.kind === 'retransmit' && e.mid !== 0) continue;
    seen.add(`${e.rec.source}#${e.rec.ikeId ?? 0}`);
    const same = (k: DiagEvent['kind']) => log.events(k).filter((x) => sameSa(x, e));
    const retransmits = same('retransmit');
    const giveup = same('giveup')[0];
    const restart = same('restarting-child')[0];
    // Its own state change also says so ("IKE_SA x[1] state change: ESTABLISHED => DESTROYING" after giving up).
    const up = same('state-change').find((s) => s.value === 'ESTABLISHED' || s.state === 'ESTABLISHED');
    const wasUp = sa?.established || e.state === 'established' || !!restart || same('dpd-out').length > 0 || !!up;
    const n = giveup?.count ?? retransmits.length;
    const peer = otherSide(e.side);
    const ev = evidence([...retransmits.slice(0, 3), giveup, same('peer-not-responding')[0], restart, up]);
    if (wasUp) {
      out.push(
        finding(
          'dpd-peer-dead',
          peer,
          giveup ? 0.7 : 0.5,
          `The ${e.side} gateway's request on an established IKE_SA went unanswered${giveup ? ` and it gave up after ${n} retransmits` : ''}${restart ? ', then restarted its CHILD_SA (charon does that only for a tunnel that was up)' : ''}: the peer or the path to it died.`,
          ev,
          {
            alternatives: ['peer-unreachable'],
            decidingCheck: `Is the ${peer === 'unknown' ? 'peer' : `${peer} gateway`} alive, and do the requests reach it? ${SILENT_CHECK}`,
          },
        ),
      );
      continue;
    }
    // Message ID 0 is the first exchange (IKE_SA_INIT, or main mode in IKEv1): nothing ever came back.
    const setup = e.mid === 0 || (giveup !== undefined && !sa?.answered) || e.kind === 'peer-not-responding';
    if (!setup) continue;
    out.push(
      finding(
        'peer-unreachable',
        peer,
        Math.min(0.75, 0.45 + 0.05 * n + (giveup ? 0.15 : 0)),
        giveup
          ? `The ${e.side} gateway gave up after ${n} retransmits: its IKE request was never answered, so the peer is down, unreachable, or UDP 500/4500 is blocked on the way.`
          : e.kind === 'peer-not-responding'
            ? `The ${e.side} gateway says establishing the IKE_SA failed because the peer did not respond: it is down, unreachable, or UDP 500/4500 is blocked on the way.`
            : `The ${e.side} gateway retransmitted its first IKE request (message ID 0) without an answer: the peer has not answered so far.`,
        ev,
        { alternatives: ['ike-port-blocked', 'peer-address-mismatch'], decidingCheck: SILENT_CHECK },
      ),
    );
  }
  return out;
};

/**
 * INVALID_KE ("DH group X unacceptable, requesting Y" / "peer didn't accept DH group X, it requested
 * Y") with no IKE_SA established afterwards: the groups proposed first differ, and nothing shows the
 * retry succeeding. (When it did, proposalRule lists the harmless dh-group-retry instead.)
 */
export const keRetryRule: Rule = (ctx) => {
  const log = ctx.log;
  for (const e of [...log.events('ke-retry-responder'), ...log.events('ke-retry-initiator')]) {
    const up = log.events('ike-established').some((x) => x.rec.source === e.rec.source && x.rec.line > e.rec.line);
    if (up) continue;
    const who = e.kind === 'ke-retry-responder' ? `The ${e.side} gateway (responder)` : `The ${e.side} gateway's peer`;
    return [
      finding(
        'dh-group-mismatch',
        'both',
        0.65,
        `${who} refused the key exchange with ${e.value} and asked for ${e.value2} (INVALID_KE_PAYLOAD), and no IKE_SA came up afterwards: the DH groups the gateways propose first do not match, and the initiator's retry with ${e.value2} is not in this log.`,
        evidence([e]),
        {
          alternatives: ['dh-group-retry'],
          decidingCheck: `Whether the initiator retries with ${e.value2} and the IKE_SA is established: then it is only a harmless extra round trip; if its proposals lack ${e.value2}, add it (or the peer's first group) to both IKE proposals.`,
        },
      ),
    ];
  }
  return [];
};

/**
 * The peer deleted the IKE_SA (a DELETE arrives only inside an established IKE_SA) in an excerpt that
 * does not show it being set up, and nothing re-established it afterwards.
 */
export const peerDeleteExcerptRule: Rule = (ctx) => {
  const log = ctx.log;
  for (const del of log.events('ike-delete-in')) {
    const sa = log.saOf(del.rec.source, del.rec.ikeId);
    if (sa?.established) continue; // the full-log rule (lifecycle.ts) judges those
    if (log.events('state-change').some((c) => sameSa(c, del) && c.value === 'ESTABLISHED')) continue;
    if (log.events('ike-delete-out').some((o) => sameSa(o, del) && o.rec.line < del.rec.line)) continue;
    // Another IKE_SA of this log up at any time (a rekey replaced this one), or a new attempt later.
    const sameLog = (e: DiagEvent) => e.rec.source === del.rec.source;
    const later = (e: DiagEvent) => sameLog(e) && e.rec.line > del.rec.line;
    if (log.events('ike-established').some(sameLog) || log.events('ike-rekeyed').some(sameLog)) continue;
    if (log.events('initiate').some(later)) continue;
    const peer = otherSide(del.side);
    return [
      finding(
        'peer-closed',
        del.side,
        0.6,
        `The ${peer === 'unknown' ? 'peer' : `${peer} gateway`} deleted the IKE_SA ("${del.rec.msg}"; a DELETE is only sent inside an established IKE_SA) and nothing re-established the tunnel afterwards in this log.`,
        evidence([...log.events('child-closed').filter((c) => c.rec.source === del.rec.source), del]),
        {
          decidingCheck:
            "The peer's own log around the DELETE says why it closed the tunnel (a user disconnecting, a shutdown, a lifetime); this side only sees that it did.",
        },
      ),
    ];
  }
  return [];
};
