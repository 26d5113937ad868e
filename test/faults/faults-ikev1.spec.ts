import { describe } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { catalogueCases, useFaultLab } from './harness.js';

function ikev1(): LabSettings {
  const s = defaultSettings();
  for (const side of ['left', 'right'] as const) s[side].gateway.ikeVersion = 1;
  return s;
}

/**
 * Every catalogue fault on an IKEv1 lab (main mode, quick mode): strongSwan's real symptom as the
 * catalogue's evidence rows say, then the live diagnosis naming the cause from the evidence alone.
 * The faults that need steps of their own (a restarted or stopped gateway, rekeys over time) run
 * on the IKEv2 lab only.
 */
describe.skipIf(skipWithoutDocker('fault integration (IKEv1)'))('faults on a live IKEv1 lab', () => {
  const lab = useFaultLab('f1', ikev1);
  catalogueCases(lab, 1, { aside: ['peer-restart', 'peer-down', 'lifetime-mismatch'] });
});
