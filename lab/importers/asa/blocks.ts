import { isIPv4 } from '../../settings/addresses.js';
import {
  ASA_DH_GROUPS,
  ESP_V2_ENCRYPTION,
  ESP_V2_INTEGRITY,
  ESP_V2_UNSUPPORTED,
  IKEV1_ENCRYPTION,
  IKEV1_HASH,
  IKEV2_ENCRYPTION,
  IKEV2_INTEGRITY,
  IKEV2_PRF,
} from '../../vendors/asa/algorithms.js';
import { maskToPrefix } from '../../vendors/netmask.js';
import { phase2Setting } from './commands.js';
import {
  type BlockHandler,
  DEFAULT_KEEPALIVE,
  type Iface,
  type IpsecProfile,
  type IpsecProposal,
  type NetGroup,
  type NetObject,
  type ParseContext,
  type Problem,
  V1_POLICY_DEFAULTS,
  type V1Policy,
  V2_POLICY_DEFAULTS,
  type V2Policy,
} from './model.js';
import { type Checked, isGlobalCommand, oneOf, parseAddr, pskAfter, seconds } from './syntax.js';

/** A sub-mode whose commands are the given words (and `no` followed by one of them). */
function handler(known: readonly string[], line: (no: number, t: string[]) => void): BlockHandler {
  return {
    accepts: (t) => known.includes(t[0]) || (t[0] === 'no' && known.includes(t[1] ?? '')),
    line,
  };
}

/** Records what cannot be read on the line, for the item that owns it; true when the value is good. */
function check<T>(ctx: ParseContext, owner: { problems: Problem[] }, no: number, c: Checked<T>): c is { value: T } {
  if ('value' in c) return true;
  owner.problems.push({ line: no, message: c.problem });
  ctx.ledger.unsupported(no, c.problem);
  return false;
}

/** A block the lab does not model: its header and every sub-command are listed as not imported. */
export function unsupportedBlock(ctx: ParseContext, header: number, reason: string): BlockHandler {
  ctx.ledger.unsupported(header, reason);
  return {
    accepts: (t) => !isGlobalCommand(t),
    line: (no) => ctx.ledger.unsupported(no, `part of the block on line ${header} (${reason})`),
  };
}

const IFACE_WORDS = [
  'nameif',
  'security-level',
  'ip',
  'ipv6',
  'description',
  'shutdown',
  'shut',
  'switchport',
  'vlan',
  'speed',
  'duplex',
  'tunnel',
  'management-only',
  'mac-address',
  'channel-group',
  'pppoe',
  'nve-only',
  'member-interface',
  'ospf',
];

export function interfaceBlock(ctx: ParseContext, header: number, hw: string): BlockHandler {
  const { cfg, ledger, warnings } = ctx;
  const iface: Iface = { hw, lines: [header] };
  cfg.interfaces.push(iface);
  ledger.pending(header, `interface ${hw} is not used by the imported tunnel`);
  return handler(IFACE_WORDS, (no, t) => {
    const ref = <T>(value: T) => ({ value, line: no });
    if (t[0] === 'nameif' && t[1]) iface.nameif = t[1];
    else if (t[0] === 'ip' && t[1] === 'address' && t[2] && t[2] !== 'dhcp' && t[2] !== 'pppoe') {
      const prefix = maskToPrefix(t[3] ?? '') ?? undefined;
      if (isIPv4(t[2]) && prefix === undefined) {
        ledger.unsupported(no, `expected a netmask such as 255.255.255.0 after ${t[2]}`);
        return;
      }
      iface.address = ref({ word: t[2], prefix });
      if (t[4] === 'standby') warnings.push({ line: no, message: 'the failover standby address is not modelled' });
    } else if (t[0] === 'ip' && t[1] === 'address') {
      ledger.unsupported(no, 'only a static IPv4 address can be modelled');
      return;
    } else if (t[0] === 'tunnel' && t[1] === 'source' && t[2] === 'interface' && t[3]) iface.tunnelSource = ref(t[3]);
    else if (t[0] === 'tunnel' && t[1] === 'destination' && t[2]) iface.tunnelDestination = ref(t[2]);
    else if (t[0] === 'tunnel' && t[1] === 'mode' && t[2]) iface.tunnelMode = ref(t.slice(2).join(' '));
    else if (t[0] === 'tunnel' && t[1] === 'protection' && t[2] === 'ipsec' && t[3] === 'profile' && t[4])
      iface.tunnelProfile = ref(t[4]);
    else if (!['security-level', 'description', 'shutdown', 'shut', 'no'].includes(t[0])) {
      ledger.unsupported(no, 'interface setting not modelled in the lab');
      return;
    }
    iface.lines.push(no);
    ledger.pending(no, `interface ${iface.nameif ?? hw} is not used by the imported tunnel`);
  });
}

export function objectBlock(ctx: ParseContext, header: number, name: string): BlockHandler {
  const { cfg, ledger } = ctx;
  const obj: NetObject = { lines: [header], specs: [] };
  cfg.objects.set(name, obj);
  ledger.pending(header, `object ${name} is not used by the imported tunnel`);
  return handler(['subnet', 'host', 'range', 'fqdn', 'nat', 'description'], (no, t) => {
    if (t[0] === 'subnet' || t[0] === 'host') {
      const { spec } = parseAddr(t[0] === 'host' ? t : ['', ...t.slice(1)], t[0] === 'host' ? 0 : 1);
      if (spec.kind === 'bad') {
        obj.bad = `object ${name}: ${spec.reason}`;
        ledger.unsupported(no, obj.bad);
        return;
      }
      obj.specs.push({ spec, line: no });
    } else if (t[0] === 'range' || t[0] === 'fqdn') {
      obj.bad = `object ${name} is a${t[0] === 'range' ? ' range' : 'n FQDN'}; the lab takes subnets and addresses`;
      ledger.unsupported(no, obj.bad);
      return;
    } else if (t[0] === 'nat') {
      ledger.unsupported(no, 'NAT is not part of the lab');
      return;
    }
    obj.lines.push(no);
    ledger.pending(no, `object ${name} is not used by the imported tunnel`);
  });
}

export function groupBlock(ctx: ParseContext, header: number, name: string): BlockHandler {
  const { cfg, ledger } = ctx;
  const group: NetGroup = { lines: [header], members: [] };
  cfg.groups.set(name, group);
  const reason = `object-group ${name} is not used by the imported tunnel`;
  ledger.pending(header, reason);
  return handler(['network-object', 'group-object', 'description'], (no, t) => {
    if (t[0] === 'network-object') group.members.push({ spec: parseAddr(t, 1).spec, line: no });
    else if (t[0] === 'group-object' && t[1]) group.members.push({ spec: { kind: 'group', name: t[1] }, line: no });
    else if (t[0] !== 'description') {
      ledger.unsupported(no, 'object-group setting not understood');
      return;
    }
    group.lines.push(no);
    ledger.pending(no, reason);
  });
}

function priority(ctx: ParseContext, header: number, word: string | undefined, what: string): number | null {
  if (word !== undefined && /^\d+$/.test(word)) return Number(word);
  ctx.ledger.unsupported(header, `expected a ${what} priority number`);
  return null;
}

export function v1PolicyBlock(ctx: ParseContext, header: number, t: string[]): BlockHandler {
  const { cfg, ledger } = ctx;
  const prio = priority(ctx, header, t[3], 'policy');
  if (prio === null) return unsupportedBlock(ctx, header, 'an IKEv1 policy without a priority');
  const p: V1Policy = { prio, lines: [header], ...V1_POLICY_DEFAULTS, problems: [] };
  cfg.v1Policies.push(p);
  const reason = `IKEv1 policy ${prio} is not used by the imported tunnel`;
  ledger.pending(header, reason);
  return handler(['authentication', 'encryption', 'hash', 'group', 'lifetime'], (no, s) => {
    if (s[0] === 'authentication') p.auth = s[1] ?? '';
    else if (s[0] === 'encryption') {
      const c = oneOf(IKEV1_ENCRYPTION, s[1], 'IKEv1 encryption');
      if (!check(ctx, p, no, c)) return;
      p.enc = c.value;
    } else if (s[0] === 'hash') {
      const c = oneOf(IKEV1_HASH, s[1], 'IKEv1 hash');
      if (!check(ctx, p, no, c)) return;
      p.hash = c.value;
    } else if (s[0] === 'group') {
      const c = oneOf(ASA_DH_GROUPS, s[1], 'DH group');
      if (!check(ctx, p, no, c)) return;
      p.group = c.value;
    } else if (s[0] === 'lifetime') {
      const c: Checked<number> = s[1] === 'none' ? { value: 0 } : seconds(s[1], 'lifetime');
      if (!check(ctx, p, no, c)) return;
      p.lifetime = c.value;
      p.lifetimeLine = no;
    } else {
      ledger.unsupported(no, 'IKEv1 policy setting not understood');
      return;
    }
    p.lines.push(no);
    ledger.pending(no, reason);
  });
}

export function v2PolicyBlock(ctx: ParseContext, header: number, t: string[]): BlockHandler {
  const { cfg, ledger } = ctx;
  const prio = priority(ctx, header, t[3], 'policy');
  if (prio === null) return unsupportedBlock(ctx, header, 'an IKEv2 policy without a priority');
  const p: V2Policy = { prio, lines: [header], ...structuredClone(V2_POLICY_DEFAULTS), prf: [], problems: [] };
  cfg.v2Policies.push(p);
  const reason = `IKEv2 policy ${prio} is not used by the imported tunnel`;
  ledger.pending(header, reason);
  const list = (s: string[], table: Record<string, string>, what: string): Checked<string[]> => {
    if (s.length < 2) return { problem: `expected at least one ${what}` };
    const out: string[] = [];
    for (const w of s.slice(1)) {
      const c = oneOf(table, w, what);
      if ('problem' in c) return c;
      out.push(c.value);
    }
    return { value: out };
  };
  const tables: Record<string, [Record<string, string>, string, 'enc' | 'integ' | 'group' | 'prf']> = {
    encryption: [IKEV2_ENCRYPTION, 'IKEv2 encryption', 'enc'],
    integrity: [IKEV2_INTEGRITY, 'IKEv2 integrity', 'integ'],
    group: [ASA_DH_GROUPS, 'DH group', 'group'],
    prf: [IKEV2_PRF, 'PRF', 'prf'],
  };
  return handler(['encryption', 'integrity', 'group', 'prf', 'lifetime'], (no, s) => {
    const table = tables[s[0]];
    if (table) {
      const c = list(s, table[0], table[1]);
      if (!check(ctx, p, no, c)) return;
      p[table[2]] = c.value;
    } else if (s[0] === 'lifetime') {
      const c: Checked<number> =
        s[1] === 'none' ? { value: 0 } : seconds(s[1] === 'seconds' ? s[2] : s[1], 'lifetime seconds');
      if (!check(ctx, p, no, c)) return;
      p.lifetime = c.value;
      p.lifetimeLine = no;
    } else {
      ledger.unsupported(no, 'IKEv2 policy setting not understood');
      return;
    }
    p.lines.push(no);
    ledger.pending(no, reason);
  });
}

export function proposalBlock(ctx: ParseContext, header: number, name: string | undefined): BlockHandler {
  const { cfg, ledger } = ctx;
  if (!name) return unsupportedBlock(ctx, header, 'expected an ipsec-proposal name');
  const p: IpsecProposal = { header, lines: [header], enc: [], integ: undefined, problems: [] };
  cfg.proposals.set(name, p);
  const reason = `ipsec-proposal ${name} is not used by the imported tunnel`;
  ledger.pending(header, reason);
  return handler(['protocol'], (no, s) => {
    if (s[0] === 'protocol' && s[1] === 'esp' && (s[2] === 'encryption' || s[2] === 'integrity')) {
      if (!check(ctx, p, no, s.length < 4 ? { problem: `expected at least one ${s[2]} algorithm` } : { value: 0 }))
        return;
      if (s[2] === 'encryption') {
        for (const w of s.slice(3)) {
          if (w in ESP_V2_UNSUPPORTED) {
            ledger.unsupported(
              no,
              `${ESP_V2_UNSUPPORTED[w]} is not available in the lab; the other ciphers are imported`,
            );
            continue;
          }
          const c = oneOf(ESP_V2_ENCRYPTION, w, 'ESP encryption');
          if (!check(ctx, p, no, c)) return;
          p.enc.push(c.value);
        }
      } else {
        const integ: string[] = [];
        for (const w of s.slice(3)) {
          const c = oneOf(ESP_V2_INTEGRITY, w, 'ESP integrity');
          if (!check(ctx, p, no, c)) return;
          integ.push(c.value);
        }
        p.integ = integ;
      }
    } else if (s[0] === 'protocol' && s[1] === 'ah') {
      ledger.unsupported(no, 'AH is not modelled; the lab uses ESP');
      return;
    } else {
      ledger.unsupported(no, 'ipsec-proposal setting not understood');
      return;
    }
    p.lines.push(no);
    ledger.pending(no, reason);
  });
}

/** `crypto ipsec profile NAME`: the phase 2 of a route-based tunnel (VTI). */
export function profileBlock(ctx: ParseContext, header: number, name: string | undefined): BlockHandler {
  const { cfg, ledger } = ctx;
  if (!name) return unsupportedBlock(ctx, header, 'expected an ipsec profile name');
  const p: IpsecProfile = { name, lines: [header], problems: [] };
  cfg.profiles.set(name, p);
  const reason = `ipsec profile ${name} is not used by the imported tunnel`;
  ledger.pending(header, reason);
  return handler(['set', 'responder-only'], (no, s) => {
    if (s[0] === 'responder-only') p.responderOnly = { value: true, line: no };
    else if (!phase2Setting(ctx, p, no, s.slice(1))) return;
    p.lines.push(no);
    ledger.pending(no, reason);
  });
}

const TUNNEL_GROUP_WORDS = ['pre-shared-key', 'ikev1', 'ikev2', 'isakmp', 'peer-id-validate', 'chain', 'trust-point'];

export function ipsecAttributes(ctx: ParseContext, header: number, name: string): BlockHandler {
  const { cfg, ledger, warnings } = ctx;
  const tg = cfg.tunnelGroups.get(name)!;
  const reason = `tunnel-group ${name} is not used by the imported tunnel`;
  return handler(TUNNEL_GROUP_WORDS, (sub, s) => {
    const key = (i: number) => {
      const c = pskAfter(s, i, sub, warnings);
      if (!check(ctx, tg, sub, c)) return undefined;
      ledger.secret(sub, c.value);
      return { value: c.value, line: sub };
    };
    if (s[0] === 'ikev1' && s[1] === 'pre-shared-key') tg.psk1 = key(2) ?? tg.psk1;
    else if (s[0] === 'pre-shared-key') tg.psk1 = key(1) ?? tg.psk1;
    else if (s[0] === 'ikev2' && s[2] === 'pre-shared-key' && s[1] === 'local-authentication')
      tg.pskLocal = key(3) ?? tg.pskLocal;
    else if (s[0] === 'ikev2' && s[2] === 'pre-shared-key' && s[1] === 'remote-authentication')
      tg.pskRemote = key(3) ?? tg.pskRemote;
    else if (s[0] === 'isakmp' && s[1] === 'keepalive') {
      if (s[2] === 'disable') tg.keepalive = { value: 0, line: sub };
      else {
        const i = s.indexOf('threshold');
        const c: Checked<number> = i >= 0 ? seconds(s[i + 1], 'threshold') : { value: DEFAULT_KEEPALIVE };
        if (!check(ctx, tg, sub, c)) return;
        // ASA's retry interval has no strongSwan counterpart; the lab keeps its DPD timeout.
        tg.keepalive = { value: c.value, line: sub };
      }
    } else {
      ledger.unsupported(sub, 'tunnel-group setting not modelled in the lab');
      return;
    }
    tg.lines.push(sub);
    ledger.pending(sub, reason);
  });
}
