import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { Correlator } from '../../lab/diagnosis/correlate.js';
import { diagnose } from '../../lab/diagnosis/diagnose.js';
import { FIXTURES } from './helpers.js';

/**
 * A log is a story, not a snapshot: a setup failure the tunnel later got past is history, while a
 * tunnel that died and came back is the story itself. Built from real recordings of the full lab,
 * one case's log followed by another's, as one long log of the same two gateways.
 */
const lines = (name: string, side: 'left' | 'right') =>
  readFileSync(path.join(FIXTURES, 'lab', name, `${side}.log`), 'utf8')
    .split('\n')
    .filter(Boolean);

async function story(...cases: string[]) {
  return diagnose({
    logs: (['left', 'right'] as const).map((side) => ({
      source: side,
      side,
      lines: cases.flatMap((c) => lines(c, side)),
    })),
  });
}

describe('the diagnosis reads a log as a story', () => {
  it('a PSK mismatch that was fixed later in the log is history: healthy', async () => {
    expect((await story('psk-mismatch-v2')).verdict).toBe('psk-mismatch');
    const r = await story('psk-mismatch-v2', 'healthy-v2-trixie');
    expect(r.verdict).toBe('healthy');
    expect(r.findings.map((f) => f.cause)).not.toContain('psk-mismatch');
  });

  it('a healthy tunnel that then fails is the failure', async () => {
    const r = await story('healthy-v2-trixie', 'psk-mismatch-v2');
    expect(r.verdict).toBe('psk-mismatch');
    // The evidence is the failure's, not the earlier healthy negotiation.
    const healthyLines = lines('healthy-v2-trixie', 'right').length;
    const right = r.findings[0].evidence.filter((e) => e.source === 'right');
    expect(right.length).toBeGreaterThan(0);
    for (const e of right) expect(e.line).toBeGreaterThan(healthyLines);
  });

  it('phase 2 failures are history once a CHILD_SA comes up, phase 1 ones only once an IKE_SA does', async () => {
    expect((await story('ts-mismatch-v2', 'healthy-v2-trixie')).verdict).toBe('healthy');
    expect((await story('esp-proposal-mismatch-v2', 'healthy-v2-trixie')).verdict).toBe('healthy');
    expect((await story('ike-proposal-mismatch-v2', 'healthy-v2-trixie')).verdict).toBe('healthy');
  });

  it('a peer DPD declared dead stays the story even when the tunnel came back later', async () => {
    const r = await story('dpd-peer-dead-v2', 'healthy-v2-trixie');
    expect(r.verdict).toBe('dpd-peer-dead');
  });
});

describe('a long log does not grow the diagnosis without bound', () => {
  it('forgets the oldest finished IKE_SAs but keeps the silent ones and the loss count', async () => {
    const { LiveDiagnosis } = await import('../../lab/diagnosis/live.js');
    const live = new LiveDiagnosis();
    // 3000 IKE_SAs, each set up and answered once, then one that is never answered.
    let n = 0;
    const push = (msg: string, id: number) =>
      live.pushLine('left', 'left', `Nov 22 10:00:00.000 01[IKE1] <lab|${id}> ${msg}`, ++n);
    for (let id = 1; id <= 3000; id++) {
      push('generating IKE_SA_INIT request 0 [ SA KE No ]', id);
      push('retransmit 1 of request with message ID 0', id);
      push('parsed IKE_SA_INIT response 0 [ SA KE No ]', id);
    }
    push(`initiating IKE_SA lab[9999] to 203.0.113.10`, 9999);
    push('generating IKE_SA_INIT request 0 [ SA KE No ]', 9999);
    for (let i = 1; i <= 3; i++) push(`retransmit ${i} of request with message ID 0`, 9999);
    const log = (live as unknown as { log: Correlator }).log;
    expect(log.sas.size).toBeLessThanOrEqual(1000);
    expect(log.recoveredCount).toBe(3000);
    const causes = live.findings().map((f) => f.cause);
    expect(causes).toContain('packet-loss');
    expect(causes.some((c) => c === 'peer-unreachable' || c === 'ike-port-blocked')).toBe(true);
    expect(live.findings().find((f) => f.cause === 'packet-loss')!.summary).toMatch(/^3000 IKE request/);
  });
});

describe('a closed tunnel nobody brings back', () => {
  it('is no-initiator, not peer-closed, when the config says neither side initiates', async () => {
    // The recorded no-initiator case, as when gw-right's own terminate lost the race with gw-left's
    // DELETE: its terminate lines (2-12) removed, and the SA goes ESTABLISHED => DELETING on receipt,
    // as a receiving charon logs it (see peer-down-v2's left.log).
    const right = lines('no-initiator-v2', 'right')
      .slice(12)
      .map((l) => l.replace('state change: DELETING => DELETING', 'state change: ESTABLISHED => DELETING'));
    expect(right[4]).toMatch(/received DELETE for IKE_SA lab\[14\]/);
    expect(right.some((l) => /ESTABLISHED => DELETING/.test(l))).toBe(true);
    const r = await diagnose({
      logs: [
        { source: 'left', side: 'left', lines: lines('no-initiator-v2', 'left') },
        { source: 'right', side: 'right', lines: right },
      ],
    });
    expect(r.verdict).toBe('no-initiator');
    expect(r.findings.map((f) => f.cause)).not.toContain('peer-closed');
    // Without the config evidence (no load-conn dump) the same DELETE is a closed tunnel.
    const bare = await diagnose({
      logs: [
        {
          source: 'left',
          side: 'left',
          lines: lines('no-initiator-v2', 'left').filter((l) => !/start_action/.test(l)),
        },
        { source: 'right', side: 'right', lines: right },
      ],
    });
    expect(bare.verdict).toBe('peer-closed');
  });
});
