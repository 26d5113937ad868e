import { isIPv4, normalizeCidr } from '../settings/addresses.js';
import { defaultSettings } from '../settings/defaults.js';
import type { GatewaySettings, StartAction } from '../settings/types.js';
import {
  ASA_DH_GROUPS,
  ESP_V1_ENCRYPTION,
  ESP_V1_INTEGRITY,
  ESP_V2_ENCRYPTION,
  ESP_V2_INTEGRITY,
  ESP_V2_UNSUPPORTED,
  IKEV1_ENCRYPTION,
  IKEV1_HASH,
  IKEV2_ENCRYPTION,
  IKEV2_INTEGRITY,
  IKEV2_PRF,
  isAead,
} from './asa-algorithms.js';
import { buildLabSettings, canonicalTs, checkProposal, clampSeconds, isLabIdentity, maskToPrefix } from './build.js';
import { ImportError, type ImportOptions, type ImportResult, type ImportWarning, LineLedger } from './types.js';

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
const V1_POLICY_DEFAULTS = { auth: 'rsa-sig', enc: '3des', hash: 'sha', group: '2', lifetime: 86400 };
const V2_POLICY_DEFAULTS = { enc: ['3des'], integ: ['sha'], group: ['2'], lifetime: 86400 };
const DEFAULT_SA_LIFETIME = 28800;
const DEFAULT_PFS_GROUP = '2';
const DEFAULT_KEEPALIVE = 10;

/** Device settings that have nothing to do with a site-to-site tunnel. */
const NOT_TUNNEL = new Set([
  'hostname',
  'domain-name',
  'names',
  'name',
  'route',
  'enable',
  'passwd',
  'ssh',
  'telnet',
  'http',
  'logging',
  'ntp',
  'clock',
  'dns',
  'aaa',
  'aaa-server',
  'username',
  'pager',
  'mtu',
  'icmp',
  'arp',
  'timeout',
  'snmp-server',
  'ftp',
  'boot',
  'console',
  'asdm',
  'access-group',
  'failover',
  'monitor-interface',
  'service-policy',
  'class-map',
  'policy-map',
  'dhcpd',
  'dhcprelay',
  'threat-detection',
  'prompt',
  'call-home',
  'webvpn',
  'license',
  'xlate',
  'same-security-traffic',
  'sysopt',
  'firewall',
  'dynamic-access-policy-record',
  'user-identity',
  'no',
  'service',
  'banner',
  'terminal',
  'ASA',
  'PIX',
  'cryptochecksum',
  'end',
  'management-access',
  'router',
  'anyconnect',
  'ssl',
  'vpn-sessiondb',
  'flow-export',
  'priority-queue',
  'dns-guard',
  'object-group-search',
]);

type AddrSpec =
  | { kind: 'cidr'; cidr: string }
  | { kind: 'object'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'bad'; reason: string };

interface Iface {
  hw: string;
  lines: number[];
  nameif?: string;
  ip?: string;
  prefix?: number;
}
interface NetObject {
  lines: number[];
  cidrs: string[];
  bad?: string;
}
interface NetGroup {
  lines: number[];
  members: { spec: AddrSpec; line: number }[];
}
interface Acl {
  lines: number[];
  entries: { line: number; src: AddrSpec; dst: AddrSpec }[];
}
interface V1Policy {
  prio: number;
  lines: number[];
  auth: string;
  enc: string;
  hash: string;
  group: string;
  lifetime: number;
}
interface V2Policy {
  prio: number;
  lines: number[];
  enc: string[];
  integ: string[];
  group: string[];
  prf: string[];
  lifetime: number;
}
interface TransformSet {
  lines: number[];
  enc: string;
  integ: string;
}
interface IpsecProposal {
  header: number;
  lines: number[];
  enc: string[];
  integ: string[] | undefined;
}
interface Ref<T> {
  value: T;
  line: number;
}
interface MapEntry {
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
interface TunnelGroup {
  lines: number[];
  type?: Ref<string>;
  psk1?: Ref<string>;
  pskLocal?: Ref<string>;
  pskRemote?: Ref<string>;
  keepalive?: Ref<number>;
}
interface NatLine {
  line: number;
  tokens: string[];
}

type BlockHandler = (line: number, t: string[]) => void;

/** Everything the parser collected, before one tunnel is picked out of it. */
interface AsaConfig {
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

function oneOf(table: Record<string, string>, word: string | undefined, line: number, what: string): string {
  if (word !== undefined && word in table) return word;
  throw new ImportError(line, `unknown ${what} "${word ?? ''}" (expected one of: ${Object.keys(table).join(', ')})`);
}

function seconds(word: string | undefined, line: number, what: string): number {
  if (word === undefined || !/^\d+$/.test(word))
    throw new ImportError(line, `expected a number of seconds after "${what}"`);
  return Number(word);
}

function parseAddr(t: string[], i: number, line: number): { spec: AddrSpec; next: number } {
  const w = t[i];
  const expected = 'expected an address: any, host A, A MASK, object NAME or object-group NAME';
  if (w === undefined) throw new ImportError(line, expected);
  if (w === 'any' || w === 'any4') return { spec: { kind: 'cidr', cidr: '0.0.0.0/0' }, next: i + 1 };
  if (w === 'any6' || w.includes(':'))
    return {
      spec: { kind: 'bad', reason: 'IPv6 selectors are not part of the lab' },
      next: i + (w === 'any6' ? 1 : 1),
    };
  if (w === 'host') {
    const a = t[i + 1];
    if (!a || !isIPv4(a)) throw new ImportError(line, 'expected an IPv4 address after "host"');
    return { spec: { kind: 'cidr', cidr: `${a}/32` }, next: i + 2 };
  }
  if (w === 'object' || w === 'object-group') {
    const name = t[i + 1];
    if (!name) throw new ImportError(line, `expected a name after "${w}"`);
    return { spec: { kind: w === 'object' ? 'object' : 'group', name }, next: i + 2 };
  }
  if (w === 'interface')
    return { spec: { kind: 'bad', reason: 'interface addresses as selectors are not modelled' }, next: i + 2 };
  if (isIPv4(w)) {
    const prefix = maskToPrefix(t[i + 1] ?? '');
    if (prefix === null) throw new ImportError(line, `expected a netmask such as 255.255.255.0 after ${w}`);
    return { spec: { kind: 'cidr', cidr: normalizeCidr(`${w}/${prefix}`) }, next: i + 2 };
  }
  throw new ImportError(line, `${expected}, got "${w}"`);
}

/** The pre-shared key after `pre-shared-key`, with ASA's optional 0 (clear) / 8 (encrypted) marker. */
function pskAfter(t: string[], i: number, line: number, warnings: ImportWarning[]): string {
  let rest = t.slice(i);
  if (rest.length > 1 && (rest[0] === '0' || rest[0] === '8')) {
    if (rest[0] === '8')
      warnings.push({
        line,
        message: 'this pre-shared key is encrypted with the ASA master passphrase; replace it with the clear-text key',
      });
    rest = rest.slice(1);
  }
  const key = rest.join(' ');
  if (!key) throw new ImportError(line, 'expected a key after "pre-shared-key"');
  if (/^\*+$/.test(key))
    warnings.push({
      line,
      message: 'the pre-shared key is masked (show running-config hides it; use "more system:running-config")',
    });
  return key;
}

function parseConfig(ledger: LineLedger, warnings: ImportWarning[]): AsaConfig {
  const cfg: AsaConfig = {
    interfaces: [],
    objects: new Map(),
    groups: new Map(),
    acls: new Map(),
    v1Policies: [],
    v2Policies: [],
    transformSets: new Map(),
    proposals: new Map(),
    maps: new Map(),
    mapInterfaces: new Map(),
    enables: [],
    tunnelGroups: new Map(),
    nats: [],
  };
  let block: BlockHandler | null = null;

  const unsupportedBlock = (header: number, reason: string): BlockHandler => {
    ledger.unsupported(header, reason);
    return (line) => ledger.unsupported(line, `part of the unsupported block on line ${header}`);
  };

  for (let no = 1; no <= ledger.count; no++) {
    const raw = ledger.text(no);
    const trimmed = raw.trim();
    // "!" separates sections and ":" starts the header lines of show running-config.
    if (!trimmed || trimmed.startsWith('!') || trimmed.startsWith(':')) {
      if (trimmed.startsWith('!')) block = null;
      continue;
    }
    const t = trimmed.split(/\s+/);
    if (/^\s/.test(raw)) {
      if (block) block(no, t);
      else ledger.unsupported(no, 'indented line outside any block');
      continue;
    }
    block = topLevel(no, t);
  }
  return cfg;

  function topLevel(no: number, t: string[]): BlockHandler | null {
    const [a, b, c] = t;
    if (a === 'interface') return interfaceBlock(no, t.slice(1).join(' '));
    if (a === 'object' && b === 'network' && c) return objectBlock(no, c);
    if (a === 'object-group' && b === 'network' && c) return groupBlock(no, c);
    if (a === 'object' || a === 'object-group')
      return unsupportedBlock(no, `${a} ${b ?? ''} is not a network definition the tunnel can use`);
    if (a === 'access-list') return (accessList(no, t), null);
    if (a === 'nat') {
      cfg.nats.push({ line: no, tokens: t });
      ledger.pending(no, 'NAT is not part of the lab (only NAT exemption of the tunnel traffic is understood)');
      return null;
    }
    if (a === 'crypto') return crypto(no, t);
    if (a === 'isakmp' && b === 'enable' && c) {
      cfg.enables.push({ version: 1, ifname: c, line: no });
      ledger.pending(no, 'not used by the imported tunnel');
      return null;
    }
    if (a === 'tunnel-group') return tunnelGroup(no, t);
    if (a === 'group-policy') return unsupportedBlock(no, 'group policies are not part of the lab tunnel');
    if (a === 'hostname' && b) {
      cfg.hostname = { value: b, line: no };
      ledger.pending(no, 'not part of the tunnel');
      return null;
    }
    if (a === 'domain-name' && b) {
      cfg.domainName = { value: b, line: no };
      ledger.pending(no, 'not part of the tunnel');
      return null;
    }
    if (NOT_TUNNEL.has(a)) return unsupportedBlock(no, 'not part of the tunnel');
    return unsupportedBlock(no, 'not understood by the ASA importer');
  }

  function interfaceBlock(header: number, hw: string): BlockHandler {
    const iface: Iface = { hw, lines: [header] };
    cfg.interfaces.push(iface);
    ledger.pending(header, 'interface not used by the imported tunnel');
    return (no, t) => {
      const reason = `interface ${iface.nameif ?? hw} is not used by the imported tunnel`;
      if (t[0] === 'nameif' && t[1]) iface.nameif = t[1];
      else if (t[0] === 'ip' && t[1] === 'address' && t[2] && isIPv4(t[2])) {
        const prefix = maskToPrefix(t[3] ?? '');
        if (prefix === null) throw new ImportError(no, `expected a netmask such as 255.255.255.0 after ${t[2]}`);
        iface.ip = t[2];
        iface.prefix = prefix;
        if (t[4] === 'standby') warnings.push({ line: no, message: 'the failover standby address is not modelled' });
      } else if (t[0] === 'ip' && t[1] === 'address') {
        ledger.unsupported(no, 'only a static IPv4 address can be modelled');
        return;
      } else if (!['security-level', 'description', 'shutdown', 'no'].includes(t[0])) {
        ledger.unsupported(no, 'interface setting not modelled in the lab');
        return;
      }
      iface.lines.push(no);
      ledger.pending(no, reason);
    };
  }

  function objectBlock(header: number, name: string): BlockHandler {
    const obj: NetObject = { lines: [header], cidrs: [] };
    cfg.objects.set(name, obj);
    ledger.pending(header, `object ${name} is not used by the imported tunnel`);
    return (no, t) => {
      if (t[0] === 'subnet') {
        const prefix = maskToPrefix(t[2] ?? '');
        if (!t[1] || !isIPv4(t[1]) || prefix === null) throw new ImportError(no, 'expected "subnet ADDRESS NETMASK"');
        obj.cidrs.push(normalizeCidr(`${t[1]}/${prefix}`));
      } else if (t[0] === 'host') {
        if (!t[1] || !isIPv4(t[1])) throw new ImportError(no, 'expected "host ADDRESS"');
        obj.cidrs.push(`${t[1]}/32`);
      } else if (t[0] === 'range' || t[0] === 'fqdn') {
        obj.bad = `object ${name} is a${t[0] === 'range' ? ' range' : 'n FQDN'}; the lab takes subnets and addresses`;
        ledger.unsupported(no, obj.bad);
        return;
      } else if (t[0] === 'nat') {
        ledger.unsupported(no, 'NAT is not part of the lab');
        return;
      } else if (t[0] !== 'description') {
        ledger.unsupported(no, 'object setting not understood');
        return;
      }
      obj.lines.push(no);
      ledger.pending(no, `object ${name} is not used by the imported tunnel`);
    };
  }

  function groupBlock(header: number, name: string): BlockHandler {
    const group: NetGroup = { lines: [header], members: [] };
    cfg.groups.set(name, group);
    const reason = `object-group ${name} is not used by the imported tunnel`;
    ledger.pending(header, reason);
    return (no, t) => {
      if (t[0] === 'network-object') group.members.push({ spec: parseAddr(t, 1, no).spec, line: no });
      else if (t[0] === 'group-object' && t[1]) group.members.push({ spec: { kind: 'group', name: t[1] }, line: no });
      else if (t[0] !== 'description') {
        ledger.unsupported(no, 'object-group setting not understood');
        return;
      }
      group.lines.push(no);
      ledger.pending(no, reason);
    };
  }

  function accessList(no: number, t: string[]): void {
    const name = t[1];
    if (!name) throw new ImportError(no, 'expected an access-list name');
    const acl = cfg.acls.get(name) ?? { lines: [], entries: [] };
    cfg.acls.set(name, acl);
    const reason = `access-list ${name} is not used by the imported tunnel`;
    if (t[2] === 'remark') {
      acl.lines.push(no);
      ledger.pending(no, reason);
      return;
    }
    if (t[2] !== 'extended') {
      ledger.unsupported(no, `only extended access lists can define the encryption domain`);
      return;
    }
    if (t[3] !== 'permit') {
      ledger.unsupported(no, 'deny entries cannot be expressed as traffic selectors');
      acl.lines.push(no);
      return;
    }
    if (t[4] !== 'ip') {
      // strongSwan could narrow to a protocol/port, but the lab's selectors are subnets only.
      ledger.unsupported(
        no,
        `protocol-specific entries (${t[4] ?? '?'}) are not modelled; the lab selects whole subnets`,
      );
      acl.lines.push(no);
      return;
    }
    const src = parseAddr(t, 5, no);
    const dst = parseAddr(t, src.next, no);
    const rest = t.slice(dst.next);
    if (rest.includes('inactive')) {
      ledger.unsupported(no, 'inactive entry');
      return;
    }
    const unknown = rest.filter((w) => !['log', 'disable', 'default', 'interval'].includes(w) && !/^\d+$/.test(w));
    if (unknown.length) ledger.unsupported(no, `options ${unknown.join(' ')} are not modelled`);
    acl.lines.push(no);
    acl.entries.push({ line: no, src: src.spec, dst: dst.spec });
    ledger.pending(no, reason);
  }

  function crypto(no: number, t: string[]): BlockHandler | null {
    const [, b, c, d] = t;
    if ((b === 'ikev1' || b === 'isakmp') && c === 'policy') return v1PolicyBlock(no, t);
    if (b === 'ikev2' && c === 'policy') return v2PolicyBlock(no, t);
    if ((b === 'ikev1' || b === 'ikev2' || b === 'isakmp') && c === 'enable' && d) {
      cfg.enables.push({ version: b === 'ikev2' ? 2 : 1, ifname: d, line: no });
      ledger.pending(no, `IKE${b === 'ikev2' ? 'v2' : 'v1'} is not used by the imported tunnel`);
      return null;
    }
    if (b === 'isakmp' && c === 'identity') {
      cfg.identity = { value: t.slice(3), line: no };
      ledger.pending(no, 'not used by the imported tunnel');
      return null;
    }
    if (b === 'ipsec' && (c === 'ikev1' || c === 'transform-set'))
      return (transformSet(no, c === 'ikev1' ? t.slice(3) : t.slice(2)), null);
    if (b === 'ipsec' && c === 'ikev2' && d === 'ipsec-proposal') return proposalBlock(no, t[4]);
    if (b === 'ipsec' && c === 'security-association' && d === 'lifetime') {
      if (t[4] === 'seconds') {
        cfg.saLifetime = { value: seconds(t[5], no, 'lifetime seconds'), line: no };
        ledger.pending(no, 'not used by the imported tunnel');
      } else ledger.unsupported(no, 'volume lifetimes are not modelled; the lab rekeys by time');
      return null;
    }
    if (b === 'map') return (cryptoMap(no, t), null);
    if (b === 'dynamic-map')
      return unsupportedBlock(no, 'dynamic crypto maps (any peer) are not modelled; the lab tunnel has one fixed peer');
    if (b === 'ca') return unsupportedBlock(no, 'certificates are not modelled; the lab uses pre-shared keys');
    return unsupportedBlock(no, 'crypto setting not modelled in the lab');
  }

  function v1PolicyBlock(header: number, t: string[]): BlockHandler {
    const prio = Number(t[3]);
    if (!Number.isInteger(prio)) throw new ImportError(header, 'expected a policy priority number');
    const p: V1Policy = { prio, lines: [header], ...V1_POLICY_DEFAULTS };
    cfg.v1Policies.push(p);
    const reason = `IKEv1 policy ${prio} is not used by the imported tunnel`;
    ledger.pending(header, reason);
    return (no, s) => {
      if (s[0] === 'authentication') p.auth = s[1] ?? '';
      else if (s[0] === 'encryption') p.enc = oneOf(IKEV1_ENCRYPTION, s[1], no, 'IKEv1 encryption');
      else if (s[0] === 'hash') p.hash = oneOf(IKEV1_HASH, s[1], no, 'IKEv1 hash');
      else if (s[0] === 'group') p.group = oneOf(ASA_DH_GROUPS, s[1], no, 'DH group');
      else if (s[0] === 'lifetime') p.lifetime = s[1] === 'none' ? 0 : seconds(s[1], no, 'lifetime');
      else {
        ledger.unsupported(no, 'IKEv1 policy setting not understood');
        return;
      }
      p.lines.push(no);
      ledger.pending(no, reason);
    };
  }

  function v2PolicyBlock(header: number, t: string[]): BlockHandler {
    const prio = Number(t[3]);
    if (!Number.isInteger(prio)) throw new ImportError(header, 'expected a policy priority number');
    const p: V2Policy = { prio, lines: [header], ...structuredClone(V2_POLICY_DEFAULTS), prf: [] };
    cfg.v2Policies.push(p);
    const reason = `IKEv2 policy ${prio} is not used by the imported tunnel`;
    ledger.pending(header, reason);
    const list = (s: string[], no: number, table: Record<string, string>, what: string) => {
      if (s.length < 2) throw new ImportError(no, `expected at least one ${what}`);
      return s.slice(1).map((w) => oneOf(table, w, no, what));
    };
    return (no, s) => {
      if (s[0] === 'encryption') p.enc = list(s, no, IKEV2_ENCRYPTION, 'IKEv2 encryption');
      else if (s[0] === 'integrity') p.integ = list(s, no, IKEV2_INTEGRITY, 'IKEv2 integrity');
      else if (s[0] === 'group') p.group = list(s, no, ASA_DH_GROUPS, 'DH group');
      else if (s[0] === 'prf') p.prf = list(s, no, IKEV2_PRF, 'PRF');
      else if (s[0] === 'lifetime')
        p.lifetime = s[1] === 'none' ? 0 : seconds(s[1] === 'seconds' ? s[2] : s[1], no, 'lifetime seconds');
      else {
        ledger.unsupported(no, 'IKEv2 policy setting not understood');
        return;
      }
      p.lines.push(no);
      ledger.pending(no, reason);
    };
  }

  function transformSet(no: number, t: string[]): void {
    // t: ["transform-set", NAME, transforms...]
    const name = t[1];
    if (t[0] !== 'transform-set' || !name)
      throw new ImportError(no, 'expected "crypto ipsec ikev1 transform-set NAME TRANSFORMS"');
    if (t[2] === 'mode') {
      ledger.unsupported(
        no,
        t[3] === 'transport' ? 'transport mode is not modelled; the lab runs tunnel mode' : 'mode setting not modelled',
      );
      return;
    }
    let enc = '';
    let integ: string | undefined;
    for (const w of t.slice(2)) {
      if (w in ESP_V1_ENCRYPTION) enc = w;
      else if (w in ESP_V1_INTEGRITY) integ = w;
      else {
        throw new ImportError(
          no,
          `unknown transform "${w}" (expected one of: ${[...Object.keys(ESP_V1_ENCRYPTION), ...Object.keys(ESP_V1_INTEGRITY)].join(', ')})`,
        );
      }
    }
    if (!enc) throw new ImportError(no, `transform set ${name} has no cipher (expected e.g. esp-aes-256)`);
    const existing = cfg.transformSets.get(name);
    if (existing) existing.lines.push(no);
    cfg.transformSets.set(name, { lines: existing ? existing.lines : [no], enc, integ: integ ?? 'esp-none' });
    ledger.pending(no, `transform set ${name} is not used by the imported tunnel`);
  }

  function proposalBlock(header: number, name: string | undefined): BlockHandler {
    if (!name) throw new ImportError(header, 'expected an ipsec-proposal name');
    const p: IpsecProposal = { header, lines: [header], enc: [], integ: undefined };
    cfg.proposals.set(name, p);
    const reason = `ipsec-proposal ${name} is not used by the imported tunnel`;
    ledger.pending(header, reason);
    return (no, s) => {
      if (s[0] === 'protocol' && s[1] === 'esp' && (s[2] === 'encryption' || s[2] === 'integrity')) {
        if (s.length < 4) throw new ImportError(no, `expected at least one ${s[2]} algorithm`);
        if (s[2] === 'encryption') {
          for (const w of s.slice(3)) {
            if (w in ESP_V2_UNSUPPORTED)
              ledger.unsupported(
                no,
                `${ESP_V2_UNSUPPORTED[w]} is not available in the lab; the other ciphers are imported`,
              );
            else p.enc.push(oneOf(ESP_V2_ENCRYPTION, w, no, 'ESP encryption'));
          }
        } else p.integ = s.slice(3).map((w) => oneOf(ESP_V2_INTEGRITY, w, no, 'ESP integrity'));
      } else if (s[0] === 'protocol' && s[1] === 'ah') {
        ledger.unsupported(no, 'AH is not modelled; the lab uses ESP');
        return;
      } else {
        ledger.unsupported(no, 'ipsec-proposal setting not understood');
        return;
      }
      p.lines.push(no);
      ledger.pending(no, reason);
    };
  }

  function cryptoMap(no: number, t: string[]): void {
    const mapName = t[2];
    if (!mapName) throw new ImportError(no, 'expected a crypto map name');
    if (t[3] === 'interface') {
      if (!t[4]) throw new ImportError(no, 'expected an interface name');
      cfg.mapInterfaces.set(mapName, { value: t[4], line: no });
      ledger.pending(no, `crypto map ${mapName} is not imported`);
      return;
    }
    const seq = Number(t[3]);
    if (!/^\d+$/.test(t[3] ?? ''))
      throw new ImportError(no, `expected a sequence number or "interface" after crypto map ${mapName}`);
    const entries = cfg.maps.get(mapName) ?? new Map<number, MapEntry>();
    cfg.maps.set(mapName, entries);
    const entry = entries.get(seq) ?? { map: mapName, seq, lines: [] };
    entries.set(seq, entry);
    entry.lines.push(no);
    ledger.pending(no, `crypto map ${mapName} ${seq} is not imported`);
    const [verb, what] = [t[4], t[5]];
    const args = t.slice(6);
    if (verb === 'match' && what === 'address' && t[6]) entry.acl = { value: t[6], line: no };
    else if (verb === 'ipsec-isakmp' && what === 'dynamic') {
      ledger.unsupported(no, 'dynamic crypto maps (any peer) are not modelled; the lab tunnel has one fixed peer');
      entries.delete(seq);
    } else if (verb !== 'set') ledger.unsupported(no, 'crypto map setting not understood');
    else if (what === 'peer') {
      const peers = t.slice(6);
      if (!peers.length) throw new ImportError(no, 'expected a peer address after "set peer"');
      entry.peers = { value: peers, line: no };
    } else if ((what === 'ikev1' && t[6] === 'transform-set') || what === 'transform-set') {
      const names = what === 'ikev1' ? t.slice(7) : args;
      if (!names.length) throw new ImportError(no, 'expected a transform set name');
      entry.v1Sets = { value: names, line: no };
    } else if (what === 'ikev2' && t[6] === 'ipsec-proposal') {
      if (!t[7]) throw new ImportError(no, 'expected an ipsec-proposal name');
      entry.v2Proposals = { value: t.slice(7), line: no };
    } else if (what === 'pfs') {
      const g = args[0] === undefined ? DEFAULT_PFS_GROUP : args[0].replace(/^group/, '');
      entry.pfs = { value: oneOf(ASA_DH_GROUPS, g, no, 'PFS group'), line: no };
    } else if (what === 'security-association' && t[6] === 'lifetime') {
      const i = t.indexOf('seconds');
      if (i >= 0) entry.lifetime = { value: seconds(t[i + 1], no, 'seconds'), line: no };
      if (t.includes('kilobytes')) {
        if (i >= 0)
          warnings.push({ line: no, message: 'the kilobytes lifetime is not modelled; only the seconds are imported' });
        else ledger.unsupported(no, 'volume lifetimes are not modelled; the lab rekeys by time');
      }
    } else if (what === 'ikev1' && t[6] === 'phase1-mode') {
      if (t[7] !== 'aggressive' && t[7] !== 'main')
        throw new ImportError(no, 'expected "aggressive" or "main" after phase1-mode');
      entry.aggressive = { value: t[7] === 'aggressive', line: no };
    } else if (what === 'connection-type') {
      const types: Record<string, StartAction> = {
        'answer-only': 'wait',
        'originate-only': 'trap',
        bidirectional: 'trap',
      };
      const v = args[0] ?? '';
      if (!(v in types)) throw new ImportError(no, 'expected answer-only, originate-only or bidirectional');
      entry.connectionType = { value: types[v], line: no };
    } else if (what === 'reverse-route')
      ledger.unsupported(no, 'reverse route injection is routing, not part of the lab tunnel');
    else if (what === 'nat-t-disable') ledger.unsupported(no, 'disabling NAT-T is not modelled');
    else ledger.unsupported(no, 'crypto map setting not modelled in the lab');
  }

  function tunnelGroup(no: number, t: string[]): BlockHandler | null {
    const name = t[1];
    if (!name || !t[2])
      throw new ImportError(no, 'expected "tunnel-group NAME type ipsec-l2l" or "tunnel-group NAME ipsec-attributes"');
    const tg = cfg.tunnelGroups.get(name) ?? { lines: [] };
    cfg.tunnelGroups.set(name, tg);
    const reason = `tunnel-group ${name} is not used by the imported tunnel`;
    if (t[2] === 'type') {
      if (t[3] !== 'ipsec-l2l') {
        ledger.unsupported(no, `tunnel-group type ${t[3] ?? ''} is not site-to-site`);
        return null;
      }
      tg.type = { value: t[3], line: no };
      tg.lines.push(no);
      ledger.pending(no, reason);
      return null;
    }
    if (t[2] !== 'ipsec-attributes') return unsupportedBlock(no, `tunnel-group ${t[2]} are not part of the lab tunnel`);
    tg.lines.push(no);
    ledger.pending(no, reason);
    return (sub, s) => {
      if (s[0] === 'ikev1' && s[1] === 'pre-shared-key') tg.psk1 = { value: pskAfter(s, 2, sub, warnings), line: sub };
      else if (s[0] === 'pre-shared-key') tg.psk1 = { value: pskAfter(s, 1, sub, warnings), line: sub };
      else if (s[0] === 'ikev2' && s[2] === 'pre-shared-key' && s[1] === 'local-authentication')
        tg.pskLocal = { value: pskAfter(s, 3, sub, warnings), line: sub };
      else if (s[0] === 'ikev2' && s[2] === 'pre-shared-key' && s[1] === 'remote-authentication')
        tg.pskRemote = { value: pskAfter(s, 3, sub, warnings), line: sub };
      else if (s[0] === 'isakmp' && s[1] === 'keepalive') {
        if (s[2] === 'disable') tg.keepalive = { value: 0, line: sub };
        else {
          const i = s.indexOf('threshold');
          const v = i >= 0 ? s[i + 1] : undefined;
          if (i >= 0 && !/^\d+$/.test(v ?? ''))
            throw new ImportError(sub, 'expected a number of seconds after "threshold"');
          // ASA's retry interval has no strongSwan counterpart; the lab keeps its DPD timeout.
          tg.keepalive = { value: v ? Number(v) : DEFAULT_KEEPALIVE, line: sub };
        }
      } else {
        ledger.unsupported(sub, 'tunnel-group setting not modelled in the lab');
        return;
      }
      tg.lines.push(sub);
      ledger.pending(sub, reason);
    };
  }
}

export type AsaImportOptions = ImportOptions;

/** Identifies a crypto map entry from the `entry` option: 10, "10", "outside_map 10" or "outside_map:10". */
function matchesEntry(e: MapEntry, wanted: string | number): boolean {
  const w = String(wanted).trim();
  const m = /^(?:(\S+?)[\s:]+)?(\d+)$/.exec(w);
  if (!m) return false;
  return Number(m[2]) === e.seq && (!m[1] || m[1] === e.map);
}

/** Imports one crypto map entry of a Cisco ASA configuration (IKEv1 or IKEv2, pre-shared keys). */
export function importAsa(text: string, options: AsaImportOptions = {}): ImportResult {
  const side = options.side ?? 'left';
  const ledger = new LineLedger(text);
  const warnings: ImportWarning[] = [];
  const cfg = parseConfig(ledger, warnings);

  const entries = [...cfg.maps.values()].flatMap((m) => [...m.values()].sort((a, b) => a.seq - b.seq));
  for (const e of entries) checkReferences(cfg, e);
  if (!entries.length)
    throw new ImportError(
      0,
      'no crypto map entry found (expected "crypto map NAME SEQ match address ACL" and "crypto map NAME SEQ set peer ADDRESS")',
    );
  const entry = options.entry === undefined ? entries[0] : entries.find((e) => matchesEntry(e, options.entry!));
  if (!entry) {
    throw new ImportError(
      0,
      `no crypto map entry ${options.entry}; the configuration has ${entries.map((e) => `${e.map} ${e.seq}`).join(', ')}`,
    );
  }
  for (const e of entries) {
    if (e === entry) continue;
    const reason = `crypto map ${e.map} ${e.seq} is not imported (import it with entry ${e.seq})`;
    for (const l of e.lines) ledger.unsupported(l, reason);
    warnings.push({ line: e.lines[0], message: `${reason}; peer ${e.peers?.value.join(' ') ?? 'unset'}` });
  }
  ledger.use(...entry.lines);
  const first = entry.lines[0];
  const label = `crypto map ${entry.map} ${entry.seq}`;

  // The version: IKEv2 when an ipsec-proposal is set (an ASA tries IKEv2 first when both are).
  const ikeVersion: 1 | 2 = entry.v2Proposals ? 2 : 1;
  if (!entry.v2Proposals && !entry.v1Sets) {
    throw new ImportError(
      first,
      `${label} has no transform set (expected "${label} set ikev1 transform-set NAME" or "${label} set ikev2 ipsec-proposal NAME")`,
    );
  }
  if (entry.v2Proposals && entry.v1Sets) {
    ledger.unsupported(
      entry.v1Sets.line,
      'the lab runs one IKE version; the IKEv2 proposals of this entry are imported (an ASA tries IKEv2 first)',
    );
  }

  if (!entry.peers) throw new ImportError(first, `${label} has no peer (expected "${label} set peer ADDRESS")`);
  const peerAddress = entry.peers.value[0];
  if (!isIPv4(peerAddress))
    throw new ImportError(entry.peers.line, `expected an IPv4 peer address, got "${peerAddress}"`);
  if (entry.peers.value.length > 1) {
    warnings.push({
      line: entry.peers.line,
      message: `backup peers ${entry.peers.value.slice(1).join(' ')} are not modelled; the lab uses ${peerAddress}`,
    });
  }

  if (!entry.acl) throw new ImportError(first, `${label} has no access list (expected "${label} match address ACL")`);
  const ts = selectors(cfg, ledger, entry.acl.value, warnings);

  const espProposals = ikeVersion === 1 ? v1Esp(cfg, ledger, entry) : v2Esp(cfg, ledger, entry);
  const ike = ikeVersion === 1 ? v1Ike(cfg, ledger, warnings) : v2Ike(cfg, ledger, warnings);

  // Lifetimes: the entry's, else the global default, else ASA's 28800 s.
  let childLifetime = DEFAULT_SA_LIFETIME;
  if (entry.lifetime) childLifetime = entry.lifetime.value;
  else if (cfg.saLifetime) {
    childLifetime = cfg.saLifetime.value;
    ledger.use(cfg.saLifetime.line);
  }

  // The interface the map is bound to gives the local address.
  let localAddress: string | undefined;
  let localPrefix: number | undefined;
  const bound = cfg.mapInterfaces.get(entry.map);
  if (!bound) {
    warnings.push({
      line: first,
      message: `crypto map ${entry.map} is not applied to an interface (expected "crypto map ${entry.map} interface outside")`,
    });
  } else {
    ledger.use(bound.line);
    const iface = cfg.interfaces.find((i) => i.nameif === bound.value);
    if (!iface) warnings.push({ line: bound.line, message: `no interface has nameif ${bound.value}` });
    else {
      ledger.use(...iface.lines);
      localAddress = iface.ip;
      localPrefix = iface.prefix;
      if (!localAddress)
        warnings.push({
          line: iface.lines[0],
          message: `interface ${bound.value} has no static address; the lab keeps its default WAN`,
        });
    }
    const enable = cfg.enables.filter((e) => e.ifname === bound.value && e.version === ikeVersion);
    if (enable.length) ledger.use(...enable.map((e) => e.line));
    else
      warnings.push({
        line: bound.line,
        message: `IKEv${ikeVersion} is not enabled on ${bound.value} (expected "crypto ikev${ikeVersion} enable ${bound.value}")`,
      });
  }

  // The LAN behind the gateway: the inside interface, when there is one the lab can use.
  let lan: string | undefined;
  const inside = cfg.interfaces.find((i) => i.nameif === 'inside' && i.ip);
  if (inside && inside.prefix! <= 28) {
    lan = normalizeCidr(`${inside.ip}/${inside.prefix}`);
    ledger.use(...inside.lines);
  }

  const psk = presharedKey(cfg, ledger, peerAddress, ikeVersion, entry, warnings);
  const tg = cfg.tunnelGroups.get(peerAddress) ?? cfg.tunnelGroups.get('DefaultL2LGroup');
  const dpdDelay = tg?.keepalive?.value ?? DEFAULT_KEEPALIVE;

  const localId = localIdentity(cfg, ledger, localAddress, side, warnings);
  const base = defaultSettings()[side].gateway;
  const gateway: GatewaySettings = {
    ...base,
    ikeVersion,
    ikeProposals: ike.proposals,
    espProposals,
    psk,
    localId,
    // An ASA identifies a site-to-site peer by its address.
    remoteId: peerAddress,
    localTs: ts.local,
    remoteTs: ts.remote,
    peerAddress: '',
    // ASA drops the SAs of a dead peer and brings them back on the next interesting packet.
    dpd: { delay: dpdDelay, timeout: base.dpd.timeout, action: 'trap' },
    ike: { rekeyTime: clampSeconds(ike.lifetime, ike.line, 'IKE lifetime', warnings), reauthTime: 0, overTime: 0 },
    child: {
      rekeyTime: clampSeconds(childLifetime, entry.lifetime?.line ?? first, 'SA lifetime', warnings),
      lifeTime: 0,
    },
    // A crypto map starts the tunnel when interesting traffic arrives.
    startAction: entry.connectionType?.value ?? 'trap',
    encap: false,
    // ASA does no MOBIKE for site-to-site tunnels.
    mobike: false,
    aggressive: ikeVersion === 1 && (entry.aggressive?.value ?? false),
  };
  if (entry.aggressive && ikeVersion === 2)
    ledger.unsupported(entry.aggressive.line, 'aggressive mode exists only in IKEv1');
  checkNatExemption(cfg, ledger, ts);

  const settings = buildLabSettings({
    side,
    gateway,
    lan,
    localAddress,
    localPrefix,
    peerAddress,
    line: first,
    warnings,
  });
  const found: Partial<GatewaySettings> = { ...gateway };
  delete found.peerAddress;
  return {
    format: 'asa',
    side,
    entry: `${entry.map} ${entry.seq}`,
    gateway: found,
    lan,
    peerAddress,
    localAddress,
    settings,
    unsupported: ledger.result(),
    warnings,
  };
}

function checkReferences(cfg: AsaConfig, e: MapEntry): void {
  if (e.acl && !cfg.acls.has(e.acl.value)) {
    throw new ImportError(
      e.acl.line,
      `access-list ${e.acl.value} is not defined (expected "access-list ${e.acl.value} extended permit ip ...")`,
    );
  }
  for (const name of e.v1Sets?.value ?? []) {
    if (!cfg.transformSets.has(name)) {
      throw new ImportError(
        e.v1Sets!.line,
        `transform set ${name} is not defined (expected "crypto ipsec ikev1 transform-set ${name} ...")`,
      );
    }
  }
  for (const name of e.v2Proposals?.value ?? []) {
    if (!cfg.proposals.has(name)) {
      throw new ImportError(
        e.v2Proposals!.line,
        `ipsec-proposal ${name} is not defined (expected "crypto ipsec ikev2 ipsec-proposal ${name}")`,
      );
    }
  }
}

/** Addresses of an ACL operand, and the lines that define them (marked used only if the caller keeps them). */
function resolve(
  cfg: AsaConfig,
  spec: AddrSpec,
  line: number,
  depth = 0,
): { cidrs: string[]; lines: number[]; bad?: string } {
  if (depth > 16) throw new ImportError(line, 'object-groups nest too deeply (a loop?)');
  if (spec.kind === 'cidr') return { cidrs: [spec.cidr], lines: [] };
  if (spec.kind === 'bad') return { cidrs: [], lines: [], bad: spec.reason };
  if (spec.kind === 'object') {
    const obj = cfg.objects.get(spec.name);
    if (!obj)
      throw new ImportError(line, `object ${spec.name} is not defined (expected "object network ${spec.name}")`);
    if (!obj.bad && !obj.cidrs.length)
      throw new ImportError(obj.lines[0], `object ${spec.name} has no address (expected "subnet A MASK" or "host A")`);
    return { cidrs: obj.cidrs, lines: obj.lines, bad: obj.bad };
  }
  const group = cfg.groups.get(spec.name);
  if (!group)
    throw new ImportError(
      line,
      `object-group ${spec.name} is not defined (expected "object-group network ${spec.name}")`,
    );
  const out = { cidrs: [] as string[], lines: [...group.lines], bad: undefined as string | undefined };
  for (const m of group.members) {
    const r = resolve(cfg, m.spec, m.line, depth + 1);
    out.cidrs.push(...r.cidrs);
    out.lines.push(...r.lines);
    out.bad ??= r.bad;
  }
  return out;
}

function selectors(
  cfg: AsaConfig,
  ledger: LineLedger,
  aclName: string,
  warnings: ImportWarning[],
): { local: string[]; remote: string[] } {
  const acl = cfg.acls.get(aclName)!;
  const local: string[] = [];
  const remote: string[] = [];
  const pairs = new Set<string>();
  for (const l of acl.lines) if (!ledger.isUsed(l)) ledger.use(l);
  for (const e of acl.entries) {
    const src = resolve(cfg, e.src, e.line);
    const dst = resolve(cfg, e.dst, e.line);
    if (src.bad || dst.bad) {
      ledger.unsupported(e.line, (src.bad ?? dst.bad)!);
      continue;
    }
    ledger.use(...src.lines, ...dst.lines);
    for (const s of src.cidrs) for (const d of dst.cidrs) pairs.add(`${s} ${d}`);
    for (const s of src.cidrs) if (!local.includes(s)) local.push(s);
    for (const d of dst.cidrs) if (!remote.includes(d)) remote.push(d);
  }
  if (!local.length)
    throw new ImportError(
      acl.lines[0] ?? 0,
      `access-list ${aclName} has no usable "permit ip" entry for the encryption domain`,
    );
  if (pairs.size !== local.length * remote.length) {
    warnings.push({
      line: acl.lines[0],
      message: `access-list ${aclName} does not pair every local with every remote network; strongSwan negotiates all ${local.length}x${remote.length} combinations`,
    });
  }
  return { local, remote };
}

function withPfs(proposals: string[], entry: MapEntry, ledger: LineLedger): string[] {
  if (!entry.pfs) return proposals;
  ledger.use(entry.pfs.line);
  return proposals.map((p) => `${p}-${ASA_DH_GROUPS[entry.pfs!.value]}`);
}

function v1Esp(cfg: AsaConfig, ledger: LineLedger, entry: MapEntry): string[] {
  const out = entry.v1Sets!.value.map((name) => {
    const ts = cfg.transformSets.get(name)!;
    ledger.use(...ts.lines);
    const integ = ESP_V1_INTEGRITY[ts.integ];
    return [ESP_V1_ENCRYPTION[ts.enc], integ].filter(Boolean).join('-');
  });
  return withPfs(out, entry, ledger).map((p) => checkProposal(p, 'esp', entry.v1Sets!.line));
}

/** One ASA ipsec-proposal may mix GCM and classic ciphers; strongSwan needs them in separate proposals. */
function v2Esp(cfg: AsaConfig, ledger: LineLedger, entry: MapEntry): string[] {
  const out: string[] = [];
  for (const name of entry.v2Proposals!.value) {
    const p = cfg.proposals.get(name)!;
    ledger.use(...p.lines);
    if (!p.enc.length)
      throw new ImportError(
        p.header,
        `ipsec-proposal ${name} has no cipher (expected "protocol esp encryption aes-256")`,
      );
    const enc = p.enc.map((e) => ESP_V2_ENCRYPTION[e]);
    const integ = (p.integ ?? ['sha-1']).map((i) => ESP_V2_INTEGRITY[i]).filter(Boolean);
    const aead = enc.filter(isAead);
    const classic = enc.filter((e) => !isAead(e));
    const parts: string[][] = [];
    if (aead.length) parts.push(aead);
    if (classic.length) {
      if (!integ.length)
        throw new ImportError(
          p.header,
          `ipsec-proposal ${name}: ${classic.join(', ')} need an integrity algorithm other than null`,
        );
      parts.push([...classic, ...integ]);
    }
    if (classic.length && aead.length && isAead(enc[0]) === false) parts.reverse();
    out.push(...parts.map((x) => x.join('-')));
  }
  return withPfs(out, entry, ledger).map((p) => checkProposal(p, 'esp', entry.v2Proposals!.line));
}

function v1Ike(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
): { proposals: string[]; lifetime: number; line: number } {
  const usable = [...cfg.v1Policies]
    .sort((a, b) => a.prio - b.prio)
    .filter((p) => {
      if (p.auth === 'pre-share') return true;
      for (const l of p.lines)
        ledger.unsupported(l, `IKEv1 policy ${p.prio} authenticates with ${p.auth}; the lab uses pre-shared keys`);
      return false;
    });
  if (!usable.length)
    throw new ImportError(
      0,
      'no IKEv1 policy with "authentication pre-share" (expected "crypto ikev1 policy N" with "authentication pre-share")',
    );
  return policiesResult(
    usable.map((p) => {
      ledger.use(...p.lines);
      const proposal = `${IKEV1_ENCRYPTION[p.enc]}-${IKEV1_HASH[p.hash]}-${ASA_DH_GROUPS[p.group]}`;
      return { proposal: checkProposal(proposal, 'ike', p.lines[0]), lifetime: p.lifetime, line: p.lines[0] };
    }),
    warnings,
  );
}

function v2Ike(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
): { proposals: string[]; lifetime: number; line: number } {
  const policies = [...cfg.v2Policies].sort((a, b) => a.prio - b.prio);
  if (!policies.length)
    throw new ImportError(0, 'no IKEv2 policy (expected "crypto ikev2 policy N" with encryption, integrity, group)');
  const items: { proposal: string; lifetime: number; line: number }[] = [];
  for (const p of policies) {
    ledger.use(...p.lines);
    const enc = p.enc.map((e) => IKEV2_ENCRYPTION[e]);
    const integ = p.integ.map((i) => IKEV2_INTEGRITY[i]).filter(Boolean);
    const prf = p.prf.map((f) => IKEV2_PRF[f]);
    const groups = p.group.map((g) => ASA_DH_GROUPS[g]);
    const aead = enc.filter(isAead);
    const classic = enc.filter((e) => !isAead(e));
    const parts: string[][] = [];
    // With GCM the integrity is null and an ASA then uses SHA-1 as PRF unless told otherwise.
    if (aead.length) parts.push([...aead, ...(prf.length ? prf : ['prfsha1']), ...groups]);
    if (classic.length) {
      if (!integ.length)
        throw new ImportError(
          p.lines[0],
          `IKEv2 policy ${p.prio}: ${classic.join(', ')} need an integrity algorithm other than null`,
        );
      // No explicit prf: strongSwan, like the ASA, derives the PRF from the integrity algorithm.
      parts.push([...classic, ...integ, ...prf, ...groups]);
    }
    if (aead.length && classic.length && !isAead(enc[0])) parts.reverse();
    for (const part of parts)
      items.push({
        proposal: checkProposal(part.join('-'), 'ike', p.lines[0]),
        lifetime: p.lifetime,
        line: p.lines[0],
      });
  }
  return policiesResult(items, warnings);
}

/** The lab has one IKE lifetime; the first (highest-priority) policy's wins. */
function policiesResult(items: { proposal: string; lifetime: number; line: number }[], warnings: ImportWarning[]) {
  const lifetime = items[0].lifetime;
  for (const it of items.slice(1)) {
    if (it.lifetime !== lifetime) {
      warnings.push({
        line: it.line,
        message: `lifetime ${it.lifetime}s differs from the first policy's ${lifetime}s; the lab uses one IKE lifetime (${lifetime}s)`,
      });
      break;
    }
  }
  return { proposals: [...new Set(items.map((i) => i.proposal))], lifetime, line: items[0].line };
}

function presharedKey(
  cfg: AsaConfig,
  ledger: LineLedger,
  peer: string,
  version: 1 | 2,
  entry: MapEntry,
  warnings: ImportWarning[],
): string {
  const tg = cfg.tunnelGroups.get(peer) ?? cfg.tunnelGroups.get('DefaultL2LGroup');
  const fallback = defaultSettings().left.gateway.psk;
  if (!tg) {
    warnings.push({
      line: entry.peers!.line,
      message: `no tunnel-group ${peer} (expected "tunnel-group ${peer} ipsec-attributes" with a pre-shared key); the lab uses its default key`,
    });
    return fallback;
  }
  ledger.use(...tg.lines.filter((l) => l !== tg.psk1?.line && l !== tg.pskLocal?.line && l !== tg.pskRemote?.line));
  let key: Ref<string> | undefined;
  if (version === 1) key = tg.psk1;
  else {
    key = tg.pskLocal ?? tg.pskRemote;
    if (tg.pskLocal && tg.pskRemote) {
      ledger.use(tg.pskLocal.line);
      if (tg.pskRemote.value !== tg.pskLocal.value) {
        ledger.unsupported(
          tg.pskRemote.line,
          'differs from the local-authentication key; the lab uses one key in both directions (the local one)',
        );
      } else ledger.use(tg.pskRemote.line);
    }
  }
  if (!key) {
    warnings.push({
      line: tg.lines[0],
      message: `tunnel-group ${peer} has no IKEv${version} pre-shared key; the lab uses its default key`,
    });
    return fallback;
  }
  ledger.use(key.line);
  if (key.value.includes('\n') || key.value.length > 1024)
    throw new ImportError(key.line, 'the pre-shared key must be one line of at most 1024 characters');
  return key.value;
}

function localIdentity(
  cfg: AsaConfig,
  ledger: LineLedger,
  localAddress: string | undefined,
  side: 'left' | 'right',
  warnings: ImportWarning[],
): string {
  const fallback = defaultSettings()[side].gateway.localId;
  const mode = cfg.identity?.value ?? ['auto'];
  if (cfg.identity) ledger.use(cfg.identity.line);
  if (mode[0] === 'hostname') {
    if (!cfg.hostname) throw new ImportError(cfg.identity!.line, 'identity hostname needs a "hostname" line');
    ledger.use(cfg.hostname.line);
    if (cfg.domainName) ledger.use(cfg.domainName.line);
    const fqdn = cfg.domainName ? `${cfg.hostname.value}.${cfg.domainName.value}` : cfg.hostname.value;
    if (isLabIdentity(fqdn)) return fqdn;
  } else if (mode[0] === 'key-id' && mode[1]) {
    const id = `keyid:${mode[1]}`;
    if (isLabIdentity(id)) return id;
  } else if (mode[0] === 'address' || mode[0] === 'auto') {
    if (localAddress) return localAddress;
    warnings.push({
      line: cfg.identity?.line ?? 0,
      message: `no local address found for the IKE identity; the lab uses ${fallback}`,
    });
    return fallback;
  } else if (cfg.identity)
    throw new ImportError(cfg.identity.line, 'expected identity address, hostname, key-id NAME or auto');
  warnings.push({
    line: cfg.identity?.line ?? 0,
    message: `the identity cannot be used in the lab; using ${fallback}`,
  });
  return fallback;
}

/**
 * `nat (inside,outside) source static L L destination static R R` exempts the tunnel traffic
 * from NAT; the lab never NATs, so such a line is understood. Any other NAT stays unsupported.
 */
function checkNatExemption(cfg: AsaConfig, ledger: LineLedger, ts: { local: string[]; remote: string[] }): void {
  for (const nat of cfg.nats) {
    const t = nat.tokens;
    const s = t.indexOf('source');
    const d = t.indexOf('destination');
    if (s < 0 || d < 0 || t[s + 1] !== 'static' || t[d + 1] !== 'static') continue;
    const [l1, l2, r1, r2] = [t[s + 2], t[s + 3], t[d + 2], t[d + 3]];
    if (!l1 || l1 !== l2 || !r1 || r1 !== r2) continue;
    const operand = (name: string) => {
      const spec: AddrSpec = cfg.groups.has(name) ? { kind: 'group', name } : { kind: 'object', name };
      try {
        return resolve(cfg, spec, nat.line);
      } catch {
        return null;
      }
    };
    const l = operand(l1);
    const r = operand(r1);
    if (!l || !r || l.bad || r.bad) continue;
    const within = (cidrs: string[], domain: string[]) => cidrs.every((c) => domain.includes(canonicalTs(c) ?? c));
    if (within(l.cidrs, ts.local) && within(r.cidrs, ts.remote)) ledger.use(nat.line, ...l.lines, ...r.lines);
  }
}
