export { findScenario, SCENARIOS } from './catalogue.js';
export { ASA_COUNTER, describeExpectation } from './describe.js';
export { type ScenarioEvent, type ScenarioReport, ScenarioRunner, type StepReport } from './runner.js';
export * from './types.js';
