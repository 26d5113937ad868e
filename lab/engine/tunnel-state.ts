import { CHILD_NAME, CONNECTION_NAME } from '../config/swanctl-conf.js';
import type { IkeSaInfo } from '../vici/index.js';
import type { TunnelState } from './types.js';

/** The best state of the lab connection in one snapshot: ESTABLISHED/INSTALLED beat anything else. */
export function tunnelState(ikeSas: IkeSaInfo[] | undefined): TunnelState {
  const mine = (ikeSas ?? []).filter((s) => s.name === CONNECTION_NAME);
  if (!mine.length) return { ike: 'NONE', child: 'NONE' };
  const ike = mine.find((s) => s.state === 'ESTABLISHED') ?? mine[0];
  const children = mine.flatMap((s) => s.children).filter((c) => c.name === CHILD_NAME);
  const child = children.find((c) => c.state === 'INSTALLED') ?? children[0];
  return { ike: ike.state, child: child?.state ?? 'NONE' };
}

export const isUp = (t: TunnelState) => t.ike === 'ESTABLISHED' && t.child === 'INSTALLED';
