/**
 * The ASA and Palo Alto views of every cause, as a vendor engineer reads them: both exist, they
 * speak the IKE version in play (an IKEv2 finding never leads with IKEv1 main-mode states and the
 * other way round), the IKEv1 states are the ones of the role (an initiator waits for an even
 * message, a responder for an odd one), the ASA pre-shared key is set in 8.4+ syntax, and the PAN
 * key lives on the IKE Gateway's General tab.
 */
import { describe, expect, it } from 'vitest';

import type { CauseId } from '../../lab/diagnosis/findings.js';
import { asaView, KNOWLEDGE, panView, vendorViews } from '../../lab/diagnosis/knowledge.js';
import { ASA } from '../../lab/diagnosis/vendors/asa.js';
import type { IkeInPlay } from '../../lab/diagnosis/vendors/types.js';
import { checkRoleStates, IKEV1_ONLY_ASA, IKEV1_ONLY_PAN, IKEV2_ONLY_ASA, IKEV2_ONLY_PAN } from './knowledge-terms.js';

const CAUSES = Object.keys(KNOWLEDGE) as CauseId[];
/** The one cause whose views must speak of both versions: the peers use different ones. */
const BOTH_VERSIONS: ReadonlySet<CauseId> = new Set<CauseId>(['ike-version-mismatch']);

const V1: IkeInPlay = { version: 1, initiator: 'gw-left', responder: 'gw-right' };
const V2: IkeInPlay = { version: 2, initiator: 'gw-right', responder: 'gw-left' };

describe('vendor views: one per cause, both vendors', () => {
  it('covers every cause id, healthy included', () => {
    expect(CAUSES).toContain('healthy');
    expect(CAUSES).toContain('dpd-peer-dead');
    expect(CAUSES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CAUSES)('%s: an ASA and a Palo Alto view for IKEv1, IKEv2 and an unknown version', (cause) => {
    for (const inPlay of [V1, V2, {}]) {
      const v = vendorViews(cause, inPlay);
      for (const text of [v.asa, v.paloAlto]) {
        expect(text.split('\n').length, `${cause} ${JSON.stringify(inPlay)}`).toBeGreaterThanOrEqual(3);
        expect(text).not.toMatch(/undefined|\[object/);
        // Backticks mark commands and log lines; an odd count would run code into prose.
        expect((text.match(/`/g) ?? []).length % 2, text).toBe(0);
      }
      expect(v.asa).toMatch(/^(Check|Fix)/m);
      expect(v.paloAlto).toMatch(/^Fix/m);
      // Every PAN note points at the system log, the IKE SA and ikemgr.log.
      expect(v.paloAlto).toMatch(/system log \(Monitor > Logs > System, subtype vpn\)/);
      expect(v.paloAlto).toContain('`show vpn ike-sa');
      expect(v.paloAlto).toContain('`less mp-log ikemgr.log`');
    }
  });
});

describe('vendor views speak the IKE version in play', () => {
  it.each(CAUSES)('%s: IKEv2 leads with `show crypto ikev2 sa`, IKEv1 with `show crypto ikev1 sa`', (cause) => {
    expect(asaView(cause, V2).split('\n')[0]).toMatch(/^IKEv2, `show crypto ikev2 sa`: /);
    expect(asaView(cause, V1).split('\n')[0]).toMatch(/^IKEv1, `show crypto ikev1 sa`: /);
    expect(panView(cause, V2).split('\n')[0]).toMatch(/^IKEv2 system log/);
    expect(panView(cause, V1).split('\n')[0]).toMatch(/^IKEv1 system log/);
  });

  it.each(CAUSES.filter((c) => !BOTH_VERSIONS.has(c)))('%s: no state, log or command of the other version', (cause) => {
    const asa2 = asaView(cause, V2);
    const asa1 = asaView(cause, V1);
    const pan2 = panView(cause, V2);
    const pan1 = panView(cause, V1);
    for (const re of IKEV1_ONLY_ASA) expect(asa2, `${cause} IKEv2 ASA view: ${re}`).not.toMatch(re);
    for (const re of IKEV2_ONLY_ASA) expect(asa1, `${cause} IKEv1 ASA view: ${re}`).not.toMatch(re);
    for (const re of IKEV1_ONLY_PAN) expect(pan2, `${cause} IKEv2 PAN view: ${re}`).not.toMatch(re);
    for (const re of IKEV2_ONLY_PAN) expect(pan1, `${cause} IKEv1 PAN view: ${re}`).not.toMatch(re);
    // The term lists are live: each view does use its own version's terms.
    expect(IKEV1_ONLY_ASA.some((re) => re.test(asa1))).toBe(true);
    expect(IKEV2_ONLY_ASA.some((re) => re.test(asa2))).toBe(true);
  });

  it('the PAN term lists are live: a phase-1 failure reads as IKEv1 or IKEv2 in PAN-OS words', () => {
    expect(IKEV1_ONLY_PAN.every((re) => !re.test(panView('psk-mismatch', V2)))).toBe(true);
    expect(panView('psk-mismatch', V1)).toMatch(IKEV1_ONLY_PAN[0]);
    expect(panView('psk-mismatch', V2)).toMatch(IKEV2_ONLY_PAN[0]);
    expect(panView('dpd-peer-dead', V2)).toMatch(/Liveness Check/);
    expect(panView('dpd-peer-dead', V1)).toMatch(/IKEv1 > Dead Peer Detection/);
  });

  it('a finding whose version is unknown gets both, IKEv2 first', () => {
    const asa = asaView('psk-mismatch').split('\n');
    expect(asa[0]).toMatch(/^IKEv2, `show crypto ikev2 sa`/);
    expect(asa.some((l) => l.startsWith('IKEv1, `show crypto ikev1 sa`'))).toBe(true);
    const pan = panView('psk-mismatch').split('\n');
    expect(pan[0]).toMatch(/^IKEv2 system log/);
    expect(pan.some((l) => l.startsWith('IKEv1 system log'))).toBe(true);
  });

  it('names which lab gateway stands in which role when the evidence says', () => {
    expect(asaView('psk-mismatch', V1)).toMatch(/As initiator \(gw-left's place here\): `MM_WAIT_MSG6`/);
    expect(asaView('psk-mismatch', V1)).toMatch(/As responder \(gw-right's place here\): `MM_WAIT_MSG5`/);
    expect(panView('psk-mismatch', V2)).toMatch(
      /as initiator \(gw-right's place here\): `IKEv2 IKE SA negotiation is failed as initiator/,
    );
  });
});

describe('IKEv1 main-mode states are the ones of the role', () => {
  const EVEN = new Set(['MM_WAIT_MSG2', 'MM_WAIT_MSG4', 'MM_WAIT_MSG6', 'MM_ACTIVE', 'none']);
  const ODD = new Set(['MM_WAIT_MSG3', 'MM_WAIT_MSG5', 'MM_ACTIVE', 'none']);

  it.each(CAUSES)('%s: table and text', (cause) => {
    // The table: an initiator sent MM1/3/5 and waits for 2/4/6; a responder sent MM2/4 and waits for 3/5.
    expect(EVEN.has(ASA[cause].v1.initiator.state), ASA[cause].v1.initiator.state).toBe(true);
    expect(ODD.has(ASA[cause].v1.responder.state), ASA[cause].v1.responder.state).toBe(true);
    // The text, with and without the roles known.
    for (const inPlay of [V1, { version: 1 } as IkeInPlay, {}]) checkRoleStates(asaView(cause, inPlay));
  });

  it('the published ASA cases: silent peer MSG2 on the initiator, key mismatch MSG6 / MSG5', () => {
    expect(asaView('peer-unreachable', V1)).toMatch(/As initiator[^:]*: `MM_WAIT_MSG2`/);
    expect(asaView('psk-mismatch', V1)).toMatch(/As initiator[^:]*: `MM_WAIT_MSG6`/);
    expect(asaView('psk-mismatch', V1)).toMatch(/As responder[^:]*: `MM_WAIT_MSG5`/);
    // The check itself fails on the catalogue's old claim (an initiator in MSG5).
    expect(() => checkRoleStates('As initiator: `MM_WAIT_MSG5`, waiting.')).toThrow();
  });
});

describe('pre-shared key', () => {
  it('the ASA fix uses the 8.4+ keywords, never the pre-8.4 `pre-shared-key` under ipsec-attributes', () => {
    const v1 = asaView('psk-mismatch', V1);
    const v2 = asaView('psk-mismatch', V2);
    expect(v1).toContain('`ikev1 pre-shared-key <key>`');
    expect(v2).toContain('`ikev2 remote-authentication pre-shared-key <key>`');
    expect(v2).toContain('`ikev2 local-authentication pre-shared-key <key>`');
    for (const cause of CAUSES)
      for (const text of [asaView(cause, V1), asaView(cause, V2), asaView(cause)])
        for (const m of text.matchAll(/pre-shared-key/g)) {
          const before = text.slice(Math.max(0, m.index - 30), m.index);
          expect(before, `${cause}: ...${before}pre-shared-key`).toMatch(/(ikev1 |-authentication )$/);
        }
  });

  it('the PAN fix is on the IKE Gateway General tab (there is no Authentication tab)', () => {
    for (const inPlay of [V1, V2, {}]) {
      const pan = panView('psk-mismatch', inPlay);
      expect(pan).toContain('Network > Network Profiles > IKE Gateways > <gateway> > General');
      expect(pan).toMatch(/Authentication = Pre-Shared Key/);
      expect(pan).toMatch(/Pre-shared Key and Confirm Pre-shared Key/);
      expect(pan).not.toMatch(/Authentication tab/i);
    }
  });
});
