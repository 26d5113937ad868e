import type Docker from 'dockerode';

import type { FoundLab } from '../lifecycle/registry.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { Role } from '../topology/plan.js';
import type { PingResult } from '../traffic/ping.js';
import type { ViciClient } from '../vici/index.js';
import type { SaSnapshot } from './types.js';

/**
 * What watching and the one-shot lab diagnosis need of a running lab. LabEngine implements it;
 * naming it here keeps those modules below the engine (no import cycle back to lab-engine.ts).
 */
export interface LabHandle {
  readonly name: string;
  readonly docker: Docker;
  container(role: Role): string;
  find(): Promise<FoundLab | undefined>;
  snapshot(side: Side): Promise<SaSnapshot>;
  settings(): Promise<LabSettings>;
  traffic(opts?: { from?: Side; count?: number; intervalMs?: number; size?: number }): Promise<PingResult>;
  viciOf(side: Side): Promise<ViciClient>;
  forgetViciOf(side: Side): void;
  forgetVici(): Promise<void>;
}
