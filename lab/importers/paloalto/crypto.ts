import { isAead } from '../../vendors/names.js';
import {
  PAN_DEFAULT_IKE_PROFILE,
  PAN_DEFAULT_IPSEC_PROFILE,
  PAN_DH_GROUPS,
  PAN_ESP_AUTHENTICATION,
  PAN_ESP_ENCRYPTION,
  PAN_IKE_ENCRYPTION,
  PAN_IKE_HASH,
  PAN_LIFETIME_UNITS,
} from '../../vendors/paloalto/algorithms.js';
import { checkProposal } from '../build.js';
import { ImportError, type ImportWarning } from '../types.js';
import type { PanNode } from './tree.js';

/** One crypto profile as PAN-OS would apply it: from the configuration, or PAN-OS's factory `default`. */
interface Profile<T> {
  values: T;
  /** The profile's entry, when the configuration defines it. */
  node?: PanNode;
  name: string;
}

/** PAN-OS names -> strongSwan keywords; an unknown name is an error on its line (the tunnel needs it). */
function mapped(node: PanNode | undefined, list: string[], table: Record<string, string>, what: string): string[] {
  return list.map((name) => {
    if (name in table) return table[name];
    const line = node?.values.find((v) => v.text === name)?.line ?? node?.line ?? 0;
    throw new ImportError(line, `unknown ${what} "${name}" (expected one of: ${Object.keys(table).join(', ')})`);
  });
}

function lifetimeOf(profile: PanNode | undefined, fallback: number): { seconds: number; node?: PanNode } {
  const lt = profile?.get('lifetime');
  for (const [unit, factor] of Object.entries(PAN_LIFETIME_UNITS)) {
    const v = lt?.get(unit);
    if (v?.value() && /^\d+$/.test(v.value()!)) return { seconds: Number(v.value()) * factor, node: v };
  }
  return { seconds: fallback };
}

/**
 * The profile a gateway or tunnel names; no name means PAN-OS's `default`. A name the
 * configuration does not define cannot be committed on the firewall: the lab says so and uses
 * `default` instead, so the rest of the template can still be tried.
 */
function pick(
  profiles: PanNode | undefined,
  ref: PanNode | undefined,
  kind: string,
  fallbackLine: number,
  warnings: ImportWarning[],
): { node?: PanNode; name: string } {
  const name = ref?.value() ?? 'default';
  const node = profiles?.entries.get(name);
  if (node) return { node, name };
  const line = ref?.line ?? fallbackLine;
  if (name !== 'default') {
    warnings.push({
      line,
      message: `${kind} ${name} is not defined (PAN-OS would refuse to commit this); the lab uses the profile named default`,
    });
    const def = profiles?.entries.get('default');
    if (def) return { node: def, name: 'default' };
  }
  warnings.push({
    line,
    message: `the ${kind} default is not part of this configuration; the lab uses PAN-OS's factory default`,
  });
  return { name: 'default' };
}

export interface Ike {
  proposals: string[];
  lifetime: number;
  lifetimeNode?: PanNode;
  profile?: PanNode;
  /** The profile's lines that make up the proposals (encryption, hash or authentication, DH group). */
  lines: number[];
}

/** Where each of these profile settings is written (a value spread over several set lines cites each). */
function linesOf(...nodes: (PanNode | undefined)[]): number[] {
  return nodes.flatMap((n) => (n ? [n.line, ...n.values.map((v) => v.line)] : [])).filter((l) => l > 0);
}

export function ikeProposals(
  profiles: PanNode | undefined,
  ref: PanNode | undefined,
  version: 1 | 2,
  line: number,
  warnings: ImportWarning[],
): Ike {
  const { node, name } = pick(profiles, ref, 'IKE crypto profile', line, warnings);
  const p: Profile<typeof PAN_DEFAULT_IKE_PROFILE> = {
    name,
    node,
    values: node
      ? {
          encryption: node.get('encryption')?.list() ?? [],
          hash: node.get('hash')?.list() ?? [],
          dhGroup: node.get('dh-group')?.list() ?? [],
          lifetime: 0,
        }
      : PAN_DEFAULT_IKE_PROFILE,
  };
  const where = node?.line ?? line;
  const enc = mapped(node?.get('encryption'), p.values.encryption, PAN_IKE_ENCRYPTION, 'IKE encryption');
  const hash = mapped(node?.get('hash'), p.values.hash, PAN_IKE_HASH, 'IKE hash').filter(Boolean);
  const dh = mapped(node?.get('dh-group'), p.values.dhGroup, PAN_DH_GROUPS, 'DH group');
  if (!enc.length || !dh.length)
    throw new ImportError(where, `IKE crypto profile ${name} needs encryption and dh-group`);
  const aead = enc.filter(isAead);
  const classic = enc.filter((e) => !isAead(e));
  const parts: string[][] = [];
  // PAN-OS uses the IKE hash as IKEv2 integrity and PRF; with GCM only as the PRF.
  if (aead.length) {
    if (version === 1) throw new ImportError(where, `IKE crypto profile ${name}: AES-GCM is for IKEv2 only`);
    if (!hash.length) throw new ImportError(where, `IKE crypto profile ${name}: AES-GCM needs a hash for the PRF`);
    parts.push([...aead, ...hash.map((h) => `prf${h}`), ...dh]);
  }
  if (classic.length) {
    if (!hash.length)
      throw new ImportError(where, `IKE crypto profile ${name}: ${classic.join(', ')} need a hash other than non-auth`);
    parts.push([...classic, ...hash, ...dh]);
  }
  if (aead.length && classic.length && !isAead(enc[0])) parts.reverse();
  const lt = lifetimeOf(node, PAN_DEFAULT_IKE_PROFILE.lifetime);
  return {
    proposals: parts.map((x) => checkProposal(x.join('-'), 'ike', where)),
    lifetime: lt.seconds,
    lifetimeNode: lt.node,
    profile: node,
    lines: linesOf(node?.get('encryption'), node?.get('hash'), node?.get('dh-group')),
  };
}

export interface Esp {
  proposals: string[];
  lifetime: number;
  lifetimeNode?: PanNode;
  profile?: PanNode;
  lines: number[];
}

export function espProposals(
  profiles: PanNode | undefined,
  ref: PanNode | undefined,
  line: number,
  warnings: ImportWarning[],
): Esp {
  const { node, name } = pick(profiles, ref, 'IPsec crypto profile', line, warnings);
  const where = node?.line ?? line;
  if (node?.get('ah') && !node.get('esp'))
    throw new ImportError(node.get('ah')!.line, `IPsec crypto profile ${name} uses AH; the lab tunnels with ESP`);
  const encNode = node?.get('esp', 'encryption');
  const authNode = node?.get('esp', 'authentication');
  const encNames = node ? (encNode?.list() ?? []) : PAN_DEFAULT_IPSEC_PROFILE.encryption;
  const authNames = node ? (authNode?.list() ?? []) : PAN_DEFAULT_IPSEC_PROFILE.authentication;
  const dhName = node ? node.get('dh-group')?.value() : PAN_DEFAULT_IPSEC_PROFILE.dhGroup;
  const enc = mapped(encNode, encNames, PAN_ESP_ENCRYPTION, 'ESP encryption');
  const auth = mapped(authNode, authNames, PAN_ESP_AUTHENTICATION, 'ESP authentication').filter(Boolean);
  if (!enc.length) throw new ImportError(where, `IPsec crypto profile ${name} has no esp encryption`);
  const dh = dhName && dhName !== 'no-pfs' ? mapped(node?.get('dh-group'), [dhName], PAN_DH_GROUPS, 'DH group') : [];
  const aead = enc.filter(isAead);
  const classic = enc.filter((e) => !isAead(e));
  const parts: string[][] = [];
  if (aead.length) parts.push([...aead, ...dh]);
  if (classic.length) {
    if (!auth.length && !classic.every((e) => e === 'null'))
      throw new ImportError(
        where,
        `IPsec crypto profile ${name}: ${classic.join(', ')} need an authentication other than none`,
      );
    parts.push([...classic, ...auth, ...dh]);
  }
  if (aead.length && classic.length && !isAead(enc[0])) parts.reverse();
  const lt = lifetimeOf(node, PAN_DEFAULT_IPSEC_PROFILE.lifetime);
  return {
    proposals: parts.map((x) => checkProposal(x.join('-'), 'esp', where)),
    lifetime: lt.seconds,
    lifetimeNode: lt.node,
    profile: node,
    lines: linesOf(encNode, authNode, node?.get('dh-group')),
  };
}
