import { describe, expect, it } from 'vitest';

import { parseCharonLine } from '../../lab/streams/log-record.js';
import { LogBuffer } from '../../renderer/src/state/log-buffer.js';
import { type LayoutRows, RowLayout } from '../../renderer/src/state/row-layout.js';

function rows(lengths: number[], rebuilds = 0, removedFront = 0): LayoutRows {
  return { length: lengths.length, textLength: (i) => lengths[i], rebuilds, removedFront };
}

describe('wrapped log rows', () => {
  it('takes as many lines as the text needs in the columns, continuation lines indented', () => {
    const l = new RowLayout(18, 32);
    l.sync(rows([40, 100, 132, 133, 300]), 100, true);
    // 100 columns: the first line holds 100 characters, each further line 68 (100 - 32).
    expect([0, 1, 2, 3, 4].map((i) => l.height(i) / 18)).toEqual([1, 1, 2, 2, 4]);
    expect(l.total()).toBe(10 * 18);
    expect(l.top(3)).toBe(4 * 18);
    expect(l.indexAt(0)).toBe(0);
    expect(l.indexAt(4 * 18 - 1)).toBe(2);
    expect(l.indexAt(4 * 18)).toBe(3);
    expect(l.indexAt(10_000)).toBe(4);
  });

  it('is one line a row without wrapping, and lays out again for another width', () => {
    const l = new RowLayout(18, 32);
    expect(l.sync(rows([40, 300]), 100, false)).toBe(false);
    // The same rows in another width: a reflow (a paused view keeps its top row).
    expect(l.sync(rows([40, 300]), 90, false)).toBe(true);
    expect(l.sync(rows([40, 300, 20]), 90, false)).toBe(false);
    l.sync(rows([40, 300]), 100, false);
    expect(l.total()).toBe(2 * 18);
    l.sync(rows([40, 300]), 50, true);
    // 50 columns: the first line holds 50 characters, each further line 18 (50 - 32).
    expect(l.height(1) / 18).toBe(1 + Math.ceil(250 / 18));
  });

  it('adds appended rows at the end and shifts up when rows leave from the front', () => {
    const l = new RowLayout(18, 32);
    l.sync(rows([200, 10, 10]), 100, true);
    expect(l.total()).toBe((3 + 1 + 1) * 18);
    l.sync(rows([200, 10, 10, 10]), 100, true);
    expect(l.length).toBe(4);
    // The first row (3 lines) left: everything moves up by its height, which a paused view scrolls back.
    l.sync(rows([10, 10, 10], 0, 1), 100, true);
    expect(l.length).toBe(3);
    expect(l.top(0)).toBe(0);
    expect(l.takeShift()).toBe(3 * 18);
    expect(l.takeShift()).toBe(0);
    l.sync(rows([10], 1), 100, true);
    expect(l.length).toBe(1);
  });
});

describe('the log buffer', () => {
  it('does not hold a line twice when a batch overlaps a fresh snapshot', () => {
    const buf = new LogBuffer(1000, () => () => {});
    const rec = (seq: number) => parseCharonLine(`Nov 22 11:04:34.576 11[IKE1] <lab|1> line ${seq}`, 'left', seq);
    buf.reset({ left: [rec(1), rec(2), rec(3)], right: [] });
    buf.append([rec(2), rec(3), rec(4)]);
    expect(buf.lines.left.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });
});
