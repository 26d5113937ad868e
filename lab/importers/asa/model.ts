import type { StartAction } from '../../settings/types.js';
import type { ImportWarning, LineLedger } from '../types.js';

/*
 * ASA defaults (Cisco ASA 9.x command reference), applied where the configuration is silent:
 * - crypto ikev1 policy: authentication rsa-sig, encryption 3des, hash sha, group 2, lifetime 86400.
 * - crypto ikev2 policy: encryption 3des, integrity sha, group 2, prf = the integrity algorithm
 *   (sha when integrity is null, i.e. with GCM), lifetime seconds 86400.
 * - ipsec-proposal without `protocol esp integrity`: sha-1 for non-GCM ciphers.
 * - crypto map / ipsec profile: SA lifetime 28800 s (or `crypto ipsec security-association
 *   lifetime seconds`), no PFS; `set pfs` without a group is group2; connection-type bidirectional.
 * - crypto isakmp identity auto: the interface address for pre-shared keys.
 * - tunnel-group isakmp keepalive: threshold 10 retry 2 (DPD on, 10 s).
 */
export const V1_POLICY_DEFAULTS = { auth: 'rsa-sig', enc: '3des', hash: 'sha', group: '2', lifetime: 86400 };
export const V2_POLICY_DEFAULTS = { enc: ['3des'], integ: ['sha'], group: ['2'], lifetime: 86400 };
export const DEFAULT_SA_LIFETIME = 28800;
export const DEFAULT_PFS_GROUP = '2';
export const DEFAULT_KEEPALIVE = 10;

/** Something the configuration states that cannot be read; an error only if the tunnel needs it. */
export interface Problem {
  line: number;
  message: string;
}

export interface Ref<T> {
  value: T;
  line: number;
}

/**
 * An address as the configuration writes it. `word` is an address or a name: resolved against
 * `name` commands when the tunnel needs it, a placeholder when nothing defines it.
 */
export type AddrSpec =
  | { kind: 'cidr'; cidr: string }
  | { kind: 'word'; word: string; mask?: string; text: string }
  | { kind: 'object'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'bad'; reason: string };

export interface Iface {
  hw: string;
  lines: number[];
  nameif?: string;
  /** `ip address A MASK`: A may be a placeholder (`206.X.X.X`, `${cpePublicIpAddress}`). */
  address?: Ref<{ word: string; prefix?: number }>;
  /** VTI: `tunnel source interface`, `tunnel destination`, `tunnel protection ipsec profile`, `tunnel mode`. */
  tunnelSource?: Ref<string>;
  tunnelDestination?: Ref<string>;
  tunnelProfile?: Ref<string>;
  tunnelMode?: Ref<string>;
}
export interface NetObject {
  lines: number[];
  specs: { spec: AddrSpec; line: number }[];
  bad?: string;
}
export interface NetGroup {
  lines: number[];
  members: { spec: AddrSpec; line: number }[];
}
export interface AclEntry {
  line: number;
  src: AddrSpec;
  dst: AddrSpec;
}
export interface Acl {
  lines: number[];
  entries: AclEntry[];
  /** Entries that cannot be selectors (deny, protocol-specific, bad operands), and why. */
  problems: Problem[];
}
export interface V1Policy {
  prio: number;
  lines: number[];
  auth: string;
  enc: string;
  hash: string;
  group: string;
  lifetime: number;
  lifetimeLine?: number;
  problems: Problem[];
}
export interface V2Policy {
  prio: number;
  lines: number[];
  enc: string[];
  integ: string[];
  group: string[];
  prf: string[];
  lifetime: number;
  lifetimeLine?: number;
  problems: Problem[];
}
export interface TransformSet {
  lines: number[];
  enc: string;
  integ: string;
  problems: Problem[];
}
export interface IpsecProposal {
  header: number;
  lines: number[];
  enc: string[];
  integ: string[] | undefined;
  problems: Problem[];
}

/** What a crypto map entry and an ipsec profile (VTI) both say about phase 2. */
export interface Phase2 {
  lines: number[];
  v1Sets?: Ref<string[]>;
  v2Proposals?: Ref<string[]>;
  pfs?: Ref<string>;
  lifetime?: Ref<number>;
  problems: Problem[];
}
export interface MapEntry extends Phase2 {
  map: string;
  seq: number;
  acl?: Ref<string>;
  peers?: Ref<string[]>;
  aggressive?: Ref<boolean>;
  connectionType?: Ref<StartAction>;
}
export interface IpsecProfile extends Phase2 {
  name: string;
  responderOnly?: Ref<boolean>;
}
export interface TunnelGroup {
  lines: number[];
  type?: Ref<string>;
  psk1?: Ref<string>;
  pskLocal?: Ref<string>;
  pskRemote?: Ref<string>;
  keepalive?: Ref<number>;
  problems: Problem[];
}
export interface NatLine {
  line: number;
  tokens: string[];
}
/** `route IFNAME NETWORK MASK GATEWAY [METRIC]`. */
export interface Route {
  line: number;
  ifname: string;
  dest: AddrSpec;
}

/**
 * A parser for the lines of one sub-mode (`crypto ikev2 policy 10`, `interface Tunnel1`, ...).
 * `accepts` says whether a line belongs to this sub-mode; the ASA tries a command in the current
 * sub-mode first and at the global level otherwise, whatever its indentation.
 */
export interface BlockHandler {
  accepts(words: string[]): boolean;
  line(no: number, words: string[]): void;
}

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
  profiles: Map<string, IpsecProfile>;
  maps: Map<string, Map<number, MapEntry>>;
  mapInterfaces: Map<string, Ref<string>>;
  enables: { version: 1 | 2; ifname: string; line: number }[];
  tunnelGroups: Map<string, TunnelGroup>;
  /** `name ADDRESS NAME`: names usable wherever an address is. */
  names: Map<string, Ref<string>>;
  routes: Route[];
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

export function emptyConfig(): AsaConfig {
  return {
    interfaces: [],
    objects: new Map(),
    groups: new Map(),
    acls: new Map(),
    v1Policies: [],
    v2Policies: [],
    transformSets: new Map(),
    proposals: new Map(),
    profiles: new Map(),
    maps: new Map(),
    mapInterfaces: new Map(),
    enables: [],
    tunnelGroups: new Map(),
    names: new Map(),
    routes: [],
    nats: [],
  };
}

/** ASA interface names (nameif) are not case-sensitive. */
export function sameIfname(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
