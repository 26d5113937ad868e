import { isIPv4, normalizeCidr, peerAddressOf, siteAddresses, trafficSelectors } from '../settings/addresses.js';
import { type ParsedProposal, parseProposal } from '../settings/proposals.js';
import type { GatewaySettings, LabSettings, Side } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import { isAead, vendorName } from '../vendors/names.js';
import {
  PAN_DH_GROUPS,
  PAN_ESP_AUTHENTICATION,
  PAN_ESP_ENCRYPTION,
  PAN_IKE_ENCRYPTION,
  PAN_IKE_HASH,
  PAN_LIFETIME_UNITS,
} from '../vendors/paloalto/algorithms.js';
import { ExportError, type ExportOptions } from './types.js';

const IKE_PROFILE = 'LAB-IKE';
const IPSEC_PROFILE = 'LAB-IPSEC';
const GATEWAY = 'LAB-GW';
const TUNNEL = 'LAB-TUNNEL';
const TUNNEL_IF = 'tunnel.1';
const WAN_IF = 'ethernet1/1';
const LAN_IF = 'ethernet1/2';
/** PAN-OS limits: lifetimes from 3 minutes; DPD interval and retries 2 to 100; keys up to 255 characters. */
const MIN_LIFETIME = 180;
const MAX_UNIT = { seconds: 65535, minutes: 65535, hours: 65535, days: 365 };
const DPD_RANGE = [2, 100];
const MAX_PSK = 255;

export type PaloAltoExportOptions = ExportOptions;

function names(table: Record<string, string>, keywords: string[], field: string, what: string): string[] {
  return keywords.map((k) => {
    const n = vendorName(table, k);
    if (!n)
      throw new ExportError(
        field,
        `PAN-OS has no ${what} "${k}" (it offers ${[...new Set(Object.values(table).filter(Boolean))].join(', ')})`,
      );
    return n;
  });
}

/** The list of a set command: one value, or `[ a b ]`. */
function list(values: string[]): string {
  return values.length === 1 ? values[0] : `[ ${values.join(' ')} ]`;
}

/** A PAN-OS lifetime: the largest unit that states the seconds exactly, within PAN-OS's ranges. */
function lifetime(seconds: number, field: string): string {
  if (seconds < MIN_LIFETIME) throw new ExportError(field, `a PAN-OS lifetime is at least ${MIN_LIFETIME} seconds`);
  for (const unit of ['days', 'hours', 'minutes', 'seconds'] as const) {
    const n = seconds / PAN_LIFETIME_UNITS[unit];
    if (Number.isInteger(n) && n <= MAX_UNIT[unit]) return `${unit} ${n}`;
  }
  throw new ExportError(field, `${seconds} seconds is no whole number of PAN-OS minutes, hours or days in range`);
}

const unionOf = (ps: ParsedProposal[], k: keyof ParsedProposal) => [...new Set(ps.flatMap((p) => p[k]))];

/** Whether one profile (every listed algorithm combined with every other) offers exactly these proposals. */
function exactUnion(ps: ParsedProposal[], kinds: (keyof ParsedProposal)[]): boolean {
  const combos = (p: ParsedProposal) =>
    kinds.reduce<string[]>((acc, k) => acc.flatMap((a) => (p[k].length ? p[k] : ['']).map((v) => `${a}|${v}`)), ['']);
  const all = new Set(ps.flatMap(combos));
  const union = kinds.reduce<number>((n, k) => n * Math.max(1, unionOf(ps, k).length), 1);
  return all.size === union;
}

function ikeProfile(gw: GatewaySettings, base: string, notes: string[]) {
  const field = `${base}.ikeProposals`;
  const ps = gw.ikeProposals.map((p, i) => {
    const r = parseProposal(p, 'ike');
    if (!r.encryption.length)
      throw new ExportError(`${field}[${i}]`, 'PAN-OS needs explicit algorithms, not "default"');
    if (gw.ikeVersion === 1 && r.encryption.some(isAead))
      throw new ExportError(`${field}[${i}]`, 'PAN-OS offers AES-GCM for IKE only with IKEv2');
    // PAN-OS has one hash per profile: IKEv2's integrity and PRF (with GCM the PRF alone).
    const hashes = r.encryption.every(isAead) ? r.prf.map((f) => f.replace(/^prf/, '')) : r.integrity;
    const derived = hashes.map((h) => `prf${h}`);
    if (r.prf.some((f) => !derived.includes(f)))
      throw new ExportError(
        `${field}[${i}]`,
        'PAN-OS derives the PRF from the IKE hash; use the same algorithm for both',
      );
    names(PAN_IKE_ENCRYPTION, r.encryption, `${field}[${i}]`, 'IKE cipher');
    names(PAN_IKE_HASH, hashes, `${field}[${i}]`, 'IKE hash');
    names(PAN_DH_GROUPS, r.dh, `${field}[${i}]`, 'DH group');
    return { ...r, integrity: hashes, prf: [] };
  });
  if (ps.length > 1 && !exactUnion(ps, ['encryption', 'integrity', 'dh']))
    notes.push(
      `PAN-OS offers every combination of the profile's algorithms; the ${ps.length} IKE proposals become one profile`,
    );
  return {
    encryption: names(PAN_IKE_ENCRYPTION, unionOf(ps, 'encryption'), field, 'IKE cipher'),
    hash: names(PAN_IKE_HASH, unionOf(ps, 'integrity'), field, 'IKE hash'),
    dh: names(PAN_DH_GROUPS, unionOf(ps, 'dh'), field, 'DH group'),
  };
}

function ipsecProfile(gw: GatewaySettings, base: string, notes: string[]) {
  const field = `${base}.espProposals`;
  const ps = gw.espProposals.map((p, i) => {
    const r = parseProposal(p, 'esp');
    if (!r.encryption.length)
      throw new ExportError(`${field}[${i}]`, 'PAN-OS needs explicit algorithms, not "default"');
    if (r.esn.includes('esn'))
      throw new ExportError(`${field}[${i}]`, 'PAN-OS does not negotiate extended sequence numbers');
    names(PAN_ESP_ENCRYPTION, r.encryption, `${field}[${i}]`, 'ESP cipher');
    names(PAN_ESP_AUTHENTICATION, r.integrity, `${field}[${i}]`, 'ESP authentication');
    return r;
  });
  const groups = new Set(ps.map((r) => r.dh.join('-')));
  if (groups.size > 1 || ps.some((r) => r.dh.length > 1))
    throw new ExportError(
      field,
      'a PAN-OS IPsec crypto profile has one DH group for all proposals; use the same single group (or none) in every ESP proposal',
    );
  if (ps.length > 1 && !exactUnion(ps, ['encryption', 'integrity']))
    notes.push(
      `PAN-OS offers every combination of the profile's algorithms; the ${ps.length} ESP proposals become one profile`,
    );
  const integ = unionOf(ps, 'integrity');
  return {
    encryption: names(PAN_ESP_ENCRYPTION, unionOf(ps, 'encryption'), field, 'ESP cipher'),
    authentication: integ.length ? names(PAN_ESP_AUTHENTICATION, integ, field, 'ESP authentication') : ['none'],
    dh: ps[0].dh.length ? names(PAN_DH_GROUPS, ps[0].dh, field, 'DH group')[0] : 'no-pfs',
  };
}

/** A PAN-OS local-id/peer-id: type and value. */
function panId(id: string, field: string): [string, string] {
  if (isIPv4(id)) return ['ipaddr', id];
  if (id.startsWith('keyid:')) return ['keyid', id.slice(6)];
  const v = id.replace(/^(fqdn|email|userfqdn):/, '');
  if (v.includes('@')) return ['ufqdn', v];
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(v)) return ['fqdn', v];
  throw new ExportError(field, `PAN-OS identities are an address, FQDN, user@FQDN or key ID; "${id}" is none of them`);
}

/** A value as the PAN-OS CLI reads it: quoted when it has spaces or CLI punctuation. */
function value(v: string): string {
  return /[\s;"'[\]{}|]/.test(v) ? `"${v}"` : v;
}

/**
 * PAN-OS set commands for one gateway of the lab: IKE and IPsec crypto profiles, the IKE gateway
 * (IKEv1 or IKEv2), the IPsec tunnel with one proxy ID per selector pair (none for 0.0.0.0/0, a
 * route-based tunnel), interfaces and the static routes into the tunnel. Throws ExportError naming
 * the setting PAN-OS cannot express.
 */
export function exportPaloAlto(input: LabSettings, side: Side, options: PaloAltoExportOptions = {}): string {
  const settings = validateSettings(input);
  const gw = settings[side].gateway;
  const base = `${side}.gateway`;
  const site = siteAddresses(settings, side);
  const notes: string[] = [];
  if (gw.encap)
    throw new ExportError(
      `${base}.encap`,
      'PAN-OS cannot force UDP encapsulation of ESP; it uses NAT-T when it detects NAT',
    );
  if (gw.psk.length > MAX_PSK || gw.psk.includes('"'))
    throw new ExportError(
      `${base}.psk`,
      `a PAN-OS pre-shared key has at most ${MAX_PSK} characters and no double quote`,
    );
  if (gw.ike.rekeyTime === 0)
    throw new ExportError(`${base}.ike.rekeyTime`, 'PAN-OS always rekeys IKE SAs; set a lifetime');
  const ikeLife = lifetime(gw.ike.rekeyTime, `${base}.ike.rekeyTime`);
  const childLife = lifetime(gw.child.rekeyTime, `${base}.child.rekeyTime`);
  if (gw.dpd.delay && (gw.dpd.delay < DPD_RANGE[0] || gw.dpd.delay > DPD_RANGE[1]))
    throw new ExportError(`${base}.dpd.delay`, `a PAN-OS DPD interval is ${DPD_RANGE[0]} to ${DPD_RANGE[1]} seconds`);
  const ike = ikeProfile(gw, base, notes);
  const esp = ipsecProfile(gw, base, notes);
  const [localType, localId] = panId(gw.localId, `${base}.localId`);
  const [peerType, peerId] = panId(gw.remoteId, `${base}.remoteId`);
  const peer = gw.peerAddress || peerAddressOf(settings, side);
  const v = `ikev${gw.ikeVersion}`;

  if (gw.startAction === 'initiate')
    notes.push('PAN-OS brings the tunnel up on the first matching packet (a tunnel monitor keeps it up)');
  if (gw.ike.reauthTime) notes.push(`PAN-OS does not reauthenticate on a timer (reauth_time ${gw.ike.reauthTime}s)`);
  if (gw.child.lifeTime)
    notes.push(`PAN-OS has one IPsec lifetime; the hard life_time ${gw.child.lifeTime}s is not carried`);
  if (gw.ikeVersion === 2 && gw.mobike) notes.push('PAN-OS does no MOBIKE');
  notes.push(`add ${TUNNEL_IF} to a zone and allow the LAN traffic in a security rule (not written here)`);

  const ts = trafficSelectors(settings, side);
  const routeBased = ts.local.every((t) => t === '0.0.0.0/0') && ts.remote.every((t) => t === '0.0.0.0/0');
  const cidr = (t: string) => normalizeCidr(isIPv4(t) ? `${t}/32` : t);
  const out: string[] = [
    `# Palo Alto Networks PAN-OS configuration for gw-${side}, generated by ipsec-lab (IKEv${gw.ikeVersion})`,
    ...notes.map((n) => `# note: ${n}`),
  ];
  const set = (path: string) => out.push(`set ${path}`);
  set(`network interface ethernet ${WAN_IF} layer3 ip ${site.gatewayWan}/${site.prefixWan}`);
  set(`network interface ethernet ${LAN_IF} layer3 ip ${site.gatewayLan}/${site.prefixLan}`);
  set(`network interface tunnel units ${TUNNEL_IF}`);
  set(`network virtual-router default interface [ ${WAN_IF} ${LAN_IF} ${TUNNEL_IF} ]`);

  const ikeP = `network ike crypto-profiles ike-crypto-profiles ${IKE_PROFILE}`;
  set(`${ikeP} encryption ${list(ike.encryption)}`);
  set(`${ikeP} hash ${list(ike.hash)}`);
  set(`${ikeP} dh-group ${list(ike.dh)}`);
  set(`${ikeP} lifetime ${ikeLife}`);
  const ipsecP = `network ike crypto-profiles ipsec-crypto-profiles ${IPSEC_PROFILE}`;
  set(`${ipsecP} esp encryption ${list(esp.encryption)}`);
  set(`${ipsecP} esp authentication ${list(esp.authentication)}`);
  set(`${ipsecP} dh-group ${esp.dh}`);
  set(`${ipsecP} lifetime ${childLife}`);

  const g = `network ike gateway ${GATEWAY}`;
  const psk = options.revealSecrets ? gw.psk : '*****';
  set(`${g} authentication pre-shared-key key ${value(psk)}`);
  set(`${g} protocol version ${v}`);
  set(`${g} protocol ${v} ike-crypto-profile ${IKE_PROFILE}`);
  if (gw.ikeVersion === 1) set(`${g} protocol ikev1 exchange-mode ${gw.aggressive ? 'aggressive' : 'main'}`);
  if (!gw.dpd.delay) set(`${g} protocol ${v} dpd enable no`);
  else {
    const retry = Math.min(DPD_RANGE[1], Math.max(DPD_RANGE[0], Math.round(gw.dpd.timeout / gw.dpd.delay)));
    set(`${g} protocol ${v} dpd enable yes interval ${gw.dpd.delay}${gw.ikeVersion === 1 ? ` retry ${retry}` : ''}`);
  }
  set(`${g} protocol-common nat-traversal enable yes`);
  if (gw.startAction === 'wait') set(`${g} protocol-common passive-mode yes`);
  set(`${g} local-address interface ${WAN_IF}`);
  set(`${g} local-address ip ${site.gatewayWan}/${site.prefixWan}`);
  set(`${g} peer-address ip ${peer}`);
  set(`${g} local-id type ${localType} id ${value(localId)}`);
  set(`${g} peer-id type ${peerType} id ${value(peerId)}`);

  const t = `network tunnel ipsec ${TUNNEL}`;
  set(`${t} auto-key ike-gateway ${GATEWAY}`);
  set(`${t} auto-key ipsec-crypto-profile ${IPSEC_PROFILE}`);
  set(`${t} tunnel-interface ${TUNNEL_IF}`);
  if (!routeBased) {
    let n = 0;
    for (const l of ts.local)
      for (const r of ts.remote)
        set(`${t} auto-key proxy-id PID-${++n} local ${cidr(l)} remote ${cidr(r)} protocol any`);
  }
  const routes = routeBased ? [normalizeCidr(settings[side === 'left' ? 'right' : 'left'].lan)] : ts.remote.map(cidr);
  [...new Set(routes)].forEach((dest, i) => {
    const r = `network virtual-router default routing-table ip static-route LAB-PEER-${i + 1}`;
    set(`${r} destination ${dest} interface ${TUNNEL_IF}`);
  });
  return out.join('\n') + '\n';
}
