import { isIPv4, normalizeCidr } from '../../settings/addresses.js';
import { maskToPrefix } from '../../vendors/netmask.js';
import { isMaskedKey } from '../tokens.js';
import type { ImportWarning } from '../types.js';
import type { AddrSpec } from './model.js';

/** Global commands that have nothing to do with a site-to-site tunnel. */
export const NOT_TUNNEL = new Set([
  'hostname',
  'domain-name',
  'names',
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
  'asa',
  'pix',
  'cryptochecksum',
  'management-access',
  'router',
  'anyconnect',
  'ssl',
  'vpn-sessiondb',
  'flow-export',
  'priority-queue',
  'dns-guard',
  'object-group-search',
  'sla',
  'track',
  'prefix-list',
  'route-map',
  'tunnel-group-map',
  'ipv6',
  'group-policy',
  'vpn',
  'vpdn',
  'ip',
  'global',
  'static',
  'show',
  'clear',
  'copy',
  'write',
  'wr',
  'ping',
  'packet-tracer',
  'reload',
]);

/** Global commands the importer reads. */
const TUNNEL_COMMANDS = new Set([
  'interface',
  'object',
  'object-group',
  'access-list',
  'nat',
  'crypto',
  'isakmp',
  'tunnel-group',
  'name',
]);

/** CLI navigation: understood, and no setting of its own. */
export const NAVIGATION = new Set(['exit', 'end', 'configure', 'conf', 'quit']);

/** The first word of a global command, as the ASA compares it (`Cryptochecksum:abc` -> cryptochecksum). */
function commandWord(word: string): string {
  return word.toLowerCase().replace(/:.*$/, '');
}

/** Whether a line is a global command (the ASA's fallback for a command its current sub-mode lacks). */
export function isGlobalCommand(words: string[]): boolean {
  const w = commandWord(words[0] ?? '');
  return TUNNEL_COMMANDS.has(w) || NOT_TUNNEL.has(w) || NAVIGATION.has(w);
}

export function isNotTunnel(word: string): boolean {
  return NOT_TUNNEL.has(commandWord(word));
}

/** A CLI prompt pasted with the command (`ciscoasa(config)# crypto ...`): the command is what follows. */
export function withoutPrompt(line: string): string {
  return line.replace(/^\s*[\w.-]+(\([\w-]+\))?[#>]\s*/, '');
}

export type Checked<T> = { value: T } | { problem: string };

export function oneOf(table: Record<string, string>, word: string | undefined, what: string): Checked<string> {
  if (word !== undefined && word in table) return { value: word };
  return { problem: `unknown ${what} "${word ?? ''}" (expected one of: ${Object.keys(table).join(', ')})` };
}

export function seconds(word: string | undefined, what: string): Checked<number> {
  if (word === undefined || !/^\d+$/.test(word)) return { problem: `expected a number of seconds after "${what}"` };
  return { value: Number(word) };
}

/** An address and mask (`10.1.0.0 255.255.0.0`, `vpc_subnet vpc_subnet_mask`) at words[i]. */
function addressAndMask(t: string[], i: number): { spec: AddrSpec; next: number } {
  const a = t[i];
  const m = t[i + 1];
  if (isIPv4(a)) {
    const prefix = maskToPrefix(m ?? '');
    if (prefix === null)
      return { spec: { kind: 'bad', reason: `expected a netmask such as 255.255.255.0 after ${a}` }, next: i + 2 };
    return { spec: { kind: 'cidr', cidr: normalizeCidr(`${a}/${prefix}`) }, next: i + 2 };
  }
  // A name (or a template's placeholder) followed by its mask.
  const mask = m !== undefined && !ACL_KEYWORDS.has(m) ? m : undefined;
  return {
    spec: { kind: 'word', word: a, mask, text: mask ? `${a} ${mask}` : a },
    next: i + (mask ? 2 : 1),
  };
}

const ACL_KEYWORDS = new Set([
  'any',
  'any4',
  'any6',
  'host',
  'object',
  'object-group',
  'interface',
  'log',
  'inactive',
  'time-range',
  'eq',
  'lt',
  'gt',
  'neq',
  'range',
]);

/** One operand of an extended ACL entry: any, host A, A MASK, object NAME, object-group NAME. */
export function parseAddr(t: string[], i: number): { spec: AddrSpec; next: number } {
  const w = t[i];
  if (w === undefined)
    return {
      spec: { kind: 'bad', reason: 'expected an address: any, host A, A MASK, object NAME or object-group NAME' },
      next: i,
    };
  if (w === 'any' || w === 'any4') return { spec: { kind: 'cidr', cidr: '0.0.0.0/0' }, next: i + 1 };
  if (w === 'any6' || w.includes(':'))
    return { spec: { kind: 'bad', reason: 'IPv6 selectors are not part of the lab' }, next: i + 1 };
  if (w === 'host') {
    const a = t[i + 1];
    if (!a) return { spec: { kind: 'bad', reason: 'expected an address after "host"' }, next: i + 1 };
    return {
      spec: isIPv4(a) ? { kind: 'cidr', cidr: `${a}/32` } : { kind: 'word', word: a, mask: '255.255.255.255', text: a },
      next: i + 2,
    };
  }
  if (w === 'object' || w === 'object-group') {
    const name = t[i + 1];
    if (!name) return { spec: { kind: 'bad', reason: `expected a name after "${w}"` }, next: i + 1 };
    return { spec: { kind: w === 'object' ? 'object' : 'group', name }, next: i + 2 };
  }
  if (w === 'interface')
    return { spec: { kind: 'bad', reason: 'interface addresses as selectors are not modelled' }, next: i + 2 };
  return addressAndMask(t, i);
}

/** The pre-shared key after `pre-shared-key`, with ASA's optional 0 (clear) / 8 (encrypted) marker. */
export function pskAfter(t: string[], i: number, line: number, warnings: ImportWarning[]): Checked<string> {
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
  if (!key) return { problem: 'expected a key after "pre-shared-key"' };
  if (isMaskedKey(key))
    warnings.push({
      line,
      message: key.startsWith('*')
        ? 'the pre-shared key is masked (show running-config hides it; use "more system:running-config")'
        : 'the pre-shared key is masked in this text; the lab uses its own key',
    });
  return { value: key };
}
