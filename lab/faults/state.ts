import type { LabSettings } from '../settings/types.js';
import { type Direction, DIRECTIONS, type Impairment } from './impairment.js';
import type { BoxAction } from './types.js';

/** What the fault layer has done to a running lab; it lives in the lab (the router), not in a process. */
export interface FaultState {
  /** The settings without any settings fault: what `fix` returns to. */
  baseline: LabSettings;
  /** Applied faults in order, with the exact box commands that undo each one. */
  active: { id: string; boxes: BoxAction[] }[];
  impairments: Record<Direction, Impairment>;
}

export function emptyState(baseline: LabSettings): FaultState {
  return {
    baseline,
    active: [],
    impairments: Object.fromEntries(DIRECTIONS.map((d) => [d, {}])) as Record<Direction, Impairment>,
  };
}
