/**
 * Proposal mismatches (IKE, ESP, PFS) and the harmless key exchange retry: the responder logs what
 * it received and what it has configured; the initiator mostly only the NO_PROPOSAL_CHOSEN it got.
 */
import { type DiagEvent, SETUP_EXCHANGES, splitProposals } from '../events.js';
import type { Finding } from '../findings.js';
import { before, evidence, finding, fromPeer, type Rule, type RuleContext } from './common.js';

const KE_RE = /^(?:MODP_|ECP_|CURVE|ML_KEM|KE\d_|NTRU|NEWHOPE|ECP\d)/;

/** Transforms of a proposal text like AES_CBC_256/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ. */
function transforms(p: string): string[] {
  return p
    .split('/')
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * True when some received and configured proposal are equal once key exchange methods are removed.
 * `presence`: one has a key exchange and the other none (PFS); otherwise both name different ones.
 */
function differOnlyInKe(received: string, configured: string, presence: boolean): boolean {
  const strip = (p: string) =>
    transforms(p)
      .filter((t) => !KE_RE.test(t))
      .sort()
      .join('/');
  const ke = (p: string) =>
    transforms(p)
      .filter((t) => KE_RE.test(t))
      .sort()
      .join('/');
  for (const r of splitProposals(received)) {
    for (const c of splitProposals(configured)) {
      if (strip(r) !== strip(c)) continue;
      const [kr, kc] = [ke(r), ke(c)];
      if (presence ? !kr !== !kc : kr && kc && kr !== kc) return true;
    }
  }
  return false;
}

function proposalLines(ctx: RuleContext, e: DiagEvent): { received?: DiagEvent; configured?: DiagEvent } {
  const near = (which: 'received' | 'configured') => {
    let best: DiagEvent | undefined;
    for (const p of ctx.log.events('proposals')) {
      if (p.which !== which || p.rec.source !== e.rec.source || (p.rec.ikeId ?? 0) !== (e.rec.ikeId ?? 0)) continue;
      if (p.rec.line < e.rec.line && e.rec.line - p.rec.line < 30 && (!best || p.rec.line > best.rec.line)) best = p;
    }
    return best;
  };
  return { received: near('received'), configured: near('configured') };
}

/**
 * IKEv1: an INFORMATIONAL_V1 protected by a HASH payload can only be sent once phase 1 is complete
 * (its keys derive from it), so a notify in it answers quick mode, not main mode.
 */
function afterPhase1(log: RuleContext['log'], n: DiagEvent): boolean {
  const m = before(log, n, ['msg-in'], true, 3);
  return m?.exchange === 'INFORMATIONAL_V1' && (m.payloads ?? []).includes('HASH');
}

/** Proposal mismatches (IKE, ESP, PFS) and the harmless key exchange retry. */
export const proposalRule: Rule = (ctx) => {
  const out: Finding[] = [];
  const log = ctx.log;
  let ikeDecisive = false;
  let childDecisive = false;
  for (const e of log.events('proposals-unacceptable')) {
    const { received, configured } = proposalLines(ctx, e);
    const isIke = e.proto === 'IKE' || (!e.proto && SETUP_EXCHANGES.has(e.exchange ?? '') && e.state !== 'established');
    const peerNotify = fromPeer(log, e.side, 'notify-error').find((n) => n.notify === 'NO_PROPOSAL_CHOSEN');
    const peerChild = fromPeer(log, e.side, 'child-not-built').find((n) => n.notify === 'NO_PROPOSAL_CHOSEN');
    const transform = before(log, e, ['no-acceptable-transform']);
    const ev = evidence([received, configured, transform, e, peerNotify, peerChild]);
    if (isIke) {
      if (ikeDecisive) continue;
      ikeDecisive = true;
      if (received && configured && differOnlyInKe(received.value!, configured.value!, false)) {
        out.push(
          finding(
            'dh-group-mismatch',
            'both',
            0.95,
            `The ${e.side} gateway (responder) found no IKE proposal in common, and the proposals differ only in the DH group: received ${received.value}, configured ${configured.value}.`,
            ev,
          ),
        );
      } else {
        out.push(
          finding(
            'ike-proposal-mismatch',
            'both',
            0.95,
            `The ${e.side} gateway (responder) found no IKE proposal in common: received ${received?.value ?? '?'}, configured ${configured?.value ?? '?'}.`,
            ev,
          ),
        );
      }
    } else {
      if (childDecisive) continue;
      childDecisive = true;
      const pfs =
        (received && configured && differOnlyInKe(received.value!, configured.value!, true)) ||
        /DIFFIE_HELLMAN|KEY_EXCHANGE/.test(transform?.value ?? '');
      if (pfs) {
        out.push(
          finding(
            'pfs-mismatch',
            'both',
            0.9,
            `The ${e.side} gateway rejected the ESP proposal because only one side uses PFS (a DH group in esp_proposals): received ${received?.value ?? '?'}, configured ${configured?.value ?? '?'}.`,
            ev,
          ),
        );
      } else {
        out.push(
          finding(
            'esp-proposal-mismatch',
            'both',
            0.95,
            `IKE is up but the ${e.side} gateway found no ESP proposal in common: received ${received?.value ?? '?'}, configured ${configured?.value ?? '?'}.`,
            ev,
          ),
        );
      }
    }
  }
  // Initiator-only evidence: the NO_PROPOSAL_CHOSEN notify, without the responder's reason.
  if (!ikeDecisive && log.count('no-ike-config') === 0 && log.count('aggressive-refused') === 0) {
    const n = log
      .events('notify-error')
      .find(
        (x) =>
          x.notify === 'NO_PROPOSAL_CHOSEN' &&
          x.state !== 'established' &&
          !afterPhase1(log, x) &&
          (SETUP_EXCHANGES.has(x.exchange ?? '') || x.exchange === 'INFORMATIONAL_V1'),
      );
    if (n) {
      out.push(
        finding(
          'ike-proposal-mismatch',
          'both',
          0.6,
          `The peer of the ${n.side} gateway refused IKE_SA setup with NO_PROPOSAL_CHOSEN; its own log has the reason.`,
          evidence([before(log, n, ['msg-out']), n]),
          {
            alternatives: ['dh-group-mismatch', 'ike-version-mismatch', 'peer-address-mismatch'],
            decidingCheck:
              "In the responder's log: 'received proposals' / 'configured proposals' differing only in the DH group means dh-group-mismatch, otherwise the proposals; 'no IKE config found for A...B' means IKE version or addresses.",
          },
        ),
      );
    }
  }
  if (!childDecisive) {
    const n =
      log.events('child-not-built').find((x) => x.notify === 'NO_PROPOSAL_CHOSEN') ??
      log
        .events('notify-error')
        .find((x) => x.notify === 'NO_PROPOSAL_CHOSEN' && (x.state === 'established' || afterPhase1(log, x)));
    if (n) {
      out.push(
        finding(
          'esp-proposal-mismatch',
          'both',
          0.7,
          `IKE is up, but the peer of the ${n.side} gateway refused the CHILD_SA with NO_PROPOSAL_CHOSEN.`,
          evidence([before(log, n, ['ike-established'], true, 400), n, before(log, n, ['proposals'])]),
          {
            alternatives: ['pfs-mismatch'],
            decidingCheck:
              "Compare esp_proposals of both children; the responder's 'received proposals' / 'configured proposals' lines show whether only the DH group (PFS) differs.",
          },
        ),
      );
    }
  }
  // Different first DH group: costs a round trip, not a fault (ranked low, never the verdict).
  const retry = log.events('ke-retry-responder')[0] ?? log.events('ke-retry-initiator')[0];
  if (retry && log.count('ike-established') > 0) {
    out.push(
      finding(
        'dh-group-retry',
        'both',
        0.2,
        `The first DH group was refused and the peer asked for ${retry.value2}; the retry succeeded (harmless, one extra round trip).`,
        evidence([retry, log.events('ike-established')[0]]),
      ),
    );
  }
  return out;
};
