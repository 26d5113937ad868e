// A healthy lab nobody sends traffic through must not raise an alarm; the same flat counters are
// a symptom once the lab's generator offered traffic (e.g. the encryption domain misses the host).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { LiveDiagnosis } from '../../lab/diagnosis/live.js';
import { parseSasText } from '../../lab/diagnosis/sas-text.js';
import { FIXTURES } from './helpers.js';

/** The healthy recording, then two identical (idle) SA listings of each side. */
async function idleLab(trafficOffered: boolean | undefined): Promise<LiveDiagnosis> {
  const live = new LiveDiagnosis();
  live.trafficOffered = trafficOffered;
  for (const side of ['left', 'right'] as const) {
    const file = path.join(FIXTURES, 'healthy-v2-trixie', `${side}.log`);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((l, i) => live.pushLine(side, `${side}.log`, l, i + 1));
    const sas = readFileSync(path.join(FIXTURES, 'healthy-v2-trixie', `${side}.sas.txt`), 'utf8').split('\n');
    for (let t = 0; t < 3; t++) live.pushSnapshot({ ...(await parseSasText(sas, side, `${side}.sas.txt`)), time: t });
  }
  return live;
}

describe('idle tunnel', () => {
  it('no traffic offered: flat counters are no finding, the verdict is healthy', async () => {
    const r = (await idleLab(false)).result();
    expect(r.findings.map((f) => f.cause)).not.toContain('no-outbound-traffic');
    expect(r.verdict).toBe('healthy');
  });

  it('traffic offered: flat counters are reported as nothing entering the tunnel', async () => {
    const r = (await idleLab(true)).result();
    expect(r.verdict).toBe('no-outbound-traffic');
  });

  it('offline (unknown whether traffic was offered): the hint is still given', async () => {
    expect((await idleLab(undefined)).result().findings.map((f) => f.cause)).toContain('no-outbound-traffic');
  });
});
