/** The router's two directions: traffic from the left site to the right one, and back. */
export type Direction = 'left-to-right' | 'right-to-left';
export const DIRECTIONS: readonly Direction[] = ['left-to-right', 'right-to-left'];

/** Link impairment of one direction. Percentages are 0..100, times milliseconds, rate kbit/s. */
export interface Impairment {
  lossPercent?: number;
  delayMs?: number;
  jitterMs?: number;
  duplicatePercent?: number;
  reorderPercent?: number;
  corruptPercent?: number;
  rateKbit?: number;
  /** The link is down in this direction (everything dropped). */
  down?: boolean;
  /** Flap: down and up again, each for half of this period (seconds). */
  flapPeriodS?: number;
}

export type ImpairmentKey = keyof Impairment;

const LIMITS: Record<ImpairmentKey, { min: number; max: number; what: string } | 'boolean'> = {
  lossPercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  delayMs: { min: 0, max: 60_000, what: 'milliseconds from 0 to 60000' },
  jitterMs: { min: 0, max: 60_000, what: 'milliseconds from 0 to 60000' },
  duplicatePercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  reorderPercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  corruptPercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  rateKbit: { min: 8, max: 10_000_000, what: 'kbit/s from 8 to 10000000' },
  down: 'boolean',
  flapPeriodS: { min: 2, max: 3600, what: 'seconds from 2 to 3600' },
};

/** Every impairment a direction may have, in the order they are listed to users. */
export const IMPAIRMENT_KEYS = Object.keys(LIMITS) as ImpairmentKey[];

export class ImpairmentError extends Error {
  readonly code = 'invalid-impairment';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ImpairmentError';
  }
}

/** Checks one direction's impairment; throws naming the field and the allowed range. */
export function validateImpairment(direction: Direction, imp: Record<string, unknown>): Impairment {
  const out: Impairment = {};
  if (typeof imp !== 'object' || imp === null || Array.isArray(imp))
    throw new ImpairmentError(direction, 'expected an object of impairments');
  for (const [key, value] of Object.entries(imp)) {
    const field = `${direction}.${key}`;
    // Own keys only: `toString`, `constructor`, `__proto__` are Object.prototype's, not impairments.
    if (!Object.hasOwn(LIMITS, key))
      throw new ImpairmentError(field, `unknown impairment (expected one of ${Object.keys(LIMITS).join(', ')})`);
    if (value === undefined) continue;
    const limit = LIMITS[key as ImpairmentKey];
    if (limit === 'boolean') {
      if (typeof value !== 'boolean') throw new ImpairmentError(field, 'expected true or false');
      (out as Record<string, unknown>)[key] = value;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < limit.min || value > limit.max) {
      throw new ImpairmentError(field, `${JSON.stringify(value)} is out of range: expected ${limit.what}`);
    }
    (out as Record<string, unknown>)[key] = value;
  }
  if (out.jitterMs && !out.delayMs) throw new ImpairmentError(`${direction}.jitterMs`, 'jitter needs a delay');
  if (out.reorderPercent && !out.delayMs)
    throw new ImpairmentError(
      `${direction}.reorderPercent`,
      'reordering needs a delay (packets overtake delayed ones)',
    );
  return out;
}

/** What the kernel needs for an impairment: netem does everything; without it only loss, rate and down. */
export function unavailableImpairments(
  imp: Impairment,
  netem: boolean,
  tbf: boolean,
): { key: ImpairmentKey; why: string }[] {
  const out: { key: ImpairmentKey; why: string }[] = [];
  if (!netem) {
    for (const key of ['delayMs', 'jitterMs', 'duplicatePercent', 'reorderPercent', 'corruptPercent'] as const) {
      if (imp[key]) out.push({ key, why: "needs sch_netem, which this engine's kernel does not have" });
    }
    if (imp.rateKbit && !tbf) out.push({ key: 'rateKbit', why: 'needs sch_netem or sch_tbf; this kernel has neither' });
  }
  return out;
}

export const isEmptyImpairment = (imp: Impairment) =>
  Object.values(imp).every((v) => v === undefined || v === 0 || v === false);
