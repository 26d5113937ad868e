import type { Datapath } from '../config/strongswan-conf.js';
import type { ImageProgress } from '../image/image.js';
import type { KernelFeatures } from '../probe/kernel-features.js';
import type { Side } from '../settings/types.js';
import type { Role } from '../topology/plan.js';
import type { IkeSaInfo } from '../vici/index.js';
import type { CounterPoint } from './counter-history.js';

/** The SAs one gateway's charon reports at one moment (VICI list-sas). */
export interface SaSnapshot {
  side: Side;
  /** ms since epoch, when the snapshot was taken. */
  time: number;
  ikeSas: IkeSaInfo[];
  /** The lab connection's best IKE/CHILD state in these SAs (what the topology and top bar show). */
  tunnel: TunnelState;
  /** All CHILD_SAs' counters added up (one point of the traffic chart). */
  counters: CounterPoint;
  /** Set when the gateway could not be asked (charon down, box stopped). */
  error?: string;
}

export type LifecycleStep = 'leftovers' | 'probe' | 'image' | 'create' | 'configure' | 'negotiate' | 'up' | 'down';

export type LabEvent =
  | { type: 'step'; step: LifecycleStep; message: string }
  | { type: 'image'; progress: ImageProgress }
  | { type: 'tunnel'; up: boolean; message: string };

export interface BoxStatus {
  role: Role;
  container: string;
  state: string;
}

export interface TunnelState {
  ike: string;
  child: string;
}

export interface LabStatus {
  name: string;
  exists: boolean;
  mode?: 'detached' | 'attached';
  datapath?: Datapath | string;
  boxes: BoxStatus[];
  sas: Partial<Record<Side, SaSnapshot>>;
  tunnel: Record<Side, TunnelState>;
  /** IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways. */
  up: boolean;
}

export interface UpResult {
  status: LabStatus;
  features: KernelFeatures;
  datapath: Datapath;
  removedLeftovers: string[];
  ms: { images: number; create: number; negotiate: number; total: number };
  /** Why the tunnel is not up, when it is not. */
  reason?: string;
}
