import { isIPv4, normalizeCidr } from '../../settings/addresses.js';
import { maskToPrefix } from '../../vendors/netmask.js';
import { ImportError, type ImportWarning } from '../types.js';
import type { AddrSpec } from './model.js';

/** Device settings that have nothing to do with a site-to-site tunnel. */
export const NOT_TUNNEL = new Set([
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

export function oneOf(table: Record<string, string>, word: string | undefined, line: number, what: string): string {
  if (word !== undefined && word in table) return word;
  throw new ImportError(line, `unknown ${what} "${word ?? ''}" (expected one of: ${Object.keys(table).join(', ')})`);
}

export function seconds(word: string | undefined, line: number, what: string): number {
  if (word === undefined || !/^\d+$/.test(word))
    throw new ImportError(line, `expected a number of seconds after "${what}"`);
  return Number(word);
}

export function parseAddr(t: string[], i: number, line: number): { spec: AddrSpec; next: number } {
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
export function pskAfter(t: string[], i: number, line: number, warnings: ImportWarning[]): string {
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
