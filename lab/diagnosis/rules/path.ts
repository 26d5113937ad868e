/**
 * Rules for requests nobody answered. They fire from the first retransmit (a live view must not
 * wait ~165 s for "giving up") and grow more certain with more retransmits and the give-up.
 */
import { hasSilentRequest, type SaTrack } from '../correlate.js';
import { type DiagEvent, SETUP_EXCHANGES } from '../events.js';
import type { Finding } from '../findings.js';
import { eventTime, evidence, finding, otherSide, type Rule, type RuleContext } from './common.js';

const SILENT_CHECK =
  'Capture on the peer (`tcpdump -ni any udp port 500`): if the requests arrive there, UDP 500 is dropped by its firewall or charon does not listen; if nothing arrives, the address or the route is wrong or the peer is down.';

function unanswered(sa: SaTrack): { mid: number; exchange: string; toPort?: number; retransmits: DiagEvent[] }[] {
  const out = [];
  for (const [mid, r] of sa.requests) if (!r.answered && r.retransmits.length) out.push({ mid, ...r });
  return out;
}

/** Logs of two boxes are never read at exactly the same clock: times within this are "at once" (ms). */
const CLOCK_SLACK_MS = 1000;

/**
 * The peer's packets as seen in its own log: did our requests arrive there at all, and did it answer?
 * Only what it logged after our request was first sent counts (when both logs have times): packets
 * of an earlier negotiation say nothing about this one.
 */
function peerSaw(
  ctx: RuleContext,
  side: DiagEvent['side'],
  port: number,
  since: DiagEvent,
): { present: boolean; packets: DiagEvent[]; retransmitSeen: DiagEvent[]; answers: DiagEvent[] } {
  const peer = otherSide(side);
  const present = side !== 'unknown' && ctx.log.sides.has(peer);
  const t0 = eventTime(since);
  const after = (e: DiagEvent) => {
    const t = eventTime(e);
    return t0 === undefined || t === undefined || t >= t0 - CLOCK_SLACK_MS;
  };
  const mine = (e: DiagEvent) => e.side === peer && after(e);
  const packets = present ? ctx.log.events('packet-in').filter((p) => mine(p) && p.toPort === port) : [];
  const retransmitSeen = present ? ctx.log.events('received-retransmit').filter(mine) : [];
  const answers = present
    ? ctx.log.events('msg-out').filter((m) => mine(m) && m.role === 'response' && SETUP_EXCHANGES.has(m.exchange ?? ''))
    : [];
  return { present, packets, retransmitSeen, answers };
}

/**
 * An IKE_SA of this source that was established and then stopped hearing from its peer, before `sa`
 * began: `sa` is the restart after the peer died, and its silence is the same story.
 */
function diedBefore(ctx: RuleContext, sa: SaTrack): boolean {
  for (const o of ctx.log.sas.values()) {
    if (o === sa || o.source !== sa.source || !o.established || o.first.rec.line >= sa.first.rec.line) continue;
    if (hasSilentRequest(o)) return true;
  }
  return ctx.log.events('dpd-timeout').some((t) => t.rec.source === sa.source && t.rec.line < sa.first.rec.line);
}

export const silentPeerRule: Rule = (ctx) => {
  const out: Finding[] = [];
  const done = new Set<string>();
  for (const sa of ctx.log.sas.values()) {
    if (sa.role === 'responder') continue;
    for (const r of unanswered(sa)) {
      const giveup = ctx.log
        .events('giveup')
        .find((g) => g.rec.source === sa.source && (g.rec.ikeId ?? 0) === sa.ikeId);
      const notResp = ctx.log
        .events('peer-not-responding')
        .find((g) => g.rec.source === sa.source && (g.rec.ikeId ?? 0) === sa.ikeId);
      const n = r.retransmits.length;
      const strength = Math.min(1, 0.15 * n + (giveup ? 0.3 : 0));
      const first = sa.requests.size && [...sa.requests.values()][0];
      const evs = [
        sa.lastOut && sa.lastOut.mid === r.mid ? sa.lastOut : undefined,
        ...r.retransmits.slice(0, 3),
        giveup,
        notResp,
      ];
      const ev = evidence(evs);
      const peerSide = otherSide(sa.side);
      if (!sa.answered && SETUP_EXCHANGES.has(r.exchange)) {
        // Nothing ever came back: unreachable and "UDP 500 dropped" look the same from here.
        if (done.has('silent')) continue;
        // The peer stopped answering an established IKE_SA first: these are the restarts (DPD action).
        if (diedBefore(ctx, sa)) continue;
        done.add('silent');
        // charon could not even send: the silence is local (route, interface, address), not the peer.
        const local = ctx.log.events('socket-error').filter((s) => s.side === sa.side && s.rec.source === sa.source);
        if (local.length) {
          out.push(
            finding(
              'local-socket-error',
              sa.side,
              0.9,
              `The ${sa.side} gateway's ${r.exchange} request was never sent: every attempt failed locally ("${local[0].rec.msg}"), so the peer cannot have answered. The ${sa.side} gateway has no usable route or source address towards the peer.`,
              evidence([...evs.slice(0, 2), ...local.slice(0, 3), giveup, notResp]),
              { decidingCheck: `On the ${sa.side} gateway: \`ip route get <peer address>\` (no route = this fault).` },
            ),
          );
          continue;
        }
        const seen = peerSaw(ctx, sa.side, 500, sa.first);
        if (seen.present && (seen.packets.length || seen.retransmitSeen.length)) {
          const answered = seen.answers.length > 0;
          out.push(
            finding(
              'ike-port-blocked',
              'both',
              0.6 + 0.3 * strength,
              answered
                ? `The ${peerSide} gateway received the IKE requests and answered them, but the answers never reached the ${sa.side} gateway: the return path drops UDP 500.`
                : `The ${peerSide} gateway's log shows the IKE requests arriving, but nothing it sent reached the ${sa.side} gateway: UDP 500 is dropped on the way back, or the ${peerSide} gateway does not answer.`,
              evidence([...evs, seen.packets[0], seen.retransmitSeen[0], seen.answers[0]]),
              { alternatives: ['peer-unreachable'], decidingCheck: SILENT_CHECK },
            ),
          );
        } else if (seen.present) {
          out.push(
            finding(
              'ike-port-blocked',
              peerSide,
              0.5 + 0.35 * strength,
              `The ${sa.side} gateway's ${r.exchange} request was retransmitted ${n} time(s) without an answer, and the ${peerSide} gateway's log, read over the same time, shows no IKE packet arriving: UDP 500 is dropped on the way or at its firewall, or the ${peerSide} gateway is down.`,
              ev,
              { alternatives: ['peer-unreachable'], decidingCheck: SILENT_CHECK },
            ),
          );
          out.push(
            finding(
              'peer-unreachable',
              peerSide,
              0.35 + 0.3 * strength,
              `The ${peerSide} gateway never answered the ${sa.side} gateway's ${r.exchange} request: its address or the route to it may be wrong, or it is down.`,
              ev,
              { alternatives: ['ike-port-blocked'], decidingCheck: SILENT_CHECK },
            ),
          );
        } else {
          out.push(
            finding(
              'peer-unreachable',
              peerSide,
              0.45 + 0.4 * strength,
              `The ${sa.side} gateway's ${r.exchange} request (message ID ${r.mid}) was retransmitted ${n} time(s) and never answered${giveup ? ', then it gave up' : ''}: the peer is down, unreachable, or UDP 500 is blocked.`,
              ev,
              { alternatives: ['ike-port-blocked'], decidingCheck: SILENT_CHECK },
            ),
          );
          out.push(
            finding(
              'ike-port-blocked',
              peerSide,
              0.4 + 0.4 * strength,
              `The same silence is what a firewall dropping UDP 500 towards the ${peerSide} gateway gives.`,
              ev,
              { alternatives: ['peer-unreachable'], decidingCheck: SILENT_CHECK },
            ),
          );
        }
        continue;
      }
      if (!sa.established && sa.answered && r.toPort === 4500) {
        // The first exchange on 500 worked, the switch to 4500 (NAT-T or MOBIKE) did not.
        if (done.has('natt')) continue;
        done.add('natt');
        const seen = peerSaw(ctx, sa.side, 4500, sa.lastOut?.mid === r.mid ? sa.lastOut : r.retransmits[0]);
        const halfOpen = ctx.log.events('half-open-timeout').find((h) => h.side === peerSide);
        if (ctx.log.count('decrypt-failed') || ctx.log.count('mac-mismatch')) continue; // authentication rule explains it
        const certain = seen.present && !seen.packets.length;
        out.push(
          finding(
            'natt-port-blocked',
            'both',
            (certain ? 0.75 : 0.55) + 0.2 * strength,
            `${first ? first.exchange : 'IKE'} completed on UDP 500, then the ${sa.side} gateway's ${r.exchange} request to port 4500 was retransmitted ${n} time(s) without an answer${certain ? `; the ${peerSide} gateway never received anything on 4500` : ''}.`,
            evidence([...evs, halfOpen]),
            sa.version === 1
              ? {
                  alternatives: ['psk-mismatch'],
                  decidingCheck:
                    "The responder's log: 'decryption failed?' means the PSK; no packet on port 4500 means UDP 4500 is blocked.",
                }
              : {
                  decidingCheck:
                    'Capture UDP 4500 on the responder; or set `mobike = no` (no NAT): if it then comes up, 4500 is blocked.',
                },
          ),
        );
        continue;
      }
      if (sa.established && !giveup && r.retransmits.length < 2) continue; // one late answer on a live SA is noise
      if (sa.established) {
        if (done.has(`dead:${sa.key}`)) continue;
        done.add(`dead:${sa.key}`);
        const dpd = ctx.log
          .events('dpd-out')
          .filter((d) => d.rec.source === sa.source && (d.rec.ikeId ?? 0) === sa.ikeId);
        const timeout = ctx.log.events('dpd-timeout').find((d) => d.rec.source === sa.source);
        out.push(
          finding(
            'dpd-peer-dead',
            peerSide,
            0.45 + 0.45 * strength + (dpd.length ? 0.1 : 0),
            `The IKE_SA was established, then the ${sa.side} gateway's ${r.exchange}${dpd.length ? ' (DPD)' : ''} request went unanswered ${n} time(s)${giveup ? ' and it gave up' : ''}: the ${peerSide} gateway or the path to it died.`,
            evidence([dpd[0], ...evs, timeout, ctx.log.events('restarting-child')[0]]),
            {
              alternatives: ['packet-loss'],
              decidingCheck: `Is charon on the ${peerSide} gateway alive (\`swanctl --list-sas\`) and does it receive the requests (tcpdump udp port 4500)?`,
            },
          ),
        );
      }
    }
  }
  for (const t of ctx.log.events('dpd-timeout').slice(0, 1)) {
    if (!out.some((f) => f.cause === 'dpd-peer-dead')) {
      out.push(
        finding(
          'dpd-peer-dead',
          otherSide(t.side),
          0.8,
          `The ${t.side} gateway's DPD check timed out: the peer stopped answering.`,
          evidence([t]),
        ),
      );
    }
  }
  const sock = ctx.log.events('socket-error')[0];
  if (sock)
    out.push(
      finding(
        'local-socket-error',
        sock.side,
        0.7,
        `The ${sock.side} gateway could not send: "${sock.rec.msg}".`,
        evidence([sock]),
      ),
    );
  return out;
};

/** Retransmits that were answered later: the path loses packets but works. */
export const lossRule: Rule = (ctx) => {
  const n = ctx.log.recoveredCount;
  if (!n) return [];
  const recovered = [...ctx.log.recovered].sort((a, b) => a.rec.line - b.rec.line);
  return [
    finding(
      'packet-loss',
      'unknown',
      Math.min(0.6, 0.25 + 0.1 * n),
      `${n} IKE request(s) needed a retransmit before the peer answered: packets are being lost (or the peer was slow).`,
      evidence(recovered.slice(0, 4)),
    ),
  ];
};

/** CHILD_SA rekeys that fail without a proposal reason in the logs. */
export const rekeyRule: Rule = (ctx) => {
  const failed = ctx.log.events('child-rekey-failed');
  if (!failed.length) return [];
  return [
    finding(
      'rekey-failure',
      'both',
      0.6,
      `CHILD_SA rekeying failed on the ${failed[0].side} gateway${failed.length > 1 ? ` (${failed.length} times)` : ''}.`,
      evidence(failed.slice(0, 3)),
      {
        alternatives: ['pfs-mismatch', 'packet-loss'],
        decidingCheck:
          "The peer's log for the CREATE_CHILD_SA: 'no acceptable ... found' names the transform that differs.",
      },
    ),
  ];
};
