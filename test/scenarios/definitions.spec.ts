import { describe, expect, it } from 'vitest';

import { FAULTS } from '../../lab/faults/catalogue.js';
import { defineScenario, ScenarioError, type ScenarioInput, SCENARIOS } from '../../lab/scenarios/index.js';

const start = { title: 'start', narration: ['healthy'], action: { kind: 'start' as const } };
const good: ScenarioInput = {
  id: 'x',
  title: 'X',
  family: 'phase1',
  summary: 's',
  steps: [
    start,
    {
      title: 'break',
      narration: ['n'],
      action: { kind: 'break', fault: 'psk-mismatch' },
      expect: [{ kind: 'verdict', cause: 'psk-mismatch' }],
    },
  ],
};

function errorOf(input: ScenarioInput): string {
  try {
    defineScenario(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('scenario definitions', () => {
  it('the shipped scenarios cover the four failure families of the field guides', () => {
    expect(new Set(SCENARIOS.map((s) => s.family))).toEqual(new Set(['phase1', 'phase2', 'no-traffic', 'flapping']));
    for (const s of SCENARIOS) {
      expect(s.steps[0].action?.kind).toBe('start');
      expect(s.steps.some((st) => st.action?.kind === 'break')).toBe(true);
      expect(s.steps.some((st) => st.action?.kind === 'fix')).toBe(true);
      expect(s.steps.some((st) => st.expect.some((e) => e.kind === 'verdict'))).toBe(true);
      // The diagnosis step expects exactly the cause of the fault the scenario applies.
      const broken = s.steps.flatMap((st) => (st.action?.kind === 'break' ? [st.action.fault] : []));
      const fault = FAULTS.find((f) => f.id === broken[0])!;
      const verdicts = s.steps.flatMap((st) =>
        st.expect.filter((e) => e.kind === 'verdict').map((e) => (e as { cause: string }).cause),
      );
      expect(verdicts).toContain(fault.cause);
    }
  });

  it('accepts a well-formed scenario and fills defaults', () => {
    const s = defineScenario(good);
    expect(s.steps[1].timeoutS).toBe(25);
    expect(s.steps[0].expect).toEqual([]);
  });

  it('names the field of an unknown fault', () => {
    const msg = errorOf({
      ...good,
      steps: [start, { ...good.steps[1], action: { kind: 'break', fault: 'psk-typo' } }],
    });
    expect(msg).toMatch(/steps\.1\.action\.fault: unknown fault "psk-typo"/);
  });

  it('names the field of an unknown cause and a bad regular expression', () => {
    expect(
      errorOf({
        ...good,
        steps: [start, { title: 't', narration: ['n'], expect: [{ kind: 'verdict', cause: 'bad-luck' }] }],
      }),
    ).toMatch(/steps\.1\.expect\.0\.cause: unknown cause "bad-luck"/);
    expect(
      errorOf({
        ...good,
        steps: [start, { title: 't', narration: ['n'], expect: [{ kind: 'log', side: 'left', pattern: '(' }] }],
      }),
    ).toMatch(/steps\.1\.expect\.0\.pattern: not a valid regular expression/);
  });

  it('refuses a scenario that does not start from a healthy lab, or checks counters before any traffic', () => {
    expect(errorOf({ ...good, steps: [good.steps[1], good.steps[1]] })).toMatch(
      /steps\.0\.action: a scenario starts from a healthy lab/,
    );
    expect(
      errorOf({
        ...good,
        steps: [start, { title: 't', narration: ['n'], expect: [{ kind: 'pings', result: 'pass' }] }],
      }),
    ).toMatch(/steps\.1\.expect: pings and counter expectations need a traffic action/);
  });

  it("refuses a fix before anything was broken, and checks an IKE_SA expectation's fields", () => {
    expect(errorOf({ ...good, steps: [start, { title: 't', narration: ['n'], action: { kind: 'fix' } }] })).toMatch(
      /steps\.1\.action: nothing to fix/,
    );
    expect(
      errorOf({
        ...good,
        steps: [
          start,
          { title: 't', narration: ['n'], expect: [{ kind: 'ike-sa', side: 'middle' as 'left', established: false }] },
        ],
      }),
    ).toMatch(/steps\.1\.expect\.0\.side/);
    const s = defineScenario({
      ...good,
      steps: [start, { title: 't', narration: ['n'], expect: [{ kind: 'ike-sa', side: 'left', established: false }] }],
    });
    expect(s.steps[1].expect[0]).toEqual({ kind: 'ike-sa', side: 'left', established: false });
  });
});
