/**
 * Rules for negotiations that got an answer: the responder logs the reason, the initiator mostly
 * only the notify it got back. A responder-side reason outranks the initiator's notify; with the
 * initiator's log alone the finding is weaker and names what it cannot rule out.
 */
import { SETUP_EXCHANGES } from '../events.js';
import type { Finding } from '../findings.js';
import { before, evidence, finding, fromPeer, type Rule } from './common.js';

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
