import * as z from 'zod';

import { isIPv4, parseCidr } from './addresses.js';
import { parseProposal } from './proposals.js';
import { type LabSettings, type Release, RELEASES } from './types.js';

/** One problem in a settings document: which field, and what was expected. */
export interface SettingsIssue {
  field: string;
  message: string;
}

/** Thrown for settings that cannot run; `issues` names every field at fault. */
export class SettingsError extends Error {
  readonly code = 'invalid-settings';
  constructor(
    readonly issues: SettingsIssue[],
    readonly source?: string,
  ) {
    super(
      (source ? `${source}: ` : '') + 'invalid settings: ' + issues.map((i) => `${i.field}: ${i.message}`).join('; '),
    );
    this.name = 'SettingsError';
  }
}

const seconds = z
  .number()
  .int('must be a whole number of seconds')
  .min(0, 'must not be negative')
  .max(31_536_000, 'must be at most a year');
const cidr = z.string().refine((s) => parseCidr(s) !== null, 'expected an IPv4 subnet such as 10.1.0.0/24');
const ts = z
  .string()
  .refine((s) => parseCidr(s) !== null || isIPv4(s), 'expected a subnet (10.1.0.0/24) or an address');
const identity = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((s) => !/[\s"{}#]/.test(s), 'must not contain spaces, quotes, braces or #');

const gatewaySchema = z.strictObject({
  release: z.enum(RELEASES as [Release, ...Release[]]),
  ikeVersion: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 or 2' }),
  ikeProposals: z.array(z.string()).min(1, 'needs at least one proposal'),
  espProposals: z.array(z.string()).min(1, 'needs at least one proposal'),
  psk: z
    .string()
    .min(1, 'must not be empty')
    .max(1024, 'must be at most 1024 characters')
    .refine((s) => !s.includes('\n'), 'must be one line')
    // No device takes them in a key, and swanctl.conf cannot carry a NUL: a restarted charon would read another key.
    .refine((s) => !/[\r\0]/.test(s), 'must not contain a carriage return or NUL character'),
  localId: identity,
  remoteId: identity,
  localTs: z.array(ts),
  remoteTs: z.array(ts),
  peerAddress: z
    .string()
    .refine((s) => s === '' || isIPv4(s), 'expected an IPv4 address, or empty for the peer gateway'),
  dpd: z.strictObject({ delay: seconds, timeout: seconds, action: z.enum(['clear', 'trap', 'restart']) }),
  ike: z.strictObject({ rekeyTime: seconds, reauthTime: seconds, overTime: seconds }),
  child: z.strictObject({ rekeyTime: seconds, lifeTime: seconds }),
  startAction: z.enum(['initiate', 'wait', 'trap']),
  encap: z.boolean(),
  mobike: z.boolean(),
  aggressive: z.boolean(),
});

const siteSchema = z.strictObject({ lan: cidr, wan: cidr, gateway: gatewaySchema });

const labSchema = z.strictObject({
  schema: z.literal(1, { error: 'expected 1 (the settings format version)' }),
  left: siteSchema,
  right: siteSchema,
  realisticTimers: z.boolean(),
});

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : (i ? '.' : '') + String(p))).join('') || '(document)';
}

/**
 * Checks a settings document completely and returns it typed; throws SettingsError naming each
 * field at fault. Nothing is applied before this passes.
 */
export function validateSettings(input: unknown, source?: string): LabSettings {
  const parsed = labSchema.safeParse(input);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((i) => ({ field: fieldName(i.path), message: i.message })),
      source,
    );
  }
  const s = parsed.data as LabSettings;
  const issues: SettingsIssue[] = [];
  for (const side of ['left', 'right'] as const) {
    const gw = s[side].gateway;
    gw.ikeProposals.forEach((p, i) => {
      try {
        parseProposal(p, 'ike', gw.release);
      } catch (e) {
        issues.push({ field: `${side}.gateway.ikeProposals[${i}]`, message: (e as Error).message });
      }
    });
    gw.espProposals.forEach((p, i) => {
      try {
        parseProposal(p, 'esp', gw.release);
      } catch (e) {
        issues.push({ field: `${side}.gateway.espProposals[${i}]`, message: (e as Error).message });
      }
    });
    if (gw.aggressive && gw.ikeVersion !== 1) {
      issues.push({
        field: `${side}.gateway.aggressive`,
        message: 'aggressive mode exists only in IKEv1 (set ikeVersion to 1)',
      });
    }
    for (const key of ['lan', 'wan'] as const) {
      const c = parseCidr(s[side][key])!;
      if (c.prefix > 28)
        issues.push({ field: `${side}.${key}`, message: 'must be /28 or larger (the lab places hosts at .1 and .10)' });
    }
  }
  if (issues.length) throw new SettingsError(issues, source);
  return s;
}
