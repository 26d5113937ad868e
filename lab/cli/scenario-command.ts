import { createInterface } from 'node:readline';

import { type Command } from 'commander';

import type { ScenarioEvent, ScenarioStep } from '../scenarios/index.js';
import { engineFor } from './lazy.js';

/** Lines typed by the presenter, one per step; when stdin ends the rest runs unattended. */
function enterGate(): { wait: (i: number, step: ScenarioStep) => Promise<void>; close: () => void } {
  const rl = createInterface({ input: process.stdin });
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let ended = false;
  rl.on('line', (l) => {
    lines.push(l);
    waiting?.();
  });
  rl.on('close', () => {
    ended = true;
    waiting?.();
  });
  return {
    wait: async (i, step) => {
      process.stderr.write(`\n[${i + 1}] ${step.title}: press Enter to run this step `);
      while (!lines.length && !ended) await new Promise<void>((r) => (waiting = r));
      lines.shift();
      process.stderr.write('\n');
    },
    close: () => rl.close(),
  };
}

/** The scenarios (and with them the fault service) load only when a scenario command runs. */
const scenarios = () => import('../scenarios/index.js');

function printEvent(e: ScenarioEvent, describeExpectation: (x: ScenarioStep['expect'][number]) => string): void {
  if (e.type === 'step-start') {
    console.log(`\n── step ${e.index + 1}: ${e.step.title}`);
    for (const n of e.step.narration) console.log(`   » ${n}`);
    for (const c of e.step.expect.map(describeExpectation)) console.log(`   ? ${c}`);
    return;
  }
  const r = e.report;
  for (const s of r.seen) console.log(`   ${r.ok ? '✔' : '·'} ${s}`);
  console.log(r.ok ? `   ✔ done in ${(r.ms / 1000).toFixed(1)} s` : `   ✘ ${r.error}`);
}

export function registerScenarioCommand(program: Command): void {
  const scenario = program
    .command('scenario')
    .description('guided demonstrations of the four failure families (phase 1, phase 2, no traffic, flapping)');

  scenario
    .command('list')
    .description('the scenarios, with their steps')
    .option('--json', 'print as JSON')
    .action(async (opts) => {
      const { SCENARIOS } = await scenarios();
      if (opts.json) {
        console.log(JSON.stringify(SCENARIOS, null, 2));
        return;
      }
      for (const s of SCENARIOS) {
        console.log(`${s.id.padEnd(18)} ${s.family.padEnd(10)} ${s.title}`);
        console.log(`${' '.repeat(30)}${s.summary}`);
        s.steps.forEach((st, i) => console.log(`${' '.repeat(30)}${i + 1}. ${st.title}`));
      }
    });

  scenario
    .command('run')
    .description(
      'run a scenario on the lab (started with default settings when none runs); --step waits for Enter before each step',
    )
    .argument('<id>', 'scenario id (see `ipsec-lab scenario list`)')
    .option('--step', 'presenter mode: print the narration and wait for Enter before each step')
    .option('--keep', 'keep a lab the scenario started (by default it is removed at the end)')
    .option('--json', 'print the report as JSON instead of the narration')
    .action(async (id: string, opts, cmd: Command) => {
      const { describeExpectation, findScenario, ScenarioRunner, SCENARIOS } = await scenarios();
      const s = findScenario(id);
      if (!s) {
        console.error(`ipsec-lab: unknown scenario "${id}"; one of: ${SCENARIOS.map((x) => x.id).join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const engine = await engineFor(cmd);
      const runner = new ScenarioRunner(engine, {
        onEvent: opts.json ? undefined : (e) => printEvent(e, describeExpectation),
      });
      const gate = opts.step ? enterGate() : undefined;
      const interrupt = () => void runner.close({ removeLab: !opts.keep }).finally(() => process.exit(130));
      process.once('SIGINT', interrupt);
      try {
        if (!opts.json) console.log(`${s.title}\n${s.summary}`);
        const report = await runner.run(s, gate?.wait);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else
          console.log(
            report.ok
              ? `\n✔ scenario ${s.id} completed`
              : `\n✘ scenario ${s.id} stopped: ${report.steps.at(-1)?.error}`,
          );
        process.exitCode = report.ok ? 0 : 1;
      } finally {
        gate?.close();
        process.off('SIGINT', interrupt);
        await runner.close({ removeLab: !opts.keep });
        await engine.close();
      }
    });
}
