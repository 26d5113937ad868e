import { isIPv4, normalizeCidr } from '../../settings/addresses.js';
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
import { ImportError } from '../types.js';
import {
  type BlockHandler,
  DEFAULT_KEEPALIVE,
  type Iface,
  type IpsecProposal,
  type NetGroup,
  type NetObject,
  type ParseContext,
  V1_POLICY_DEFAULTS,
  type V1Policy,
  V2_POLICY_DEFAULTS,
  type V2Policy,
} from './model.js';
import { oneOf, parseAddr, pskAfter, seconds } from './syntax.js';

/** A block the lab does not model: its header and every sub-command are listed as not imported. */
export function unsupportedBlock(ctx: ParseContext, header: number, reason: string): BlockHandler {
  ctx.ledger.unsupported(header, reason);
  return (line) => ctx.ledger.unsupported(line, `part of the unsupported block on line ${header}`);
}

export function interfaceBlock(ctx: ParseContext, header: number, hw: string): BlockHandler {
  const { cfg, ledger, warnings } = ctx;
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

export function objectBlock(ctx: ParseContext, header: number, name: string): BlockHandler {
  const { cfg, ledger } = ctx;
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

export function groupBlock(ctx: ParseContext, header: number, name: string): BlockHandler {
  const { cfg, ledger } = ctx;
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

export function v1PolicyBlock(ctx: ParseContext, header: number, t: string[]): BlockHandler {
  const { cfg, ledger } = ctx;
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

export function v2PolicyBlock(ctx: ParseContext, header: number, t: string[]): BlockHandler {
  const { cfg, ledger } = ctx;
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

export function proposalBlock(ctx: ParseContext, header: number, name: string | undefined): BlockHandler {
  const { cfg, ledger } = ctx;
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

export function tunnelGroup(ctx: ParseContext, no: number, t: string[]): BlockHandler | null {
  const { cfg, ledger, warnings } = ctx;
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
  if (t[2] !== 'ipsec-attributes')
    return unsupportedBlock(ctx, no, `tunnel-group ${t[2]} are not part of the lab tunnel`);
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
