export * from './types.js';
export { validateTemplate, validateTemplates, defaultConcurrency, activeLabs, runSecrets, reportJson } from './run.js';
export { reportHtml, counterChart } from './html.js';
export { reportJunit } from './junit.js';
export { loadTemplate, maskSettings, maskText, MASK } from './template.js';
