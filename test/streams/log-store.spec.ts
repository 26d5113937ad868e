import { describe, expect, it } from 'vitest';

import { CounterHistory } from '../../lab/engine/counter-history.js';
import { LineSplitter } from '../../lab/streams/line-splitter.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';
import { LogStore } from '../../lab/streams/log-store.js';

const rec = (side: 'left' | 'right', seq: number) =>
  parseCharonLine(`Nov 22 11:04:34.576 09[IKE2] <lab|1> line ${seq}`, side, seq);

describe('log store', () => {
  it('keeps memory bounded, spills older lines to disk and pages any range back in order', () => {
    const store = new LogStore(1000);
    for (let i = 1; i <= 25_000; i++) store.add(rec(i % 2 ? 'left' : 'right', Math.ceil(i / 2)));
    const c = store.count('left');
    expect(c.total).toBe(12_500);
    expect(c.inMemory).toBeLessThanOrEqual(1000);
    expect(c.spilled).toBeGreaterThan(11_000);
    for (const from of [0, 1, 511, 512, 5000, c.spilled - 3]) {
      const page = store.page('left', from, 10);
      expect(page.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, k) => from + k + 1));
      expect(page[0].message).toBe(`line ${from + 1}`);
    }
    expect(store.tail('right', 3).map((r) => r.seq)).toEqual([12_498, 12_499, 12_500]);
    store.dispose();
    expect(store.count('left').total).toBe(0);
  });
});

describe('line splitting', () => {
  it('keeps UTF-8 characters split across chunk borders intact', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('größe ✓\nnext');
    const out = [
      ...s.push(bytes.subarray(0, 3)),
      ...s.push(bytes.subarray(3, 9)),
      ...s.push(bytes.subarray(9)),
      ...s.flush(),
    ];
    expect(out).toEqual(['größe ✓', 'next']);
  });
});

describe('charon log records', () => {
  it('parse time, thread, group, level and IKE SA', () => {
    expect(
      parseCharonLine('Nov 22 11:04:34.576 09[IKE2] <lab|12> IKE_SA lab[12] established', 'left', 7),
    ).toMatchObject({
      side: 'left',
      seq: 7,
      time: 'Nov 22 11:04:34.576',
      thread: 9,
      group: 'IKE',
      level: 2,
      ikeName: 'lab',
      ikeId: 12,
      message: 'IKE_SA lab[12] established',
    });
    expect(parseCharonLine('lab-init: gw-left links up', 'right', 1)).toMatchObject({
      group: 'LAB',
      level: 0,
      message: 'lab-init: gw-left links up',
    });
  });
});

describe('counter history', () => {
  it('stays bounded and keeps the newest points', () => {
    const h = new CounterHistory(100);
    for (let i = 0; i < 1000; i++)
      h.add({
        side: 'left',
        time: i,
        ikeSas: [
          {
            name: 'lab',
            uniqueId: 1,
            state: 'ESTABLISHED',
            initiator: true,
            natLocal: false,
            natRemote: false,
            natFake: false,
            natAny: false,
            children: [
              { name: 'net', uniqueId: 1, state: 'INSTALLED', encap: true, bytesIn: i, localTs: [], remoteTs: [] },
            ],
          },
        ],
      });
    const pts = h.get('left');
    expect(pts.length).toBeLessThanOrEqual(100);
    expect(pts[pts.length - 1]).toMatchObject({ time: 999, bytesIn: 999 });
  });
});
