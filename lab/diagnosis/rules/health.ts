/**
 * "No fault" from what an excerpt or a listing shows when it does not show an IKE_SA and a CHILD_SA
 * being established (the full-log healthy verdict, live.ts): routine DPD, which runs only on an
 * established IKE_SA; a negotiation that proceeds normally; a listing with the SAs up. These
 * findings are dropped whenever any rule finds a fault, and their confidence stays below a
 * tunnel seen coming up.
 */
import { type DiagEvent, SETUP_EXCHANGES } from '../events.js';
import type { Finding } from '../findings.js';
import { evidence, finding, type Rule } from './common.js';
import { listedUp } from './listing.js';

/**
 * IKEv2 DPD is an INFORMATIONAL request without payloads (an empty response also answers a DELETE);
 * IKEv1 DPD is R-U-THERE / R-U-THERE-ACK.
 */
function isDpd(e: DiagEvent): boolean {
  if (e.exchange === 'INFORMATIONAL') return e.role === 'request' && (e.payloads ?? []).length === 0;
  return e.exchange === 'INFORMATIONAL_V1' && (e.payloads ?? []).some((p) => /^N\(DPD(?:_ACK)?\)$/.test(p));
}

export const healthSignsRule: Rule = (ctx) => {
  const log = ctx.log;
  const out: Finding[] = [];
  for (const side of ['left', 'right', 'unknown'] as const) {
    const snap = ctx.snapshots[side][ctx.snapshots[side].length - 1];
    const { ike, evidence: ev } = listedUp(snap);
    if (!ike.length || !ev.length) continue;
    const child = ike.some((i) => i.children.some((c) => c.state === 'INSTALLED'));
    out.push(
      finding(
        'healthy',
        'both',
        child ? 0.7 : 0.6,
        `The listing shows the IKE SA with ${ike[0].peer ?? ike[0].name} up${child ? ' and its IPsec (CHILD) SA installed' : ''}; nothing in it shows a fault.`,
        ev,
      ),
    );
  }
  const dpd = [...log.events('dpd-out'), ...log.events('msg-in'), ...log.events('msg-out')]
    .filter((e) => e.kind === 'dpd-out' || isDpd(e))
    .sort((a, b) => a.rec.line - b.rec.line);
  const closed = log.count('ike-delete-in') + log.count('ike-delete-out');
  if (dpd.length && !log.count('giveup') && !log.count('dpd-timeout') && !closed) {
    out.push(
      finding(
        'healthy',
        'both',
        0.55,
        'Only routine dead peer detection: DPD runs on an established IKE_SA, and nothing here shows it failing (no retransmits given up, no DPD timeout).',
        evidence(dpd.slice(0, 3)),
      ),
    );
  }
  // A CHILD_SA coming up (a rekey, a second CHILD_SA) needs an established IKE_SA: the excerpt shows
  // a working tunnel even when the IKE_SA's own setup is not in it.
  const child = log.events('child-established');
  if (child.length && !log.count('ike-established')) {
    out.push(
      finding(
        'healthy',
        'both',
        0.6,
        'A CHILD_SA is established here (which needs an established IKE_SA), and nothing in this excerpt fails; the IKE_SA’s own setup is not in it.',
        evidence(child.slice(0, 2)),
      ),
    );
  }
  const progress = [
    ...log.events('selected-proposal'),
    ...log.events('auth-ok'),
    ...log.events('msg-out').filter((e) => e.role === 'response' && SETUP_EXCHANGES.has(e.exchange ?? '')),
  ].sort((a, b) => a.rec.line - b.rec.line);
  if (progress.length) {
    out.push(
      finding(
        'healthy',
        'both',
        0.45,
        'The negotiation proceeds normally as far as this log goes (a proposal agreed, answers sent); it ends before an IKE_SA and CHILD_SA are shown established, and nothing in it fails.',
        evidence(progress.slice(0, 3)),
      ),
    );
  }
  return out;
};
