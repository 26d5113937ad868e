// Every demonstration scenario, unattended, on one real lab: what a presenter steps through must
// really happen (charon's log lines, tunnel state, counters, the live diagnosis).
import { spawnSync } from 'node:child_process';

import { afterAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defineScenario, type ScenarioEvent, ScenarioRunner, SCENARIOS } from '../../lab/scenarios/index.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('scenarios on a real lab'))('demonstration scenarios (real lab)', () => {
  const lab = testLabName('scen');
  const engine = LabEngine.connect(lab);

  afterAll(async () => {
    await engine.down().catch(() => {});
    await engine.close();
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.id} runs unattended, every expectation met`, async () => {
      const events: ScenarioEvent[] = [];
      const runner = new ScenarioRunner(engine, { onEvent: (e) => events.push(e) });
      try {
        const report = await runner.run(scenario);
        expect(report.steps.filter((s) => !s.ok).map((s) => s.error)).toEqual([]);
        expect(report.ok).toBe(true);
        expect(report.steps).toHaveLength(scenario.steps.length);
        // Each step reports what the lab showed, e.g. the cited log line with its number.
        const logSeen = report.steps.flatMap((s) => s.seen).filter((t) => /^gw-(left|right) line \d+: /.test(t));
        expect(logSeen.length).toBe(scenario.steps.flatMap((s) => s.expect).filter((e) => e.kind === 'log').length);
        expect(events.filter((e) => e.type === 'step-start')).toHaveLength(scenario.steps.length);
      } finally {
        await runner.close();
      }
      expect((await engine.status()).up, 'the scenario leaves the tunnel healthy').toBe(true);
    }, 240_000);
  }

  it('an expectation the lab does not meet stops the run, naming the step and what was seen', async () => {
    const wrong = defineScenario({
      id: 'wrong',
      title: 'expects a fault nobody applied',
      family: 'phase1',
      summary: 's',
      steps: [
        { title: 'start', narration: ['healthy'], action: { kind: 'start' } },
        {
          title: 'See a PSK mismatch',
          narration: ['there is none'],
          expect: [{ kind: 'verdict', cause: 'psk-mismatch' }],
          timeoutS: 3,
        },
        { title: 'never reached', narration: ['-'], expect: [] },
      ],
    });
    const report = await new ScenarioRunner(engine).run(wrong);
    expect(report.ok).toBe(false);
    expect(report.steps).toHaveLength(2);
    expect(report.steps[1].error).toMatch(
      /^step 2 "See a PSK mismatch": after 3 s, diagnosis verdict (healthy|unknown)/,
    );
    expect(report.steps[1].error).toContain('(expected psk-mismatch)');
  }, 120_000);

  it('the CLI runs a scenario in presenter mode, one Enter per step, and lists them', () => {
    const list = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'scenario', 'list', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(list.stdout).map((s: { id: string }) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
    const s = SCENARIOS.find((x) => x.id === 'phase1-psk')!;
    const r = spawnSync(process.execPath, ['bin/ipsec-lab.js', '--lab', lab, 'scenario', 'run', s.id, '--step'], {
      encoding: 'utf8',
      input: '\n'.repeat(s.steps.length),
      // 105 s here under load (the CLI follows the lab and waits out each step's checks).
      timeout: 300_000,
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr.match(/press Enter to run this step/g)).toHaveLength(s.steps.length);
    for (const st of s.steps) expect(r.stdout).toContain(st.narration[0]);
    // What each step checks is printed before it runs, in words.
    expect(r.stdout).toContain('? IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways');
    expect(r.stdout).toContain('? the live diagnosis says psk-mismatch');
    expect(r.stdout).toMatch(/gw-right line \d+: tried 1 shared key for .* but MAC mismatched/);
    expect(r.stdout).toContain('✔ scenario phase1-psk completed');
    const bad = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'scenario', 'run', 'no-such'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown scenario "no-such"; one of: phase1-psk');
  }, 330_000);
});
