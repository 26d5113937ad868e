import { describe, expect, it } from 'vitest';

import { CHILD_NAME, CONNECTION_NAME } from '../../lab/config/swanctl-conf.js';
import { saSnapshot } from '../../lab/engine/sa-snapshot.js';
import type { IkeSaInfo } from '../../lab/vici/index.js';

function ike(name: string, state: string, child: { name: string; state: string; packetsIn: number }): IkeSaInfo {
  return {
    name,
    state,
    children: [{ ...child, bytesIn: child.packetsIn * 100, bytesOut: 0, packetsOut: 0 }],
  } as unknown as IkeSaInfo;
}

describe('SA snapshots carry what every viewer derives from them, computed once in the engine', () => {
  it('tunnel state is the lab connection only: another connection established does not make the tunnel up', () => {
    const s = saSnapshot('left', [
      ike('other', 'ESTABLISHED', { name: 'x', state: 'INSTALLED', packetsIn: 1 }),
      ike(CONNECTION_NAME, 'CONNECTING', { name: CHILD_NAME, state: 'CREATED', packetsIn: 0 }),
    ]);
    expect(s.tunnel).toEqual({ ike: 'CONNECTING', child: 'CREATED' });
  });

  it('counters add up every CHILD_SA, and an unanswered poll has no tunnel', () => {
    const s = saSnapshot('right', [
      ike(CONNECTION_NAME, 'ESTABLISHED', { name: CHILD_NAME, state: 'INSTALLED', packetsIn: 3 }),
      ike(CONNECTION_NAME, 'ESTABLISHED', { name: CHILD_NAME, state: 'REKEYED', packetsIn: 2 }),
    ]);
    expect(s.tunnel).toEqual({ ike: 'ESTABLISHED', child: 'INSTALLED' });
    expect(s.counters).toMatchObject({ packetsIn: 5, bytesIn: 500, time: s.time });
    const down = saSnapshot('right', [], 'charon is not answering');
    expect(down.tunnel).toEqual({ ike: 'NONE', child: 'NONE' });
    expect(down.error).toBe('charon is not answering');
  });
});
