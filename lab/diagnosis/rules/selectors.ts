/** Traffic selectors: not mirrored between the two ends, or overlapping (a LAN on both sides). */
import { cidrsOverlap } from '../../settings/addresses.js';
import { before, evidence, finding, type Rule } from './common.js';

/** Traffic selectors not mirrored. */
export const tsRule: Rule = (ctx) => {
  const log = ctx.log;
  const decisive = log.events('ts-unacceptable')[0] ?? log.events('no-child-config')[0];
  const peerNotify =
    log.events('child-not-built').find((n) => n.notify === 'TS_UNACCEPTABLE') ??
    log.events('notify-error').find((n) => n.notify === 'INVALID_ID_INFORMATION' || n.notify === 'TS_UNACCEPTABLE');
  if (decisive) {
    const sel = decisive.value ? `${decisive.value} === ${decisive.value2}` : 'the proposed selectors';
    return [
      finding(
        'ts-mismatch',
        'both',
        0.95,
        `The ${decisive.side} gateway has no child config for the traffic selectors ${sel}: local_ts/remote_ts are not mirrored.`,
        evidence([before(log, decisive, ['ike-established'], true, 400), decisive, peerNotify]),
      ),
    ];
  }
  // A responder that failed to install the SA also answers TS_UNACCEPTABLE: that is not a selector problem.
  if (peerNotify && !log.count('kernel-failure')) {
    return [
      finding(
        'ts-mismatch',
        'both',
        0.75,
        `IKE is up, but the peer of the ${peerNotify.side} gateway refused the traffic selectors (${peerNotify.notify}).`,
        evidence([peerNotify]),
        {
          decidingCheck:
            "Compare local_ts/remote_ts of both children; the responder logs 'traffic selectors A === B unacceptable'.",
        },
      ),
    ];
  }
  return [];
};

/** CIDRs of a logged selector list ("10.1.0.0/24 10.3.0.0/24", "10.1.0.0/24[tcp/80]"). */
function selectorCidrs(ts: string): string[] {
  return ts
    .split(/\s+/)
    .map((t) => t.replace(/\[.*$/, ''))
    .filter((t) => /\/\d+$/.test(t));
}

/**
 * A CHILD_SA whose remote selector holds its own local one (or the reverse): the policy pulls traffic
 * for the local LAN into the tunnel. Only networks on both sides are judged: a /0 on either side is
 * a deliberate full tunnel, and a single host inside the peer's range is how a road-warrior client's
 * virtual IP is addressed (its own address, not a LAN).
 */
export const overlapRule: Rule = (ctx) => {
  const net = (c: string) => !/\/(?:0|32|128)$/.test(c);
  for (const e of ctx.log.events('child-established')) {
    const local = selectorCidrs(e.value ?? '').filter(net);
    const remote = selectorCidrs(e.value2 ?? '').filter(net);
    const hit = local.flatMap((l) => remote.filter((r) => cidrsOverlap(l, r)).map((r) => [l, r] as const))[0];
    if (!hit) continue;
    const peer = ctx.log
      .events('child-established')
      .find((c) => c.side !== e.side && c.spis && e.spis && c.spis[0] === e.spis[1]);
    return [
      finding(
        'overlapping-subnets',
        'both',
        0.85,
        `The CHILD_SA came up with overlapping selectors: on the ${e.side} gateway local ${hit[0]} and remote ${hit[1]} overlap, so traffic between hosts of the local LAN is routed into the tunnel (and the peer's policy claims addresses that are local here).`,
        evidence([e, peer]),
      ),
    ];
  }
  return [];
};
