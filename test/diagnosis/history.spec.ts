import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../lab/diagnosis/diagnose.js';
import { FIXTURES } from './helpers.js';

/**
 * A log is a story, not a snapshot: a setup failure the tunnel later got past is history, while a
 * tunnel that died and came back is the story itself. Built from real recordings of the full lab,
 * one case's log followed by another's, as one long log of the same two gateways.
 */
const lines = (name: string, side: 'left' | 'right') =>
  readFileSync(path.join(FIXTURES, 'lab', name, `${side}.log`), 'utf8').split('\n').filter(Boolean);

async function story(...cases: string[]) {
  return diagnose({
    logs: (['left', 'right'] as const).map((side) => ({ source: side, side, lines: cases.flatMap((c) => lines(c, side)) })),
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
