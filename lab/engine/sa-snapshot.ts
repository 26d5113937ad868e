import type { Side } from '../settings/types.js';
import type { IkeSaInfo } from '../vici/index.js';
import { counterPoint } from './counter-history.js';
import { tunnelState } from './tunnel-state.js';
import type { SaSnapshot } from './types.js';

/** A snapshot with what every viewer derives from it computed once, here (tunnel state, counters). */
export function saSnapshot(side: Side, ikeSas: IkeSaInfo[], error?: string): SaSnapshot {
  const time = Date.now();
  return { side, time, ikeSas, tunnel: tunnelState(ikeSas), counters: counterPoint({ time, ikeSas }), error };
}
