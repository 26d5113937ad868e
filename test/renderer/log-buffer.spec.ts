import { describe, expect, it } from 'vitest';

import type { Side } from '../../lab/settings/types.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';
import { FilteredLines, type LineFilter, timeKey } from '../../renderer/src/state/filtered-lines.js';
import { LogBuffer } from '../../renderer/src/state/log-buffer.js';

/** A frame scheduler the test advances by hand. */
function manualFrames() {
  let pending: (() => void)[] = [];
  return {
    schedule: (run: () => void) => {
      pending.push(run);
      return () => (pending = pending.filter((r) => r !== run));
    },
    pending: () => pending.length,
    frame: () => {
      const run = pending;
      pending = [];
      run.forEach((r) => r());
    },
  };
}

const SHOW_ALL: LineFilter = { hiddenGroups: [], maxLevel: 4, text: '', hideVici: false };

let ms = 0;
/** A realistic charon line of one side with a rising timestamp. */
function line(side: Side, seq: number, group = 'IKE', level = 1, message = `line ${seq} of ${side}`) {
  ms += 7;
  const t = `Nov 22 14:${String(Math.floor(ms / 60000) % 60).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  return parseCharonLine(`${t} 11[${group}${level}] <lab|1> ${message}`, side, seq);
}
const lines = (side: Side, from: number, to: number, f?: (seq: number) => Parameters<typeof line>) =>
  Array.from({ length: to - from + 1 }, (_, i) => (f ? line(...f(from + i)) : line(side, from + i)));

describe('log buffer', () => {
  it('tells its listeners once per frame, however many batches arrived', () => {
    const frames = manualFrames();
    const buf = new LogBuffer(1000, frames.schedule);
    let calls = 0;
    buf.subscribe(() => calls++);
    buf.append(lines('left', 1, 10));
    buf.append(lines('right', 1, 10));
    buf.append(lines('left', 11, 20));
    expect(calls).toBe(0);
    expect(frames.pending()).toBe(1);
    frames.frame();
    expect(calls).toBe(1);
    expect(buf.lines.left.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    frames.frame();
    expect(calls).toBe(1);
    buf.append([]);
    expect(frames.pending()).toBe(0);
  });

  it('stays bounded: past max lines a side drops its oldest, and absolute positions stay valid', () => {
    const buf = new LogBuffer(100, manualFrames().schedule);
    for (let seq = 1; seq <= 1000; seq += 25) buf.append(lines('left', seq, seq + 24));
    buf.append(lines('right', 1, 5));
    expect(buf.lines.left.length).toBeLessThanOrEqual(100);
    expect(buf.lines.left.length).toBeGreaterThanOrEqual(90);
    expect(buf.total('left')).toBe(1000);
    expect(buf.lines.left.at(-1)!.seq).toBe(1000);
    // Position p (0-based since the start) is line seq p+1 while kept; dropped ones are gone.
    expect(buf.at('left', 999)!.seq).toBe(1000);
    expect(buf.at('left', buf.dropped.left)!.seq).toBe(buf.dropped.left + 1);
    expect(buf.at('left', buf.dropped.left - 1)).toBeUndefined();
    expect(buf.find('left', 1)).toBeUndefined();
    expect(buf.find('left', 950)!.seq).toBe(950);
    // The other side is bounded on its own.
    expect(buf.lines.right.length).toBe(5);
  });

  it('reset replaces everything (a new lab, a reconnect) and keeps at most max lines', () => {
    const buf = new LogBuffer(50, manualFrames().schedule);
    buf.append(lines('left', 1, 30));
    const generation = buf.generation;
    buf.reset({ left: lines('left', 1, 80), right: [] });
    expect(buf.generation).toBe(generation + 1);
    expect(buf.lines.left.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 31));
    expect(buf.total('left')).toBe(50);
    expect(buf.at('left', 0)!.seq).toBe(31);
  });
});

describe('filtered lines of a view', () => {
  it('filters by group, level, text, /regex/ and VICI polling', () => {
    const buf = new LogBuffer(1000, manualFrames().schedule);
    buf.append([
      line('left', 1, 'IKE', 1, 'initiating IKE_SA lab[1] to 203.0.113.10'),
      line('left', 2, 'CFG', 2, 'selecting proposal:'),
      line('left', 3, 'KNL', 1, 'installing route: 10.2.0.0/24'),
      line('left', 4, 'CFG', 1, 'vici client 7 requests: list-sas'),
      line('left', 5, 'IKE', 1, 'received AUTHENTICATION_FAILED notify error'),
      line('right', 1, 'IKE', 1, 'tried 1 shared key, but MAC mismatched'),
    ]);
    const seqs = (f: Partial<LineFilter>) => {
      const v = new FilteredLines(buf, 'left');
      v.update({ ...SHOW_ALL, ...f });
      return Array.from({ length: v.length }, (_, i) => v.row(i).seq);
    };
    expect(seqs({})).toEqual([1, 2, 3, 4, 5]);
    expect(seqs({ hiddenGroups: ['CFG'] })).toEqual([1, 3, 5]);
    expect(seqs({ maxLevel: 1 })).toEqual([1, 3, 4, 5]);
    expect(seqs({ hideVici: true })).toEqual([1, 2, 3, 5]);
    expect(seqs({ text: 'ike_sa' })).toEqual([1]);
    expect(seqs({ text: '/AUTH.*FAILED|route/' })).toEqual([3, 5]);
    // A broken regex shows nothing rather than throwing.
    expect(seqs({ text: '/(/' })).toEqual([]);
  });

  it('tests only new lines, drops the rows the buffer dropped, and starts over on reset or a new filter', () => {
    const buf = new LogBuffer(100, manualFrames().schedule);
    const view = new FilteredLines(buf, 'left');
    const evenOnly: LineFilter = { ...SHOW_ALL, text: '/line \\d*[02468] of/' };
    buf.append(lines('left', 1, 40));
    expect(view.update(evenOnly)).toBe(true);
    expect(view.length).toBe(20);
    expect(view.update(evenOnly)).toBe(false);
    // Lines of the other side do not concern this view.
    buf.append(lines('right', 1, 10));
    expect(view.update(evenOnly)).toBe(false);
    // Odd lines only: no new row, nothing changed.
    buf.append([line('left', 41)]);
    expect(view.update(evenOnly)).toBe(false);
    buf.append(lines('left', 42, 200));
    expect(view.update(evenOnly)).toBe(true);
    const shown = Array.from({ length: view.length }, (_, i) => view.row(i).seq);
    const kept = buf.lines.left.map((r) => r.seq).filter((s) => s % 2 === 0);
    expect(shown).toEqual(kept);
    // The 20 rows it had left from the front; lines dropped before the view saw them never counted.
    expect(buf.dropped.left).toBeGreaterThan(40);
    expect(view.removedFront).toBe(20);
    expect(view.indexOfSeq(200)).toBe(view.length - 1);
    expect(view.indexOfSeq(201)).toBe(-1);
    // A new filter: everything kept is tested again.
    view.update(SHOW_ALL);
    expect(view.length).toBe(buf.lines.left.length);
    // A reset (new lab): the rows start over.
    buf.reset({ left: lines('left', 1, 3), right: [] });
    expect(view.update(SHOW_ALL)).toBe(true);
    expect(view.length).toBe(3);
  });

  it('finds the row nearest a moment of the other gateway (charon timestamps)', () => {
    const buf = new LogBuffer(1000, manualFrames().schedule);
    buf.append(lines('left', 1, 50));
    const view = new FilteredLines(buf, 'left');
    view.update(SHOW_ALL);
    const target = buf.lines.left[30];
    expect(view.indexNearTime(target.time)).toBe(30);
    expect(timeKey('Nov 22 14:05:56.163') < timeKey('Nov 22 14:05:56.2')).toBe(true);
    expect(timeKey('Dec  1 00:00:00.000') > timeKey('Nov 30 23:59:59.999')).toBe(true);
  });
});
