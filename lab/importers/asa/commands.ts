import type { StartAction } from '../../settings/types.js';
import { ASA_DH_GROUPS, ESP_V1_ENCRYPTION, ESP_V1_INTEGRITY } from '../../vendors/asa/algorithms.js';
import { ImportError } from '../types.js';
import { DEFAULT_PFS_GROUP, type MapEntry, type ParseContext } from './model.js';
import { oneOf, parseAddr, seconds } from './syntax.js';

export function accessList(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger } = ctx;
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

export function transformSet(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger } = ctx;
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

export function cryptoMap(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger, warnings } = ctx;
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
