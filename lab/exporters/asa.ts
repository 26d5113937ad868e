import {
  formatIPv4,
  isIPv4,
  parseCidr,
  peerAddressOf,
  siteAddresses,
  trafficSelectors,
} from '../settings/addresses.js';
import { type ParsedProposal, parseProposal } from '../settings/proposals.js';
import type { GatewaySettings, LabSettings, Side } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import {
  ASA_DH_GROUPS,
  asaName,
  ESP_V1_ENCRYPTION,
  ESP_V1_INTEGRITY,
  ESP_V2_ENCRYPTION,
  ESP_V2_INTEGRITY,
  IKEV1_ENCRYPTION,
  IKEV1_HASH,
  IKEV2_ENCRYPTION,
  IKEV2_INTEGRITY,
  IKEV2_PRF,
  isAead,
} from '../vendors/asa/algorithms.js';
import { prefixToMask } from '../vendors/netmask.js';
import { ExportError, type ExportOptions } from './types.js';

const MAP = 'LAB_MAP';
const SEQ = 10;
const ACL = 'LAB_VPN';
/** ASA accepts lifetimes from 120 s; keepalive thresholds from 10 to 3600 s. */
const MIN_LIFETIME = 120;
const MAX_ASA_PSK = 128;

export type AsaExportOptions = ExportOptions;

type Field = string;

function mapAll(table: Record<string, string>, keywords: string[], field: Field, what: string): string[] {
  return keywords.map((k) => {
    const name = asaName(table, k);
    if (!name)
      throw new ExportError(
        field,
        `an ASA has no ${what} "${k}" (it offers ${[...new Set(Object.values(table).filter(Boolean))].join(', ')})`,
      );
    return name;
  });
}

function groupNumbers(dh: string[], field: Field): string[] {
  return mapAll(ASA_DH_GROUPS, dh, field, 'DH group');
}

function parsed(p: string, kind: 'ike' | 'esp', field: Field): ParsedProposal {
  const r = parseProposal(p, kind);
  if (!r.encryption.length) throw new ExportError(field, 'an ASA needs explicit algorithms, not "default"');
  if (r.esn.includes('esn'))
    throw new ExportError(field, 'extended sequence numbers (esn) are not configurable on an ASA crypto map');
  return r;
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

/** IKEv1: an ASA policy holds one algorithm of each kind, so multi-algorithm proposals fan out. */
function v1Policies(gw: GatewaySettings, base: string): string[][] {
  const out: string[][] = [];
  gw.ikeProposals.forEach((p, i) => {
    const field = `${base}.ikeProposals[${i}]`;
    const r = parsed(p, 'ike', field);
    if (r.encryption.some(isAead)) throw new ExportError(field, 'an ASA offers AES-GCM only with IKEv2');
    const enc = mapAll(IKEV1_ENCRYPTION, r.encryption, field, 'IKEv1 cipher');
    const hash = mapAll(IKEV1_HASH, r.integrity, field, 'IKEv1 hash');
    const derived = hash.map((h) => `prf${IKEV1_HASH[h]}`);
    if (r.prf.some((f) => !derived.includes(f))) {
      throw new ExportError(field, 'an ASA IKEv1 policy derives the PRF from the hash; remove the prf keyword');
    }
    const groups = groupNumbers(r.dh, field);
    for (const [e, h, g] of product([enc, hash, groups])) out.push([e, h, g]);
  });
  return out;
}

function v2Policies(
  gw: GatewaySettings,
  base: string,
): { enc: string[]; integ: string[]; prf: string[]; group: string[] }[] {
  return gw.ikeProposals.map((p, i) => {
    const field = `${base}.ikeProposals[${i}]`;
    const r = parsed(p, 'ike', field);
    const aead = r.encryption.every(isAead);
    return {
      enc: mapAll(IKEV2_ENCRYPTION, r.encryption, field, 'IKEv2 cipher'),
      integ: aead ? ['null'] : mapAll(IKEV2_INTEGRITY, r.integrity, field, 'IKEv2 integrity algorithm'),
      prf: mapAll(IKEV2_PRF, r.prf, field, 'PRF'),
      group: groupNumbers(r.dh, field),
    };
  });
}

/** ESP proposals and the one PFS group a crypto map entry can carry. */
function espParts(gw: GatewaySettings, base: string): { proposals: ParsedProposal[]; pfs?: string } {
  const proposals = gw.espProposals.map((p, i) => parsed(p, 'esp', `${base}.espProposals[${i}]`));
  const groups = proposals.map((r) => r.dh.join('-'));
  if (new Set(groups).size > 1 || proposals.some((r) => r.dh.length > 1)) {
    throw new ExportError(
      `${base}.espProposals`,
      'an ASA crypto map has one PFS group for all proposals; use the same single DH group (or none) in every ESP proposal',
    );
  }
  const dh = proposals[0].dh;
  return { proposals, pfs: dh.length ? groupNumbers(dh, `${base}.espProposals`)[0] : undefined };
}

function netName(cidr: string): string {
  const [addr, prefix] = cidr.split('/');
  return prefix === '32' ? `HOST-${addr}` : `NET-${addr}-${prefix}`;
}

function netDefinition(cidr: string): string[] {
  const c = parseCidr(cidr)!;
  const line =
    c.prefix === 32 ? ` host ${formatIPv4(c.network)}` : ` subnet ${formatIPv4(c.network)} ${prefixToMask(c.prefix)}`;
  return [`object network ${netName(cidr)}`, line];
}

function canonical(ts: string): string {
  const c = parseCidr(isIPv4(ts) ? `${ts}/32` : ts)!;
  return `${formatIPv4(c.network)}/${c.prefix}`;
}

/** The local identity as an ASA states it; an ASA can only present its address, hostname or a key id. */
function identity(
  gw: GatewaySettings,
  field: Field,
): { mode: string; address?: string; hostname?: string; domain?: string } {
  const id = gw.localId;
  if (isIPv4(id)) return { mode: 'address', address: id };
  if (id.startsWith('keyid:')) return { mode: `key-id ${id.slice(6)}` };
  const fqdn = id.replace(/^fqdn:/, '');
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(fqdn) && !/^\d+(\.\d+)*$/.test(fqdn)) {
    const [host, ...domain] = fqdn.split('.');
    return { mode: 'hostname', hostname: host, domain: domain.join('.') || undefined };
  }
  throw new ExportError(field, `an ASA identifies itself by address, hostname or key-id; "${id}" is none of them`);
}

/**
 * Cisco ASA CLI for one gateway of the lab: crypto map tunnel with IKEv1 or IKEv2 (the side's
 * ikeVersion), objects and ACL for the encryption domain, NAT exemption, tunnel-group with PSK.
 * Throws ExportError naming the setting an ASA cannot express.
 */
export function exportAsa(input: LabSettings, side: Side, options: AsaExportOptions = {}): string {
  const settings = validateSettings(input);
  const gw = settings[side].gateway;
  const base = `${side}.gateway`;
  const site = siteAddresses(settings, side);
  const notes: string[] = [];
  const out: string[] = [];

  if (gw.encap)
    throw new ExportError(
      `${base}.encap`,
      'an ASA cannot force UDP encapsulation of ESP; it uses NAT-T only when it detects NAT',
    );
  if (/\s/.test(gw.psk) || gw.psk.length > MAX_ASA_PSK) {
    throw new ExportError(`${base}.psk`, `an ASA pre-shared key has no spaces and at most ${MAX_ASA_PSK} characters`);
  }
  const lifetime = (value: number, field: string) => {
    if (value < MIN_LIFETIME) throw new ExportError(field, `an ASA lifetime is at least ${MIN_LIFETIME} seconds`);
    return value;
  };
  if (gw.dpd.delay !== 0 && (gw.dpd.delay < 10 || gw.dpd.delay > 3600)) {
    throw new ExportError(`${base}.dpd.delay`, 'an ASA keepalive threshold is 10 to 3600 seconds (or 0 to disable it)');
  }
  const childLifetime = lifetime(gw.child.rekeyTime, `${base}.child.rekeyTime`);
  // 0 means "never rekey" in the lab and "lifetime none" on an ASA.
  const ikeLifetime = gw.ike.rekeyTime === 0 ? 'none' : String(lifetime(gw.ike.rekeyTime, `${base}.ike.rekeyTime`));
  const id = identity(gw, `${base}.localId`);

  const v1 = gw.ikeVersion === 1;
  const ikeV1 = v1 ? v1Policies(gw, base) : [];
  const ikeV2 = v1 ? [] : v2Policies(gw, base);
  const esp = espParts(gw, base);

  // The ASA matches a site-to-site peer by address: an explicit peer address, else an address
  // identity of the peer, else the lab's peer gateway.
  const peer = gw.peerAddress || (isIPv4(gw.remoteId) ? gw.remoteId : peerAddressOf(settings, side));
  if (gw.remoteId !== peer)
    notes.push(`the ASA does not check the peer identity ${gw.remoteId}; it matches the peer by its address ${peer}`);
  if (gw.ike.reauthTime)
    notes.push(`the ASA does not reauthenticate (reauth_time ${gw.ike.reauthTime}s); it rekeys at the lifetime`);
  if (gw.child.lifeTime)
    notes.push(`the ASA has one SA lifetime; the hard life_time ${gw.child.lifeTime}s is not carried`);
  if (gw.startAction === 'initiate')
    notes.push('the ASA brings the tunnel up on the first interesting packet, not at once');
  if (!v1 && gw.mobike) notes.push('the ASA does no MOBIKE on site-to-site tunnels');

  const wanPrefix = parseCidr(settings[side].wan)!.prefix;
  const outsideAddress = id.address ?? site.gatewayWan;
  // An identity address outside the lab WAN is the customer's real address; its mask is unknown.
  const outsideMask = inSubnet(outsideAddress, settings[side].wan) ? prefixToMask(wanPrefix) : '255.255.255.0';

  out.push(`! Cisco ASA configuration for gw-${side}, generated by ipsec-lab (IKEv${gw.ikeVersion})`);
  for (const n of notes) out.push(`! note: ${n}`);
  if (id.hostname) out.push(`hostname ${id.hostname}`);
  if (id.domain) out.push(`domain-name ${id.domain}`);
  out.push(
    'interface GigabitEthernet0/0',
    ' nameif outside',
    ' security-level 0',
    ` ip address ${outsideAddress} ${outsideMask}`,
    '!',
  );
  out.push(
    'interface GigabitEthernet0/1',
    ' nameif inside',
    ' security-level 100',
    ` ip address ${site.gatewayLan} ${prefixToMask(site.prefixLan)}`,
    '!',
  );

  // Encryption domain: one object per subnet, grouped when there are several.
  const ts = trafficSelectors(settings, side);
  const local = [...new Set(ts.local.map(canonical))];
  const remote = [...new Set(ts.remote.map(canonical))];
  const defined = new Set<string>();
  for (const c of [...local, ...remote]) {
    if (defined.has(c)) continue;
    defined.add(c);
    out.push(...netDefinition(c));
  }
  const operand = (cidrs: string[], group: string): { acl: string; nat: string; lines: string[] } => {
    if (cidrs.length === 1) return { acl: `object ${netName(cidrs[0])}`, nat: netName(cidrs[0]), lines: [] };
    return {
      acl: `object-group ${group}`,
      nat: group,
      lines: [`object-group network ${group}`, ...cidrs.map((c) => ` network-object object ${netName(c)}`)],
    };
  };
  const l = operand(local, 'LAB-LOCAL-NETS');
  const r = operand(remote, 'LAB-REMOTE-NETS');
  out.push(...l.lines, ...r.lines);
  out.push(`access-list ${ACL} extended permit ip ${l.acl} ${r.acl}`);
  out.push(
    `nat (inside,outside) source static ${l.nat} ${l.nat} destination static ${r.nat} ${r.nat} no-proxy-arp route-lookup`,
  );

  // Phase 2.
  const phase2Names: string[] = [];
  const taken = new Set<string>();
  const uniqueName = (name: string) => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
    taken.add(n);
    return n;
  };
  esp.proposals.forEach((p, i) => {
    const field = `${base}.espProposals[${i}]`;
    const aead = p.encryption.every(isAead);
    if (v1) {
      if (aead) throw new ExportError(field, 'an ASA IKEv1 transform set has no AES-GCM; use IKEv2');
      const enc = mapAll(ESP_V1_ENCRYPTION, p.encryption, field, 'IKEv1 ESP cipher');
      const integ = mapAll(ESP_V1_INTEGRITY, p.integrity, field, 'IKEv1 ESP integrity algorithm');
      for (const [e, h] of product([enc, integ])) {
        const name = uniqueName(`ESP-${e.replace(/^esp-/, '')}-${h.replace(/^esp-|-hmac$/g, '')}`.toUpperCase());
        phase2Names.push(name);
        out.push(`crypto ipsec ikev1 transform-set ${name} ${e} ${h}`);
      }
    } else {
      const enc = mapAll(ESP_V2_ENCRYPTION, p.encryption, field, 'ESP cipher');
      const integ = aead ? ['null'] : mapAll(ESP_V2_INTEGRITY, p.integrity, field, 'ESP integrity algorithm');
      const name = uniqueName(`ESP-${enc[0]}-${integ[0]}`.toUpperCase());
      phase2Names.push(name);
      out.push(
        `crypto ipsec ikev2 ipsec-proposal ${name}`,
        ` protocol esp encryption ${enc.join(' ')}`,
        ` protocol esp integrity ${integ.join(' ')}`,
      );
    }
  });

  const entry = `crypto map ${MAP} ${SEQ}`;
  out.push(`${entry} match address ${ACL}`);
  out.push(`${entry} set peer ${peer}`);
  out.push(
    v1
      ? `${entry} set ikev1 transform-set ${phase2Names.join(' ')}`
      : `${entry} set ikev2 ipsec-proposal ${phase2Names.join(' ')}`,
  );
  if (esp.pfs) out.push(`${entry} set pfs group${esp.pfs}`);
  out.push(`${entry} set security-association lifetime seconds ${childLifetime}`);
  if (gw.aggressive) out.push(`${entry} set ikev1 phase1-mode aggressive`);
  if (gw.startAction === 'wait') out.push(`${entry} set connection-type answer-only`);
  out.push(`crypto map ${MAP} interface outside`);
  out.push(`crypto isakmp identity ${id.mode}`);
  out.push(`crypto ikev${gw.ikeVersion} enable outside`);

  // Phase 1: one policy per proposal, priorities in proposal order.
  if (v1) {
    ikeV1.forEach(([e, h, g], i) => {
      out.push(
        `crypto ikev1 policy ${(i + 1) * 10}`,
        ' authentication pre-share',
        ` encryption ${e}`,
        ` hash ${h}`,
        ` group ${g}`,
        ` lifetime ${ikeLifetime}`,
      );
    });
  } else {
    ikeV2.forEach((p, i) => {
      out.push(
        `crypto ikev2 policy ${(i + 1) * 10}`,
        ` encryption ${p.enc.join(' ')}`,
        ` integrity ${p.integ.join(' ')}`,
        ` group ${p.group.join(' ')}`,
      );
      if (p.prf.length) out.push(` prf ${p.prf.join(' ')}`);
      out.push(ikeLifetime === 'none' ? ' lifetime none' : ` lifetime seconds ${ikeLifetime}`);
    });
  }

  const psk = options.revealSecrets ? gw.psk : '*****';
  out.push(`tunnel-group ${peer} type ipsec-l2l`, `tunnel-group ${peer} ipsec-attributes`);
  if (v1) out.push(` ikev1 pre-shared-key ${psk}`);
  else
    out.push(` ikev2 remote-authentication pre-shared-key ${psk}`, ` ikev2 local-authentication pre-shared-key ${psk}`);
  out.push(gw.dpd.delay ? ` isakmp keepalive threshold ${gw.dpd.delay} retry 2` : ' isakmp keepalive disable');
  return out.join('\n') + '\n';
}

function inSubnet(address: string, cidr: string): boolean {
  const c = parseCidr(cidr)!;
  const a = parseCidr(`${address}/32`)!.network;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return (a & mask) >>> 0 === c.network;
}
