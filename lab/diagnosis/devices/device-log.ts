/**
 * Cisco ASA and Palo Alto log lines (syslog, debug, ikemgr.log, the VPN system log) as events.
 */
import type { DiagEvent, Side } from '../events.js';

export interface DeviceLine {
  /** What the line was read as (e.g. 'asa-syslog', 'pan-ikemgr'). */
  kind: string;
  event?: DiagEvent;
}

export function classifyDevice(
  raw: string,
  clean: string,
  line: number,
  source: string,
  side: Side,
): DeviceLine | null {
  void raw;
  void clean;
  void line;
  void source;
  void side;
  return null;
}
