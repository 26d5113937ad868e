/**
 * A guided scenario: a short script of steps a presenter walks through (start healthy, break,
 * observe, diagnose, fix), each with what to say and point at, an action on the lab, and what the
 * real lab must then show. The same script runs unattended as a test.
 */
import * as z from 'zod';

import { KNOWLEDGE } from '../diagnosis/knowledge.js';
import { FAULTS } from '../faults/catalogue.js';

const side = z.enum(['left', 'right']);
const regex = z
  .string()
  .min(1)
  .refine(
    (s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );
const faultId = z.string().superRefine((id, ctx) => {
  if (!FAULTS.some((f) => f.id === id))
    ctx.addIssue({ code: 'custom', message: `unknown fault "${id}" (see \`ipsec-lab faults\`)` });
});

export const actionSchema = z.discriminatedUnion('kind', [
  /** Lab up with default settings (or kept as it is when already up), every fault reverted. */
  z.object({ kind: z.literal('start') }),
  z.object({ kind: z.literal('break'), fault: faultId }),
  /** Revert every fault the scenario applied. */
  z.object({ kind: z.literal('fix') }),
  /** Pings from one LAN host to the other; the counters are read before and after. */
  z.object({
    kind: z.literal('traffic'),
    from: side.default('left'),
    count: z.number().int().min(1).max(50).default(4),
  }),
]);

export const expectationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tunnel'), state: z.enum(['up', 'ike-only', 'not-up']) }),
  z.object({ kind: z.literal('log'), side, pattern: regex }),
  /** The live diagnosis's verdict (the engine's own, from the evidence; the applied fault is no input). */
  z.object({
    kind: z.literal('verdict'),
    cause: z.string().superRefine((c, ctx) => {
      if (!(c in KNOWLEDGE))
        ctx.addIssue({
          code: 'custom',
          message: `unknown cause "${c}" (one of the diagnosis's cause ids, e.g. psk-mismatch)`,
        });
    }),
  }),
  z.object({ kind: z.literal('pings'), result: z.enum(['pass', 'fail']) }),
  /** A CHILD_SA packet counter over the last traffic step: grew, or stayed flat (out = ASA #pkts encaps, in = #pkts decaps). */
  z.object({ kind: z.literal('counter'), side, dir: z.enum(['in', 'out']), change: z.enum(['grows', 'flat']) }),
  /** One gateway holds an ESTABLISHED IKE_SA, or does not (e.g. DPD deleted it while the peer is silent). */
  z.object({ kind: z.literal('ike-sa'), side, established: z.boolean() }),
]);

export const stepSchema = z.object({
  title: z.string().min(1),
  /** What the presenter says and points at. */
  narration: z.array(z.string().min(1)).min(1),
  action: actionSchema.optional(),
  expect: z.array(expectationSchema).default([]),
  /** How long the expectations may take to come true. */
  timeoutS: z.number().positive().max(120).default(25),
});

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    family: z.enum(['phase1', 'phase2', 'no-traffic', 'flapping']),
    summary: z.string().min(1),
    steps: z.array(stepSchema).min(2),
  })
  .superRefine((s, ctx) => {
    if (s.steps[0].action?.kind !== 'start')
      ctx.addIssue({
        code: 'custom',
        path: ['steps', 0, 'action'],
        message: 'a scenario starts from a healthy lab: the first step\'s action must be { kind: "start" }',
      });
    s.steps.forEach((st, i) => {
      if (st.action?.kind === 'fix' && !s.steps.slice(0, i).some((x) => x.action?.kind === 'break')) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'action'],
          message: 'nothing to fix: no step before this one breaks the lab (action { kind: "break", fault })',
        });
      }
      if (
        st.expect.some((e) => e.kind === 'pings' || e.kind === 'counter') &&
        !s.steps.slice(0, i + 1).some((x) => x.action?.kind === 'traffic')
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'expect'],
          message: 'pings and counter expectations need a traffic action in this step or before it',
        });
      }
    });
  });

export type ScenarioAction = z.output<typeof actionSchema>;
export type Expectation = z.output<typeof expectationSchema>;
export type ScenarioStep = z.output<typeof stepSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export class ScenarioError extends Error {}

/** Checks a scenario definition; the error names the field (e.g. steps.2.action.fault). */
export function defineScenario(input: ScenarioInput): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(scenario)'}: ${i.message}`);
  throw new ScenarioError(`scenario "${(input as { id?: string }).id ?? '?'}" is invalid: ${issues.join('; ')}`);
}
