import type { CheckRun, TemplateContext } from './check-run.js';
import { checkInterop, checkNat } from './checks-environment.js';
import { checkLatency, checkLoss, checkPeerRestart } from './checks-resilience.js';
import { checkRekey, checkTraffic } from './checks-tunnel.js';
import type { CheckId } from './types.js';

export { runCheck, skippedCheck, type TemplateContext } from './check-run.js';
export { checkEstablish } from './checks-tunnel.js';

/** Every check after establish, by id; each family lives in its own file. */
export const CHECKS: Record<Exclude<CheckId, 'establish'>, (ctx: TemplateContext, run: CheckRun) => Promise<void>> = {
  traffic: checkTraffic,
  rekey: checkRekey,
  'peer-restart': checkPeerRestart,
  loss: checkLoss,
  latency: checkLatency,
  nat: checkNat,
  interop: checkInterop,
};
