import { ignoreRejection } from '../common/ignore.js';
import { LabError } from '../docker/errors.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { findScenario, ScenarioRunner, SCENARIOS, type ScenarioStep } from '../scenarios/index.js';
import type { ScenarioStepInfo } from './contract.js';

/** What a scenario step needs of the app's service: its watch, and its own `up`. */
export interface ScenarioHost {
  engine: LabEngine;
  startWatching(): Promise<void>;
  labUp(): Promise<unknown>;
}

/**
 * The scenario the app is stepping through: steps run in order, one at a time, each checked on the
 * lab; a new step 1 replaces the running scenario.
 */
export class ScenarioSession {
  private current: { id: string; runner: ScenarioRunner; next: number } | undefined;

  constructor(private readonly host: ScenarioHost) {}

  /** Runs step `index` (0-based); returns what the lab showed, and which kind of action ran. */
  async step(id: string, index: number): Promise<{ report: ScenarioStepInfo; action?: ScenarioStep['action'] }> {
    const scenario = findScenario(id);
    if (!scenario)
      throw new LabError(
        'unknown-scenario',
        `unknown scenario "${id}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`,
      );
    if (index >= scenario.steps.length)
      throw new LabError(
        'invalid-request',
        `scenario "${id}" has ${scenario.steps.length} steps; there is no step ${index + 1}`,
      );
    if (index === 0 || this.current?.id !== id) {
      if (index !== 0) throw new LabError('not-running', `scenario "${id}" is not running: start it at step 1`);
      this.current?.runner.close().catch(ignoreRejection('a scenario lab being replaced may already be gone'));
      this.current = {
        id,
        runner: new ScenarioRunner(this.host.engine, { hostWatch: () => this.host.startWatching() }),
        next: 0,
      };
    }
    const session = this.current;
    if (index !== session.next)
      throw new LabError(
        'invalid-request',
        `scenario "${id}": step ${session.next + 1} comes next, not step ${index + 1}`,
      );
    // The app's own start: the lab is created as the app's, and the UI hears that it is up.
    if (index === 0 && !(await this.host.engine.find())) await this.host.labUp();
    const report = await session.runner.runStep(scenario, index);
    session.next = report.ok ? index + 1 : index;
    return { report, action: scenario.steps[index].action };
  }
}
