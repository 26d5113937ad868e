import { describe, expect, it } from 'vitest';

import { diagnoseFixture, expectEvidenceVerbatim, fixtureNames, isFault, meta } from './helpers.js';

// One test per recorded fixture: both sides' logs and SA listings, as the lab records them.
describe('recorded fixtures: verdict and verbatim evidence', () => {
  for (const name of fixtureNames()) {
    it(`${name} -> ${meta(name).expect}`, async () => {
      const m = meta(name);
      const r = await diagnoseFixture(name);
      expect(r.verdict).toBe(m.expect);
      expect(r.stats.unparsed).toBe(0);
      expectEvidenceVerbatim(r);
      const top = r.findings[0];
      expect(top.fix.length + (top.cause === 'healthy' ? 1 : 0)).toBeGreaterThan(0);
      if (m.expect === 'healthy') {
        // False alarms are defects: a healthy tunnel gives no fault finding at all.
        expect(r.findings.filter((f) => isFault(f.cause)).map((f) => f.cause)).toEqual([]);
      }
    });
  }
});

describe('one side only', () => {
  it('initiator-only PSK mismatch is a weaker finding naming the alternative and the deciding check', async () => {
    const r = await diagnoseFixture('psk-mismatch-v2-trixie', { sides: ['left'] });
    expect(r.verdict).toBe('psk-mismatch');
    expect(r.findings[0].confidence).toBeLessThan(0.9);
    expect(r.findings[0].alternatives).toContain('id-mismatch');
    expect(r.findings[0].decidingCheck).toMatch(/MAC mismatched/);
    expectEvidenceVerbatim(r);
  });

  it('responder-only logs carry the reason', async () => {
    for (const [name, cause] of [
      ['ike-proposal-mismatch-v2-bookworm', 'ike-proposal-mismatch'],
      ['id-mismatch-v2-trixie', 'id-mismatch'],
      ['ts-mismatch-v2-trixie', 'ts-mismatch'],
      ['esp-proposal-mismatch-v1-bookworm', 'esp-proposal-mismatch'],
    ]) {
      const r = await diagnoseFixture(name, { sides: ['right'] });
      expect(r.verdict, name).toBe(cause);
      expectEvidenceVerbatim(r);
    }
  });

  it('initiator-only NO_PROPOSAL_CHOSEN ranks proposal, version and address causes', async () => {
    const r = await diagnoseFixture('ike-proposal-mismatch-v2-trixie', { sides: ['left'] });
    expect(r.verdict).toBe('ike-proposal-mismatch');
    expect(r.findings[0].alternatives).toEqual(
      expect.arrayContaining(['ike-version-mismatch', 'peer-address-mismatch']),
    );
  });

  it('silent peer with the initiator log only: unreachable and UDP 500 blocked are both ranked, with a deciding check', async () => {
    for (const name of ['peer-unreachable-v2-trixie', 'ike-port-blocked-v2-trixie']) {
      const r = await diagnoseFixture(name, { sides: ['left'] });
      const causes = r.findings.map((f) => f.cause);
      expect(causes.slice(0, 2).sort(), name).toEqual(['ike-port-blocked', 'peer-unreachable']);
      expect(r.findings[0].decidingCheck).toMatch(/tcpdump/);
      expectEvidenceVerbatim(r);
    }
  });

  it('UDP 500 blocked: the peer log showing charon up but no packet makes ike-port-blocked the verdict', async () => {
    const r = await diagnoseFixture('ike-port-blocked-v2-trixie');
    expect(r.verdict).toBe('ike-port-blocked');
    expect(r.findings.map((f) => f.cause)).toContain('peer-unreachable');
  });

  it("version vs address: the responder's own config dump decides", async () => {
    const v = await diagnoseFixture('ike-version-mismatch-trixie', { sides: ['right'] });
    expect(v.verdict).toBe('ike-version-mismatch');
    const a = await diagnoseFixture('peer-address-mismatch-v2-trixie', { sides: ['right'] });
    expect(a.verdict).toBe('peer-address-mismatch');
    expect(a.findings[0].side).toBe('right');
  });
});

describe('vendor equivalents and fixes', () => {
  it('PSK mismatch in IKEv1 mentions MM_WAIT_MSG5 for an ASA', async () => {
    const r = await diagnoseFixture('psk-mismatch-v1-bookworm');
    expect(r.findings[0].vendor.asa).toMatch(/MM_WAIT_MSG5/);
    expect(r.findings[0].vendor.paloAlto).toBeTruthy();
  });
  it('silent IKEv2 peer: the ASA note gives the IKEv2 state, not an IKEv1 MM_ state', async () => {
    const r = await diagnoseFixture('peer-unreachable-v2-trixie');
    expect(r.findings[0].vendor.asa).toMatch(/^IKEv2, `show crypto ikev2 sa`: As initiator[^:]*: `IN-NEG`/);
    expect(r.findings[0].vendor.asa).not.toMatch(/MM_WAIT/);
  });
});
