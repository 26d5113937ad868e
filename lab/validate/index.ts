export { counterChart, reportHtml } from './html.js';
export { reportJunit } from './junit.js';
export {
  activeLabs,
  defaultConcurrency,
  reportJson,
  runSecrets,
  validateTemplate,
  validateTemplates,
  validationLabName,
} from './run.js';
export { loadTemplate, MASK, maskSettings, maskText } from './template.js';
export * from './types.js';
