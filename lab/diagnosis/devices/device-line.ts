import type { DiagEvent } from '../events.js';

/** One line of a device's log, read: what it was read as, and the event it yields (if any). */
export interface DeviceLine {
  /** What the line was read as (e.g. 'asa-syslog', 'pan-ikemgr'). */
  kind: string;
  event?: DiagEvent;
}
