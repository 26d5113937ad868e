import { describe, expect, it } from 'vitest';

import { Follower } from '../../lab/api/follow.js';

const lab = (created: string, complete = true) => ({ created, complete });

describe('following the lab that runs under the app’s name', () => {
  it('follows a lab someone else started once all its boxes run, from its first line', () => {
    const f = new Follower();
    expect(f.next(undefined, false)).toEqual({ kind: 'none' });
    expect(f.next(lab('t1', false), false)).toEqual({ kind: 'none' });
    expect(f.next(lab('t1'), false)).toEqual({ kind: 'follow', forget: true });
    expect(f.next(lab('t1'), true)).toEqual({ kind: 'check' });
  });

  it('says the lab is gone, and follows the next one under the name afresh', () => {
    const f = new Follower();
    f.next(lab('t1'), false);
    expect(f.next(undefined, true)).toEqual({ kind: 'gone' });
    expect(f.next(lab('t2'), false)).toEqual({ kind: 'follow', forget: true });
    // Replaced between two looks (down and up in a terminal): followed afresh while still watching.
    expect(f.next(lab('t3'), true)).toEqual({ kind: 'follow', forget: true });
  });

  it('keeps what it holds when the same lab comes back (an engine outage), and its own new lab', () => {
    const f = new Follower();
    f.next(lab('t1'), false);
    expect(f.next(lab('t1'), false)).toEqual({ kind: 'follow', forget: false });
    f.ownStart();
    // Its own engine watches it since its first exchange: nothing to restart.
    expect(f.next(lab('t2'), true)).toEqual({ kind: 'none' });
    expect(f.next(lab('t2'), true)).toEqual({ kind: 'check' });
  });

  it('tells which state changed elsewhere', () => {
    const f = new Follower();
    expect(f.stampChanged({ settings: '1', faults: '' })).toBeUndefined();
    expect(f.stampChanged({ settings: '1', faults: '' })).toBeUndefined();
    expect(f.stampChanged({ settings: '1', faults: '2' })).toBe('faults');
    expect(f.stampChanged({ settings: '3', faults: '4' })).toBe('settings');
  });
});
