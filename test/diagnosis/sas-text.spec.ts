import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseSasText } from '../../lab/diagnosis/sas-text.js';
import { FIXTURES } from './helpers.js';

describe('swanctl --list-sas text', () => {
  it('reads states, counters, SPIs and selectors with line numbers', async () => {
    const text = readFileSync(path.join(FIXTURES, 'healthy-v2-trixie', 'left.sas.txt'), 'utf8').split('\n');
    const snap = await parseSasText(text, 'left', 'healthy-v2-trixie/left.sas.txt');
    expect(snap.ikeSas).toHaveLength(1);
    const ike = snap.ikeSas[0];
    expect(ike).toMatchObject({ name: 'lab', state: 'ESTABLISHED', version: 2 });
    const child = ike.children[0];
    expect(child).toMatchObject({
      name: 'net',
      state: 'INSTALLED',
      udpEncap: true,
      packetsIn: 5,
      packetsOut: 5,
      localTs: ['10.1.0.0/24'],
      remoteTs: ['10.2.0.0/24'],
    });
    expect(text[child.lines!.in!.line - 1]).toBe(child.lines!.in!.text);
  });

  it('reads a connecting IKE_SA without children', async () => {
    const text = readFileSync(path.join(FIXTURES, 'peer-unreachable-v2-trixie', 'left.sas.txt'), 'utf8').split('\n');
    const snap = await parseSasText(text, 'left', 'x');
    expect(snap.ikeSas[0]?.state).toBe('CONNECTING');
    expect(snap.ikeSas[0]?.children).toEqual([]);
  });
});
