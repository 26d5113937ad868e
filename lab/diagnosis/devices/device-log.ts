/**
 * Cisco ASA and Palo Alto log lines (syslog, debug, ikemgr.log, the VPN system log) as events, per
 * input: a Palo Alto banner ("PHASE-2 NEGOTIATION FAILED") gives the phase of the reason lines after it.
 */
import type { Side } from '../events.js';
import { readAsaLine } from './asa-log.js';
import type { DeviceLine } from './device-line.js';
import { PanContext, readPanLine } from './pan-log.js';

export class DeviceReader {
  private readonly pan = new PanContext();

  constructor(
    private readonly source: string,
    private readonly side: Side,
  ) {}

  push(raw: string, clean: string, line: number): DeviceLine | null {
    return (
      readAsaLine(raw, clean, line, this.source, this.side) ??
      readPanLine(raw, clean, line, this.source, this.side, this.pan)
    );
  }
}
