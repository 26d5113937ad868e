/**
 * Rules on Cisco ASA and Palo Alto logs (devices/asa-log.ts, devices/pan-log.ts), in our cause ids.
 * Each states its reason in the device's terms: the ASA's syslog/debug message or main mode
 * exchange, the PAN-OS ikemgr/system-log text. A failure the same log shows resolved later (phase 1
 * or phase 2 completing after it) is history, not the cause.
 */
import type { DiagEvent, EventKind } from '../events.js';
import type { CauseId, Finding } from '../findings.js';
import { evidence, finding, type Rule, type RuleContext } from './common.js';
import { STUCK } from './listing.js';

const NAME = { asa: 'Cisco ASA', pan: 'Palo Alto firewall' } as const;

function who(e: DiagEvent): string {
  const dev = NAME[e.device ?? 'asa'];
  return `The ${e.side === 'unknown' ? dev : `${e.side} gateway (${dev})`}`;
}

const quote = (e: DiagEvent) => `"${e.rec.msg.length > 160 ? `${e.rec.msg.slice(0, 157)}...` : e.rec.msg}"`;
const peerOf = (e: DiagEvent) => (e.to ? ` with ${e.to}` : '');

/** A later phase 1 (or 2) success in the same log: the failure before it was fixed or retried. */
function resolved(ctx: RuleContext, e: DiagEvent, up: EventKind): boolean {
  return ctx.log.events(up).some((u) => u.rec.source === e.rec.source && u.rec.line > e.rec.line);
}

function first(ctx: RuleContext, kind: EventKind, ok: (e: DiagEvent) => boolean = () => true): DiagEvent | undefined {
  return ctx.log.events(kind).find((e) => e.device && ok(e));
}

/** Phase 1 or 2 of a device event: named by the device, else after a phase 1 success in the same log. */
function phase(ctx: RuleContext, e: DiagEvent): 'p1' | 'p2' {
  if (e.exchange === 'p1' || e.exchange === 'p2') return e.exchange;
  const p1Up = ctx.log.events('dev-p1-up').some((u) => u.rec.source === e.rec.source && u.rec.line < e.rec.line);
  return p1Up ? 'p2' : 'p1';
}

export const deviceRule: Rule = (ctx) => {
  const out: Finding[] = [];
  const add = (cause: CauseId, confidence: number, summary: string, ev: (DiagEvent | undefined)[], extra = {}) =>
    out.push(finding(cause, 'both', confidence, summary, evidence(ev), extra));

  const auth = first(ctx, 'dev-auth-failed', (e) => !resolved(ctx, e, 'dev-p1-up'));
  if (auth)
    add(
      'psk-mismatch',
      0.85,
      `${who(auth)} logged ${quote(auth)}${peerOf(auth)}: the peer's authentication (its hash or AUTH payload, computed from the pre-shared key) did not verify, so the pre-shared keys differ.`,
      [auth],
      {
        alternatives: ['id-mismatch'],
        decidingCheck:
          'Re-enter the pre-shared key on both ends (ASA: `tunnel-group <peer> ipsec-attributes`, `ikev1|ikev2 ... pre-shared-key`; PAN-OS: Network > Network Profiles > IKE Gateways > General > Pre-shared Key).',
      },
    );

  const id = first(ctx, 'dev-id-mismatch', (e) => !resolved(ctx, e, 'dev-p1-up'));
  if (id)
    add(
      'id-mismatch',
      0.85,
      `${who(id)} logged ${quote(id)}${peerOf(id)}: the identity the peer sent is not the one configured for it, so authentication fails whatever the key.`,
      [id],
      {
        alternatives: ['psk-mismatch'],
        decidingCheck:
          "Set the peer identification in the IKE gateway (PAN-OS: IKE Gateways > General > Peer Identification; ASA: `crypto isakmp identity` / the tunnel-group's peer-id-validate) to what the peer sends, or make the peer send its configured ID; behind NAT a peer sends its private address unless told otherwise.",
      },
    );

  const dh = first(ctx, 'dev-dh-mismatch', (e) => !resolved(ctx, e, 'dev-p1-up'));
  if (dh)
    add(
      'dh-group-mismatch',
      0.9,
      `${who(dh)} logged ${quote(dh)}: the phase 1 Diffie-Hellman groups of the two ends differ.`,
      [dh],
    );

  const proposals = [
    ...ctx.log.events('dev-proposal'),
    ...ctx.log.events('dev-notify').filter((n) => n.notify === 'NO_PROPOSAL_CHOSEN'),
  ]
    .filter((e) => e.device)
    .sort((a, b) => a.rec.line - b.rec.line);
  for (const p of proposals) {
    const ph = phase(ctx, p);
    if (resolved(ctx, p, ph === 'p1' ? 'dev-p1-up' : 'dev-p2-up')) continue;
    const named = p.kind === 'dev-proposal';
    if (ph === 'p1') {
      if (out.some((f) => f.cause === 'ike-proposal-mismatch' || f.cause === 'dh-group-mismatch')) continue;
      add(
        'ike-proposal-mismatch',
        named ? 0.85 : 0.7,
        `${who(p)} logged ${quote(p)}${peerOf(p)}: no phase 1 (IKE) proposal is common to both ends${p.value2 ? ` (${p.value}: ${p.value2})` : ''}.`,
        [p],
        named ? {} : { alternatives: ['dh-group-mismatch', 'ike-version-mismatch'] },
      );
    } else {
      if (out.some((f) => f.cause === 'esp-proposal-mismatch' || f.cause === 'pfs-mismatch')) continue;
      const pfs = /Group Description|DH|PFS/i.test(p.value ?? '');
      add(
        pfs ? 'pfs-mismatch' : 'esp-proposal-mismatch',
        named ? 0.85 : 0.7,
        `${who(p)} logged ${quote(p)}${peerOf(p)} after phase 1 was up: no phase 2 (IPsec) proposal is common to both ends${pfs ? ' (only one side uses PFS, or their PFS groups differ)' : ' (transform sets / IPsec crypto profiles differ)'}.`,
        [first(ctx, 'dev-p1-up', (u) => u.rec.source === p.rec.source && u.rec.line < p.rec.line), p],
        named ? {} : { alternatives: ['pfs-mismatch'] },
      );
    }
  }

  const proxy = first(
    ctx,
    'dev-proxy-mismatch',
    (e) => !resolved(ctx, e, 'dev-p2-up') || /decapsulated/.test(e.rec.msg),
  );
  if (proxy)
    add(
      'ts-mismatch',
      0.9,
      `${who(proxy)} logged ${quote(proxy)}: the traffic each side wants in the tunnel (ASA crypto ACL, PAN-OS proxy IDs, strongSwan traffic selectors) is not mirrored on the other side.`,
      [proxy],
      {
        decidingCheck:
          "Compare the crypto ACL's source/destination on the ASA with the peer's (mirrored), or PAN-OS proxy IDs (local/remote) with the peer's selectors.",
      },
    );

  const noPeer = first(ctx, 'dev-no-peer-config');
  if (noPeer)
    add(
      'peer-address-mismatch',
      0.75,
      `${who(noPeer)} logged ${quote(noPeer)}: it has no IKE gateway for the address the request came from, so the peer's address in its configuration (or the peer's source address, after NAT) is wrong.`,
      [noPeer],
      {
        alternatives: ['id-mismatch'],
        decidingCheck:
          "The IKE Gateway's Peer Address against the address the requests come from (after any NAT); with a dynamic peer, its peer identification.",
      },
    );

  const dpd =
    first(ctx, 'dev-dpd-dead', (e) => !resolved(ctx, e, 'dev-p1-up')) ??
    first(ctx, 'dev-p1-down', (e) => /DPD|keepalive|lost service|peer lost|dead/i.test(e.value ?? ''));
  if (dpd)
    add(
      'dpd-peer-dead',
      dpd.kind === 'dev-dpd-dead' ? 0.85 : 0.7,
      `${who(dpd)} logged ${quote(dpd)}: dead peer detection (keepalives) got no answer, so it declared the peer dead and deleted the tunnel.`,
      [dpd],
      { alternatives: ['packet-loss'] },
    );
  const mapGone = first(ctx, 'dev-p1-down', (e) => /crypto map policy not found/i.test(e.value ?? ''));
  if (mapGone && !proxy)
    add(
      'ts-mismatch',
      0.8,
      `${who(mapGone)} tore the session down (${quote(mapGone)}): the peer's proxy identities match no crypto map entry here.`,
      [mapGone],
    );

  const timeout = first(
    ctx,
    'dev-timeout',
    (e) => !resolved(ctx, e, phase(ctx, e) === 'p1' ? 'dev-p1-up' : 'dev-p2-up'),
  );
  if (timeout && phase(ctx, timeout) === 'p1')
    add(
      'peer-unreachable',
      0.75,
      `${who(timeout)} logged ${quote(timeout)}: its phase 1 requests${peerOf(timeout)} were never answered, so the peer is down, unreachable, not configured for this gateway, or UDP 500 is blocked on the way.`,
      [
        ...ctx.log
          .events('dev-retransmit')
          .filter((r) => r.rec.source === timeout.rec.source)
          .slice(0, 2),
        timeout,
      ],
      {
        alternatives: ['ike-port-blocked', 'peer-address-mismatch'],
        decidingCheck:
          "Ping the peer's public address and capture UDP 500 on the far side: nothing arriving means routing or a firewall; arriving but unanswered means the peer has no gateway/tunnel-group for this address.",
      },
    );
  else if (timeout)
    add(
      'ts-mismatch',
      0.5,
      `${who(timeout)} logged ${quote(timeout)}: phase 1 was up but the peer never answered the phase 2 request, as a peer does that drops proposed proxy IDs or transforms it has no match for.`,
      [timeout],
      {
        alternatives: ['esp-proposal-mismatch', 'pfs-mismatch'],
        decidingCheck:
          "The peer's log for this phase 2 request: 'no matching crypto map' / INVALID_ID_INFORMATION means the proxy IDs, NO_PROPOSAL_CHOSEN the transforms.",
      },
    );

  out.push(...mainModeStuck(ctx));

  const fsm = first(ctx, 'dev-p2-failed', (e) => !resolved(ctx, e, 'dev-p2-up'));
  if (fsm && !out.length)
    add(
      'esp-proposal-mismatch',
      0.45,
      `${who(fsm)} logged ${quote(fsm)}: its phase 2 (quick mode) negotiation failed without a named reason.`,
      [fsm],
      {
        alternatives: ['ts-mismatch', 'pfs-mismatch'],
        decidingCheck:
          "The lines before it, or `debug crypto ikev1 127`: 'All IPSec SA proposals found unacceptable' means the transform sets, 'no matching crypto map' the crypto ACL.",
      },
    );

  const p1 = first(ctx, 'dev-p1-up');
  const p2 = first(ctx, 'dev-p2-up');
  if (p1 || p2)
    out.push(
      finding(
        'healthy',
        'both',
        p1 && p2 ? 0.8 : 0.6,
        `${who((p1 ?? p2)!)} logged ${p1 ? 'phase 1' : ''}${p1 && p2 ? ' and ' : ''}${p2 ? 'phase 2' : ''} completing${p1 && !p2 ? ' (no phase 2 in this log)' : ''}; nothing in it shows a fault.`,
        evidence([p1, p2]),
      ),
    );
  return out;
};

/** Main mode message number of an ASA IKE_DECODE line: SA = 1/2, KE+NONCE = 3/4, ID+HASH = 5/6. */
function mmPair(e: DiagEvent): 1 | 3 | 5 | undefined {
  const p = e.payloads ?? [];
  if (p.includes('SA') && !p.includes('HASH')) return 1;
  if (p.includes('KE') && p.includes('NONCE')) return 3;
  if (p.includes('ID') || p.includes('HASH')) return 5;
  return undefined;
}

/**
 * `debug crypto ikev1` on an ASA: the main mode messages sent and received say which one never came
 * (the state `show crypto isakmp sa` would show), read by role with the same table as a listing.
 */
function mainModeStuck(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const bySource = new Map<string, DiagEvent[]>();
  for (const e of ctx.log.events('dev-isakmp-msg'))
    if (e.mid === 0) bySource.set(e.rec.source, [...(bySource.get(e.rec.source) ?? []), e]);
  for (const [source, msgs] of bySource) {
    if (ctx.log.events('dev-p1-up').some((u) => u.rec.source === source)) continue;
    const initiator =
      ctx.log.events('dev-initiate').some((i) => i.rec.source === source) || msgs[0].value !== 'RECEIVED';
    const sent = msgs.filter((m) => m.value !== 'RECEIVED');
    const last = sent[sent.length - 1];
    const pair = last && mmPair(last);
    if (!last || !pair) continue;
    // The message this side waits for: the answer to its last one (initiator) or the next request (responder).
    const waiting = initiator ? pair + 1 : pair + 2;
    const state = `MM_WAIT_MSG${waiting}`;
    const stuck = STUCK[`${initiator ? 'initiator' : 'responder'} ${state}`];
    const resends = sent.filter((m) => m.value === 'RESENDING' && mmPair(m) === pair);
    const gaveUp = ctx.log.events('dev-notify').find((n) => n.rec.source === source && n.value === 'INVALID_COOKIE');
    if (!stuck || (!resends.length && !gaveUp)) continue;
    out.push(
      finding(
        stuck.cause,
        'both',
        stuck.confidence - (resends.length ? 0 : 0.1),
        `${who(last)} is the ${initiator ? 'initiator' : 'responder'} of main mode${peerOf(last)} and ${resends.length ? `resent message ${pair + (initiator ? 0 : 1)} ${resends.length} time(s)` : 'got no answer'} (its SA would show ${state}): ${stuck.reason}.`,
        evidence([sent.find((m) => mmPair(m) === pair), ...resends.slice(0, 2), gaveUp]),
        { alternatives: stuck.alternatives, decidingCheck: stuck.check },
      ),
    );
  }
  return out;
}
