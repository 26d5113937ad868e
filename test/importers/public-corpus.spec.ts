import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { importConfig, type ImportResult } from '../../lab/importers/index.js';
import { isIPv4, normalizeCidr, parseCidr, trafficSelectors } from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { parseProposal } from '../../lab/settings/proposals.js';

/*
 * Real site-to-site configs that vendors, cloud providers and engineers published
 * (test/fixtures/configs/public, see its README): each tunnel imports with the parameters a
 * reader sees in it, as its meta.json lists them. `null` there means the config does not say, so
 * nothing is asserted.
 */

interface MetaTunnel {
  name: string;
  ikeVersion: 1 | 2;
  routeBased: boolean;
  peer: string;
  localAddress: string | null;
  ike: {
    encryption: string[] | null;
    integrity: string[] | null;
    prf: string[] | null;
    dhGroups: number[] | null;
    lifetimeSeconds: number | null;
  };
  esp: {
    encryption: string[] | null;
    integrity: string[] | null;
    pfsGroup: number | null;
    lifetimeSeconds: number | null;
  };
  localSubnets: string[] | null;
  remoteSubnets: string[] | null;
  psk: string | null;
  localId: string | null;
  remoteId: string | null;
  dpd: { enabled: boolean; intervalSeconds: number | null } | null;
  natT: boolean | null;
  initiation: string | null;
}

const DIR = fileURLToPath(new URL('../fixtures/configs/public/', import.meta.url));

/** The README's normalised names in strongSwan's terms (IANA group numbers for DH). */
const IANA_DH: Record<number, string> = {
  1: 'modp768',
  2: 'modp1024',
  5: 'modp1536',
  14: 'modp2048',
  15: 'modp3072',
  16: 'modp4096',
  19: 'ecp256',
  20: 'ecp384',
  21: 'ecp521',
  24: 'modp2048s256',
};
function cipher(name: string): string {
  const m = /^aes-(\d+)(-gcm)?$/.exec(name);
  return m ? `aes${m[1]}${m[2] ? 'gcm16' : ''}` : name;
}
const isAead = (alg: string) => /gcm|ccm/.test(alg);

/** What the imported proposals offer, per transform type (a PRF derived from the integrity when not named). */
function offered(proposals: string[], kind: 'ike' | 'esp') {
  const sets = {
    encryption: new Set<string>(),
    integrity: new Set<string>(),
    prf: new Set<string>(),
    dh: new Set<string>(),
  };
  for (const p of proposals) {
    const r = parseProposal(p, kind);
    r.encryption.forEach((x) => sets.encryption.add(x));
    r.integrity.forEach((x) => sets.integrity.add(x));
    r.dh.forEach((x) => sets.dh.add(x));
    (r.prf.length ? r.prf : r.integrity.map((i) => `prf${i}`)).forEach((x) => sets.prf.add(x));
  }
  return sets;
}

const sorted = (s: Iterable<string>) => [...s].sort();
const unquoted = (s: string) => s.replace(/^"(.*)"$/, '$1');

/**
 * The README: a key as published is a sample key, a template placeholder, `*****` as an ASA masks
 * it, or the PAN-OS encrypted form `-AQ==`. Only a sample key can be used as it is.
 */
function usableKey(psk: string): boolean {
  return !/^(<.*>|\$\{.*\}|\{\{.*\}\}|\*+|X{4,}|-AQ==.*)$/.test(psk);
}

function placeholder(r: ImportResult, field: string, text?: string): boolean {
  return r.placeholders.some((p) => p.field === field && (text === undefined || p.text === text));
}

function expectSelectors(r: ImportResult, want: string[], which: 'local' | 'remote'): void {
  const field = which === 'local' ? 'localTs' : 'remoteTs';
  const have = trafficSelectors(r.settings, r.side)[which];
  const v4 = want.filter((s) => parseCidr(s));
  const v6 = want.filter((s) => s.includes(':'));
  const templated = want.filter((s) => !parseCidr(s) && !s.includes(':'));
  if (v4.length) expect(sorted(have)).toEqual(sorted(v4.map(normalizeCidr)));
  for (const t of templated) expect(placeholder(r, field, t) || placeholder(r, 'peerLan', t)).toBe(true);
  // IPv6 inside an IPv4 tunnel: the lab tests it with IPv4 and says so.
  if (v6.length) expect(r.warnings.some((w) => /IPv6/.test(w.message))).toBe(true);
}

function check(r: ImportResult, t: MetaTunnel, others: MetaTunnel[]): void {
  const gw = r.settings[r.side].gateway;
  expect(r.tunnels.find((x) => x.selected)?.peer).toBe(unquoted(t.peer));
  expect(gw.ikeVersion).toBe(t.ikeVersion);
  expect(!!r.routeBased).toBe(t.routeBased);

  // The peer: a literal address is kept; an object name is resolved; a placeholder is replaced and listed.
  if (isIPv4(t.peer)) expect(r.peerAddress).toBe(t.peer);
  else expect(r.peerAddress !== undefined || placeholder(r, 'peerAddress', unquoted(t.peer))).toBe(true);
  const local = t.localAddress?.replace(/\/\d+$/, '');
  if (local && isIPv4(local)) expect(r.localAddress).toBe(local);

  const ike = offered(gw.ikeProposals, 'ike');
  if (t.ike.encryption) expect(sorted(ike.encryption)).toEqual(sorted(t.ike.encryption.map(cipher)));
  if (t.ike.integrity) expect(sorted(ike.integrity)).toEqual(sorted(t.ike.integrity));
  if (t.ike.prf) expect(sorted(ike.prf)).toEqual(sorted(t.ike.prf.map((p) => `prf${p}`)));
  if (t.ike.dhGroups) expect(sorted(ike.dh)).toEqual(sorted(t.ike.dhGroups.map((g) => IANA_DH[g])));
  if (t.ike.lifetimeSeconds !== null) expect(gw.ike.rekeyTime).toBe(t.ike.lifetimeSeconds);

  const esp = offered(gw.espProposals, 'esp');
  if (t.esp.encryption) expect(sorted(esp.encryption)).toEqual(sorted(t.esp.encryption.map(cipher)));
  // A GCM transform carries its own integrity: the vendors ignore an integrity list next to it.
  if (t.esp.integrity && !t.esp.encryption?.every((e) => isAead(cipher(e))))
    expect(sorted(esp.integrity)).toEqual(sorted(t.esp.integrity));
  if (t.esp.pfsGroup !== null) expect(sorted(esp.dh)).toEqual([IANA_DH[t.esp.pfsGroup]]);
  if (t.esp.lifetimeSeconds !== null) expect(gw.child.rekeyTime).toBe(t.esp.lifetimeSeconds);

  if (t.localSubnets) expectSelectors(r, t.localSubnets, 'local');
  if (t.remoteSubnets) expectSelectors(r, t.remoteSubnets, 'remote');

  if (t.psk !== null) {
    if (usableKey(t.psk)) expect(gw.psk).toBe(t.psk);
    else {
      expect(gw.psk).toBe(defaultSettings()[r.side].gateway.psk);
      expect(placeholder(r, 'psk')).toBe(true);
    }
  }
  // The other tunnels' keys never show in the notes.
  const notes = JSON.stringify([r.unsupported, r.warnings, r.placeholders, r.tunnels, r.provenance]);
  for (const o of others) if (o.psk && usableKey(o.psk) && o.psk !== t.psk) expect(notes).not.toContain(o.psk);
  // Nor does the imported one: a line that ends with a key is quoted with the key masked.
  for (const u of r.unsupported) if (t.psk && usableKey(t.psk)) expect(u.text.trimEnd().endsWith(t.psk)).toBe(false);

  for (const [want, have, field] of [
    [t.localId, gw.localId, 'localId'],
    [t.remoteId, gw.remoteId, 'remoteId'],
  ] as const) {
    if (want === null) continue;
    if (/^\{\{.*\}\}$/.test(want)) expect(placeholder(r, field, want)).toBe(true);
    else expect(have).toBe(want);
  }

  if (t.dpd) {
    if (!t.dpd.enabled) expect(gw.dpd.delay).toBe(0);
    else expect(gw.dpd.delay).toBeGreaterThan(0);
    if (t.dpd.enabled && t.dpd.intervalSeconds !== null) expect(gw.dpd.delay).toBe(t.dpd.intervalSeconds);
  }
  if (t.initiation === 'answer-only') expect(gw.startAction).toBe('wait');
  if (t.natT === false) expect(gw.encap).toBe(false);
}

const entries = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory());

describe('public config corpus', () => {
  it('holds the configs the README lists', () => {
    expect(entries.length).toBeGreaterThanOrEqual(18);
  });

  for (const dir of entries) {
    const meta = JSON.parse(readFileSync(`${DIR}${dir.name}/meta.json`, 'utf8')) as { tunnels: MetaTunnel[] };
    const file = readdirSync(`${DIR}${dir.name}`).find((f) => f.startsWith('config.'))!;
    const text = readFileSync(`${DIR}${dir.name}/${file}`, 'utf8');
    describe(dir.name, () => {
      meta.tunnels.forEach((t, i) => {
        it(`tunnel ${i + 1}: ${t.name}`, () => {
          const r = importConfig(text, { entry: unquoted(t.peer) });
          check(
            r,
            t,
            meta.tunnels.filter((o) => o !== t),
          );
          // Every line the import did not use is accounted for with its number and a reason.
          for (const u of r.unsupported) expect(u.line > 0 && u.reason.length > 0).toBe(true);
          for (const w of r.warnings) expect(w.line).toBeGreaterThan(0);
        });
      });
    });
  }
});
