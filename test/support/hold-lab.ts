// Starts a lab owned by this process and keeps running until killed: a stand-in for an app or
// test run that crashes while it owns a lab.
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';

const engine = LabEngine.connect(process.argv[2]);
await engine.up(defaultSettings(), { mode: 'attached', timeoutMs: 30_000 });
console.log('READY');
setInterval(() => {}, 1 << 30);
