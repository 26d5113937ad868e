/**
 * Rules for negotiations that got an answer: the responder logs the reason, the initiator mostly
 * only the notify it got back. A responder-side reason outranks the initiator's notify; with the
 * initiator's log alone the finding is weaker and names what it cannot rule out.
 */
import { cidrsOverlap } from '../../settings/addresses.js';
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

/**
 * IKEv1 aggressive mode: a strongSwan responder refuses it with a PSK unless told not to care
 * ("Aggressive Mode PSK disabled for security reasons"); the initiator only hears AUTHENTICATION_FAILED.
 */
export const aggressiveModeRule: Rule = (ctx) => {
  const log = ctx.log;
  const refused = log.events('aggressive-refused')[0];
  const initiated = log.events('initiate').find((i) => i.exchange === 'AGGRESSIVE');
  if (refused) {
    const request = before(log, refused, ['msg-in']);
    const peerNotify = fromPeer(log, refused.side, 'notify-error').find((n) => n.notify === 'AUTHENTICATION_FAILED');
    return [
      finding(
        'aggressive-mode-mismatch',
        'both',
        0.95,
        `The ${refused.side} gateway received an IKEv1 Aggressive Mode request with a pre-shared key and refused it ("${refused.rec.msg}"): the peer initiates aggressive mode, this side only accepts main mode.`,
        evidence([initiated, request, refused, peerNotify]),
      ),
    ];
  }
  const failed =
    initiated &&
    log
      .events('notify-error')
      .find(
        (n) =>
          n.side === initiated.side &&
          n.notify === 'AUTHENTICATION_FAILED' &&
          (n.rec.ikeId ?? 0) === (initiated.rec.ikeId ?? 0),
      );
  if (initiated && failed && !log.count('mac-mismatch') && !log.count('decrypt-failed')) {
    return [
      finding(
        'aggressive-mode-mismatch',
        'both',
        0.7,
        `The ${initiated.side} gateway initiated IKEv1 Aggressive Mode and the peer answered AUTHENTICATION_FAILED at once: a peer that refuses aggressive mode (or a wrong PSK) looks like this.`,
        evidence([initiated, failed]),
        {
          alternatives: ['psk-mismatch'],
          decidingCheck:
            "The responder's log: 'Aggressive Mode PSK disabled for security reasons' means the mode; 'MAC mismatched' or 'decryption failed' means the PSK.",
        },
      ),
    ];
  }
  return [];
};

/** Pre-shared key and identity mismatches (IKE_AUTH / main mode 5-6). */
export const authRule: Rule = (ctx) => {
  const log = ctx.log;
  const out: Finding[] = [];
  const authFailed = log.events('notify-error').find((n) => n.notify === 'AUTHENTICATION_FAILED');
  const mac = log.events('mac-mismatch')[0];
  const decrypt = log.events('decrypt-failed');
  const noKey = log.events('no-shared-key')[0];
  const noPeer = log.events('no-peer-config')[0];
  const idMis = log.events('id-mismatch')[0];
  if (mac) {
    out.push(
      finding(
        'psk-mismatch',
        'both',
        0.95,
        `The ${mac.side} gateway verified the peer's AUTH payload with its pre-shared key for '${mac.value}' - '${mac.value2}' and the MAC did not match: the keys differ.`,
        evidence([mac, authFailed]),
      ),
    );
  } else if (noKey) {
    out.push(
      finding(
        'psk-mismatch',
        noKey.side === 'unknown' ? 'unknown' : noKey.side,
        0.85,
        noKey.value !== undefined
          ? `The ${noKey.side} gateway has no pre-shared key for the identity pair '${noKey.value}' - '${noKey.value2}' (charon looks the secret up by both IDs): a secret for these identities is missing, or one side uses another ID than the secret names.`
          : `The ${noKey.side} gateway has no pre-shared key for the identities in use.`,
        evidence([noKey, authFailed]),
      ),
    );
  } else if (decrypt.length) {
    // IKEv1 main mode 5/6 is encrypted with a key derived from the PSK: a wrong PSK makes it undecryptable.
    const first = decrypt[0];
    const peer = decrypt.find((d) => d.side !== first.side);
    out.push(
      finding(
        'psk-mismatch',
        'both',
        peer || decrypt.length > 1 ? 0.9 : 0.8,
        `IKEv1 main mode messages 5/6 could not be decrypted (${first.side} gateway: "${first.rec.msg}"): the pre-shared keys differ.`,
        evidence([first, peer, ...decrypt.slice(1, 3)]),
        {
          decidingCheck:
            'Compare the secret in both swanctl.conf files; on IKEv1 an ASA initiator would wait in MM_WAIT_MSG6 (a responder in MM_WAIT_MSG5).',
        },
      ),
    );
  }
  if (noPeer || idMis) {
    const e = (noPeer ?? idMis)!;
    const looking = before(log, e, ['looking-for-peer']);
    const got = looking ? ` It received local/remote IDs ${looking.value2} (peer) for ${looking.value} (itself).` : '';
    out.push(
      finding(
        'id-mismatch',
        'both',
        0.9,
        `The ${e.side} gateway found no connection whose identities match what the peer sent.${got}`,
        evidence([looking, e, authFailed]),
      ),
    );
  }
  if (
    !out.length &&
    authFailed &&
    !log.count('aggressive-refused') &&
    !log.events('initiate').some((i) => i.exchange === 'AGGRESSIVE')
  ) {
    out.push(
      finding(
        'psk-mismatch',
        'both',
        0.6,
        `The peer of the ${authFailed.side} gateway rejected authentication (AUTHENTICATION_FAILED); its own log has the reason.`,
        evidence([before(log, authFailed, ['msg-in']), authFailed]),
        {
          alternatives: ['id-mismatch'],
          decidingCheck:
            "In the responder's log: 'MAC mismatched' means the PSK; 'no matching peer config found' means the identities.",
        },
      ),
    );
  }
  return out;
};

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

/**
 * "no IKE config found for A...B": the responder has no connection for this version and these
 * addresses. Its own load-conn dump (level 2) or the settings tell version from address.
 */
export const configLookupRule: Rule = (ctx) => {
  const log = ctx.log;
  // A lookup that failed while a reload raced an in-flight request, and then an IKE_SA came up on the
  // same side: the failure is history, not the cause.
  const e = log
    .events('no-ike-config')
    .find((n) => !log.events('ike-established').some((x) => x.rec.source === n.rec.source && x.rec.line > n.rec.line));
  if (!e) return [];
  const request = before(log, e, ['msg-in']);
  const reqVersion = request
    ? SETUP_EXCHANGES.has(request.exchange!) && request.exchange !== 'IKE_SA_INIT'
      ? 1
      : 2
    : undefined;
  const conf = log.events('conf').filter((c) => c.rec.source === e.rec.source);
  const version = conf.find((c) => c.value === 'version');
  const remote = conf.find((c) => c.value === 'remote_addrs');
  const peerAddr = e.value2!;
  const peerNotify = fromPeer(log, e.side, 'notify-error').find((n) => n.notify === 'NO_PROPOSAL_CHOSEN');
  const base = [request, e, peerNotify];
  const versionMismatch = version && reqVersion && version.value2 !== '0' && Number(version.value2) !== reqVersion;
  const addrMismatch =
    remote &&
    !remote.value2!.split(/[, ]+/).some((a) => a === '%any' || a === peerAddr || a === '0.0.0.0/0' || a.includes('/'));
  const out: Finding[] = [];
  if (versionMismatch) {
    out.push(
      finding(
        'ike-version-mismatch',
        'both',
        0.9,
        `The ${e.side} gateway received an IKEv${reqVersion} request but its connection is version ${version!.value2}.`,
        evidence([...base, version]),
      ),
    );
  }
  if (addrMismatch) {
    out.push(
      finding(
        'peer-address-mismatch',
        e.side,
        0.9,
        `The ${e.side} gateway got IKE from ${peerAddr}, but its connection expects remote_addrs ${remote!.value2}.`,
        evidence([...base, remote]),
      ),
    );
  }
  if (out.length) return out;
  const check =
    "Compare the responder's connection `version` with the IKE version the initiator sends, and its `remote_addrs` with the address the request came from.";
  const v = finding(
    'ike-version-mismatch',
    'both',
    reqVersion === 1 ? 0.6 : 0.5,
    `The ${e.side} gateway has no IKE config for ${e.value}...${e.value2} (IKEv${reqVersion ?? '?'} request): the IKE version or the addresses do not match.`,
    evidence(base),
    { alternatives: ['peer-address-mismatch'], decidingCheck: check },
  );
  const a = finding(
    'peer-address-mismatch',
    e.side,
    reqVersion === 1 ? 0.5 : 0.55,
    `The ${e.side} gateway has no IKE config for ${e.value}...${e.value2}: its remote_addrs may not include ${peerAddr}.`,
    evidence(base),
    { alternatives: ['ike-version-mismatch'], decidingCheck: check },
  );
  return [v, a];
};

/** The kernel (or libipsec) refused an SA or policy. */
export const kernelRule: Rule = (ctx) => {
  const e = ctx.log.events('kernel-failure');
  if (!e.length) return [];
  return [
    finding(
      'kernel-install-failure',
      e[0].side,
      0.9,
      `The ${e[0].side} gateway negotiated the CHILD_SA but could not install it: "${e[0].rec.msg}".`,
      evidence(e.slice(0, 4)),
    ),
  ];
};

/**
 * IKEv1 with NAT between the gateways: NAT-T needs the peer's NAT-T vendor ID. NAT detected but no
 * such vendor ID from the peer means the peer has NAT traversal off (ESP would go raw through NAT).
 */
export const natRule: Rule = (ctx) => {
  const log = ctx.log;
  const out: Finding[] = [];
  for (const nat of [...log.events('nat-remote'), ...log.events('nat-local')]) {
    const sa = log.saOf(nat.rec.source, nat.rec.ikeId);
    if (!sa || sa.version !== 1) continue;
    const vid = log
      .events('natt-vid')
      .some((v) => v.rec.source === nat.rec.source && (v.rec.ikeId ?? 0) === (nat.rec.ikeId ?? 0));
    // Only judge once the peer's first answer (where its vendor IDs are) has been seen.
    const answered = log
      .events('msg-in')
      .some(
        (m) =>
          m.rec.source === nat.rec.source && (m.rec.ikeId ?? 0) === (nat.rec.ikeId ?? 0) && m.rec.line < nat.rec.line,
      );
    if (vid || !answered) continue;
    out.push(
      finding(
        'nat-t-disabled-behind-nat',
        'unknown',
        0.6,
        `The ${nat.side} gateway detected NAT between the gateways, but the peer sent no NAT-T vendor ID: NAT traversal seems off on the peer.`,
        evidence([before(log, nat, ['msg-in'], true, 200), nat]),
        {
          decidingCheck:
            "Look for 'received NAT-T (RFC 3947) vendor ID' in the initiator's log and enable NAT-T on the peer.",
        },
      ),
    );
    break;
  }
  return out;
};
