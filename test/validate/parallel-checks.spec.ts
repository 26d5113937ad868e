import { describe, expect, it } from 'vitest';

import { groupsFor } from '../../lab/validate/parallel-checks.js';

const ALL = ['traffic', 'rekey', 'peer-restart', 'loss', 'latency', 'nat', 'interop'] as const;

describe('independent checks grouped by the labs the engine has room for', () => {
  it('three labs: the long rekey beside the restart/impairment checks, interop on its own lab', () => {
    expect(groupsFor([...ALL], 3)).toEqual([
      ['traffic', 'rekey'],
      ['peer-restart', 'loss', 'latency', 'nat'],
      ['interop'],
    ]);
  });

  it('fewer labs merge the later groups into the earlier, down to one lab for all in the usual order', () => {
    expect(groupsFor([...ALL], 2)).toEqual([
      ['traffic', 'rekey'],
      ['peer-restart', 'loss', 'latency', 'nat', 'interop'],
    ]);
    expect(groupsFor([...ALL], 1)).toEqual([[...ALL]]);
    expect(groupsFor([...ALL], 0)).toEqual([[...ALL]]);
  });

  it('only the selected checks, and no empty lab for a group with nothing selected', () => {
    expect(groupsFor(['traffic', 'interop'], 3)).toEqual([['traffic'], ['interop']]);
    expect(groupsFor(['loss', 'nat'], 3)).toEqual([['loss', 'nat']]);
    expect(groupsFor([], 3)).toEqual([]);
  });
});
