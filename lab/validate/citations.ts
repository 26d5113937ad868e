import type { CauseId } from '../diagnosis/findings.js';
import { otherSide, peerAddressOf, trafficSelectors } from '../settings/addresses.js';
import type { FieldSource } from '../settings/compare.js';
import type { CryptoAdvice } from '../settings/crypto-strength.js';
import { type LabSettings, type Side, SIDES } from '../settings/types.js';
import type { CheckId, CheckResult, ConfigCitation } from './types.js';

/** The settings fields (below the side) a diagnosed cause is about. */
const CAUSE_FIELDS: Partial<Record<CauseId, string[]>> = {
  'psk-mismatch': ['gateway.psk'],
  'ike-proposal-mismatch': ['gateway.ikeProposals'],
  'dh-group-mismatch': ['gateway.ikeProposals'],
  'esp-proposal-mismatch': ['gateway.espProposals'],
  'pfs-mismatch': ['gateway.espProposals'],
  'rekey-failure': ['gateway.espProposals', 'gateway.child.rekeyTime'],
  'lifetime-mismatch': ['gateway.child.rekeyTime', 'gateway.ike.rekeyTime'],
  'ts-mismatch': ['gateway.localTs', 'gateway.remoteTs'],
  'overlapping-subnets': ['gateway.localTs', 'gateway.remoteTs'],
  'id-mismatch': ['gateway.localId', 'gateway.remoteId'],
  'ike-version-mismatch': ['gateway.ikeVersion'],
  'aggressive-mode-mismatch': ['gateway.aggressive'],
  'no-initiator': ['gateway.startAction'],
  'peer-address-mismatch': ['peerAddress'],
  'dpd-peer-dead': ['gateway.dpd.delay', 'gateway.dpd.action'],
  'dpd-mismatch': ['gateway.dpd.delay'],
  'stale-sa': ['gateway.dpd.delay', 'gateway.dpd.action'],
  'nat-t-disabled-behind-nat': ['gateway.encap'],
};

/** Without a named cause, the fields a check exercises. */
const CHECK_FIELDS: Partial<Record<CheckId, string[]>> = {
  establish: ['gateway.startAction', 'gateway.ikeProposals', 'gateway.espProposals'],
  rekey: ['gateway.espProposals', 'gateway.child.rekeyTime', 'gateway.ike.rekeyTime'],
  'peer-restart': ['gateway.dpd.delay', 'gateway.dpd.action', 'gateway.startAction'],
  nat: ['gateway.encap'],
};

function valueOf(s: LabSettings, side: Side, field: string): string {
  if (field === 'peerAddress') return peerAddressOf(s, side);
  if (field === 'gateway.localTs') return trafficSelectors(s, side).local.join(', ');
  if (field === 'gateway.remoteTs') return trafficSelectors(s, side).remote.join(', ');
  let v: unknown = s[side];
  for (const k of field.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// Fields the peer must mirror rather than equal: my local selectors are its remote ones.
const MIRROR: Record<string, string> = {
  'gateway.localTs': 'gateway.remoteTs',
  'gateway.remoteTs': 'gateway.localTs',
  'gateway.localId': 'gateway.remoteId',
  'gateway.remoteId': 'gateway.localId',
};

function noteOf(s: LabSettings, side: Side, field: string): string {
  const other = otherSide(side);
  if (field === 'gateway.psk')
    return `gw-${side}'s pre-shared key${s[side].gateway.psk === s[other].gateway.psk ? ' is the same as' : ' differs from'} gw-${other}'s`;
  const theirs = MIRROR[field] ?? field;
  const name = (f: string) => f.replace(/^gateway\./, '');
  return `gw-${side} ${name(field)} = ${valueOf(s, side, field)}; gw-${other} ${name(theirs)} = ${valueOf(s, other, theirs)}`;
}

/** The provenance entry of a field, or of the nearest parent the importer recorded ("gateway.dpd"). */
function sourceOf(provenance: Record<string, FieldSource>, path: string): FieldSource | undefined {
  for (let p = path; p.includes('.'); p = p.slice(0, p.lastIndexOf('.'))) if (provenance[p]) return provenance[p];
  return undefined;
}

/**
 * The device configuration lines behind a failed check: the fields of the diagnosed cause (or,
 * without one, those the check exercises) as the import recorded them, each with what the line
 * sets and what the peer has. Lines numbered 0 (the input as a whole) are not cited.
 */
export function configCitations(
  s: LabSettings,
  provenance: Record<string, FieldSource> | undefined,
  check: Pick<CheckResult, 'id' | 'cause'>,
): ConfigCitation[] {
  if (!provenance) return [];
  const fields = (check.cause && CAUSE_FIELDS[check.cause.cause as CauseId]) ?? CHECK_FIELDS[check.id] ?? [];
  const out: ConfigCitation[] = [];
  const seen = new Set<string>();
  for (const field of fields) {
    for (const side of SIDES) {
      const src = sourceOf(provenance, `${side}.${field}`);
      if (!src) continue;
      const note = noteOf(s, side, field);
      for (const l of [src, ...(src.more ?? [])]) {
        const key = `${side}:${l.line}`;
        if (l.line <= 0 || seen.has(key)) continue;
        seen.add(key);
        out.push({ side, field: `${side}.${field}`, line: l.line, text: l.text, note });
      }
    }
  }
  return out;
}

// Which of a field's lines states the weakness: the DH group line, the hash, the cipher, the lifetime.
const ADVICE_WORDS: Array<[RegExp, RegExp]> = [
  [/DH group|PFS/, /group|pfs|dh/i],
  // Word-bounded: "authentication pre-share" is no hash.
  [/integrity|PRF/, /\b(hash|integrity|sha\d*|md5|prf\w*)\b|esp-(sha|md5)|authentication (sha|md5)/i],
  [/encryption/, /encryption|des|aes|esp-|cipher/i],
  [/lifetime/, /lifetime/i],
];

/** The device lines behind one piece of weak-crypto advice, as "gw-left line 34 `group 5`". */
export function adviceCitations(a: CryptoAdvice, provenance: Record<string, FieldSource> | undefined): string[] {
  if (!provenance) return [];
  const out: string[] = [];
  for (const side of a.side === 'both' ? SIDES : [a.side]) {
    const src = sourceOf(provenance, `${side}.${a.field}`);
    if (!src) continue;
    const lines = [src, ...(src.more ?? [])].filter((l) => l.line > 0);
    const words = ADVICE_WORDS.find(([issue]) => issue.test(a.issue))?.[1];
    const precise = words ? lines.filter((l) => words.test(l.text)) : [];
    for (const l of precise.length ? precise : lines.slice(0, 1))
      out.push(`gw-${side} line ${l.line} \`${l.text.trim()}\``);
  }
  return out;
}
