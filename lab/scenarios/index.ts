export * from './types.js';
export { SCENARIOS, findScenario } from './catalogue.js';
export { ScenarioRunner, type ScenarioEvent, type ScenarioReport, type StepReport } from './runner.js';
export { describeExpectation, ASA_COUNTER } from './describe.js';
