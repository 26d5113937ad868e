/**
 * Runtime checks of every request that reaches a host, shared by the Electron main process and the
 * headless WebSocket host: a method of the contract, with arguments of the right shape. Settings
 * documents are only checked to be objects here; the service validates them field by field
 * (validateSettings), so the UI gets the same field-level issues as the CLI.
 */
import * as z from 'zod';

import { IMPAIRMENT_KEYS } from '../faults/impairment.js';
import type { ApiMethod } from './contract.js';

const side = z.enum(['left', 'right']);
/**
 * A settings document is only checked to be an object here and passed on as it came: copying it
 * through a record schema would turn an own "__proto__" key into the copy's prototype. The
 * service's validation is strict (an unknown key, inherited names included, is an error).
 */
const settingsDoc = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'expected a settings object',
);
const faultId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'expected a fault id such as psk-mismatch');
// The impairments by name, strictly: a key Object.prototype has (toString, valueOf) is unknown here.
const impairment = z.strictObject(
  Object.fromEntries(IMPAIRMENT_KEYS.map((k) => [k, z.union([z.number(), z.boolean(), z.null()]).optional()])),
);

/** Customer texts (lab/api/customer-uploads.ts): ids the host made, pieces JSON can carry in one message. */
const uploadId = z.string().regex(/^u[0-9a-z]{1,24}$/, 'expected a text id from customerOpen');
const lineNo = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Argument tuples per method. Optional trailing arguments may be omitted or null/undefined. */
export const ARG_SCHEMAS: { [M in ApiMethod]: z.ZodType } = {
  snapshot: z.tuple([]),
  labUp: z.tuple([settingsDoc.optional()]),
  labDown: z.tuple([]),
  labStatus: z.tuple([]),
  getSettings: z.tuple([]),
  validateSettings: z.tuple([z.unknown()]),
  traffic: z.tuple([
    z
      .strictObject({
        from: side.optional(),
        count: z.number().int().min(1).max(1000).optional(),
        intervalMs: z.number().int().min(10).max(10_000).optional(),
        size: z.number().int().min(0).max(65_000).optional(),
      })
      .optional(),
  ]),
  doctor: z.tuple([]),
  faultsList: z.tuple([]),
  faultApply: z.tuple([z.array(faultId).min(1).max(32)]),
  faultRevert: z.tuple([z.array(faultId).max(32).optional()]),
  impair: z.tuple([
    z.strictObject({ 'left-to-right': impairment.optional(), 'right-to-left': impairment.optional() }),
    z.strictObject({ replace: z.boolean().optional() }).optional(),
  ]),
  applySettings: z.tuple([settingsDoc]),
  settingsSave: z.tuple([settingsDoc]),
  settingsDiff: z.tuple([settingsDoc.optional()]),
  diagnosis: z.tuple([]),
  logsPage: z.tuple([side, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.number().int().min(1).max(2000)]),
  validateRun: z.tuple([settingsDoc.optional(), z.strictObject({ quick: z.boolean().optional() }).optional()]),
  captureStart: z.tuple([]),
  captureStop: z.tuple([]),
  scenariosList: z.tuple([]),
  scenarioStep: z.tuple([
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'expected a scenario id such as phase1-psk'),
    z.number().int().min(0).max(100),
  ]),
  customerOpen: z.tuple([
    z.strictObject({
      name: z.string().min(1).max(256),
      size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
  ]),
  customerAppend: z.tuple([uploadId, z.number().int().min(0).max(1_000_000), z.string().max(512 * 1024)]),
  customerFinish: z.tuple([uploadId]),
  customerDiscard: z.tuple([uploadId]),
  customerLines: z.tuple([uploadId, lineNo, z.number().int().min(1).max(500)]),
  customerDiagnose: z.tuple([
    z
      .array(z.strictObject({ upload: uploadId, side: z.enum(['left', 'right', 'unknown']) }))
      .min(1)
      .max(8),
  ]),
  customerReproduce: z.tuple([
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/, 'expected a cause id such as psk-mismatch'),
    z.strictObject({ settings: settingsDoc.optional() }).optional(),
  ]),
  customerImport: z.tuple([
    z.strictObject({
      configs: z
        .array(z.strictObject({ upload: uploadId, side, tunnel: z.string().max(128).optional() }))
        .min(1)
        .max(2),
    }),
  ]),
  customerExport: z.tuple([
    settingsDoc,
    side,
    z.enum(['swanctl', 'asa', 'paloalto']),
    z.strictObject({ revealSecrets: z.boolean().optional() }).optional(),
  ]),
};

export const METHODS = Object.keys(ARG_SCHEMAS) as ApiMethod[];

export type Checked = { ok: true; method: ApiMethod; args: unknown[] } | { ok: false; message: string };

/**
 * Where an own "__proto__" key is in the arguments, if anywhere (JSON.parse and structured clone
 * make it an ordinary own key; any code that copies it by assignment would set a prototype).
 */
function protoKeyPath(value: unknown, at: string[] = [], seen = new Set<object>()): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value) || at.length > 64) return undefined;
  seen.add(value);
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...at, key].join('.');
    const found = protoKeyPath((value as Record<string, unknown>)[key], [...at, key], seen);
    if (found) return found;
  }
  return undefined;
}

/** Checks a method name and its arguments; says what is wrong otherwise. */
export function checkCall(method: unknown, args: unknown): Checked {
  if (typeof method !== 'string' || !Object.hasOwn(ARG_SCHEMAS, method))
    return { ok: false, message: `unknown method ${JSON.stringify(method)}` };
  const list = Array.isArray(args) ? [...args] : args === undefined ? [] : null;
  if (!list) return { ok: false, message: `${method}: arguments must be a list` };
  // JSON has no undefined: trailing nulls stand for omitted optional arguments.
  while (list.length && (list[list.length - 1] === null || list[list.length - 1] === undefined)) list.pop();
  const proto = protoKeyPath(list);
  if (proto) return { ok: false, message: `${method}: argument ${proto}: the key "__proto__" is not allowed` };
  const schema = ARG_SCHEMAS[method as ApiMethod];
  const r = schema.safeParse(list);
  if (!r.success)
    return {
      ok: false,
      message: `${method}: ${r.error.issues.map((i) => `${i.path.length ? `argument ${i.path.join('.')}` : 'arguments'}: ${i.message}`).join('; ')}`,
    };
  return { ok: true, method: method as ApiMethod, args: r.data as unknown[] };
}

/** A WebSocket request: an id, a method, its arguments. */
export const wireRequestSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(64),
  args: z.array(z.unknown()).max(8).optional(),
});
