import type { StartAction } from '../../settings/types.js';
import type { ImportWarning, LineLedger } from '../types.js';

/*
 * ASA defaults (Cisco ASA 9.x command reference), applied where the configuration is silent:
 * - crypto ikev1 policy: authentication rsa-sig, encryption 3des, hash sha, group 2, lifetime 86400.
 * - crypto ikev2 policy: encryption 3des, integrity sha, group 2, prf = the integrity algorithm
 *   (sha when integrity is null, i.e. with GCM), lifetime seconds 86400.
 * - ipsec-proposal without `protocol esp integrity`: sha-1 for non-GCM ciphers.
 * - crypto map: SA lifetime 28800 s (or `crypto ipsec security-association lifetime seconds`),
 *   no PFS; `set pfs` without a group is group2; connection-type bidirectional.
 * - crypto isakmp identity auto: the interface address for pre-shared keys.
 * - tunnel-group isakmp keepalive: threshold 10 retry 2 (DPD on, 10 s).
 */
export const V1_POLICY_DEFAULTS = { auth: 'rsa-sig', enc: '3des', hash: 'sha', group: '2', lifetime: 86400 };
export const V2_POLICY_DEFAULTS = { enc: ['3des'], integ: ['sha'], group: ['2'], lifetime: 86400 };
export const DEFAULT_SA_LIFETIME = 28800;
export const DEFAULT_PFS_GROUP = '2';
export const DEFAULT_KEEPALIVE = 10;

export type AddrSpec =
  | { kind: 'cidr'; cidr: string }
  | { kind: 'object'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'bad'; reason: string };

export interface Iface {
  hw: string;
  lines: number[];
  nameif?: string;
  ip?: string;
  prefix?: number;
}
export interface NetObject {
  lines: number[];
  cidrs: string[];
  bad?: string;
}
export interface NetGroup {
  lines: number[];
  members: { spec: AddrSpec; line: number }[];
}
export interface Acl {
  lines: number[];
  entries: { line: number; src: AddrSpec; dst: AddrSpec }[];
}
export interface V1Policy {
  prio: number;
  lines: number[];
  auth: string;
  enc: string;
  hash: string;
  group: string;
  lifetime: number;
}
export interface V2Policy {
  prio: number;
  lines: number[];
  enc: string[];
  integ: string[];
  group: string[];
  prf: string[];
  lifetime: number;
}
export interface TransformSet {
  lines: number[];
  enc: string;
  integ: string;
}
export interface IpsecProposal {
  header: number;
  lines: number[];
  enc: string[];
  integ: string[] | undefined;
}
export interface Ref<T> {
  value: T;
  line: number;
}
export interface MapEntry {
  map: string;
  seq: number;
  lines: number[];
  acl?: Ref<string>;
  peers?: Ref<string[]>;
  v1Sets?: Ref<string[]>;
  v2Proposals?: Ref<string[]>;
  pfs?: Ref<string>;
  lifetime?: Ref<number>;
  aggressive?: Ref<boolean>;
  connectionType?: Ref<StartAction>;
}
export interface TunnelGroup {
  lines: number[];
  type?: Ref<string>;
  psk1?: Ref<string>;
  pskLocal?: Ref<string>;
  pskRemote?: Ref<string>;
  keepalive?: Ref<number>;
}
export interface NatLine {
  line: number;
  tokens: string[];
}

export type BlockHandler = (line: number, t: string[]) => void;

/** Everything the parser collected, before one tunnel is picked out of it. */
export interface AsaConfig {
  interfaces: Iface[];
  objects: Map<string, NetObject>;
  groups: Map<string, NetGroup>;
  acls: Map<string, Acl>;
  v1Policies: V1Policy[];
  v2Policies: V2Policy[];
  transformSets: Map<string, TransformSet>;
  proposals: Map<string, IpsecProposal>;
  maps: Map<string, Map<number, MapEntry>>;
  mapInterfaces: Map<string, Ref<string>>;
  enables: { version: 1 | 2; ifname: string; line: number }[];
  tunnelGroups: Map<string, TunnelGroup>;
  identity?: Ref<string[]>;
  hostname?: Ref<string>;
  domainName?: Ref<string>;
  saLifetime?: Ref<number>;
  nats: NatLine[];
}

/** What the block and command parsers share while reading one configuration. */
export interface ParseContext {
  cfg: AsaConfig;
  ledger: LineLedger;
  warnings: ImportWarning[];
}
