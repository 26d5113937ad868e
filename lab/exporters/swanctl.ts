import { renderSwanctlConf } from '../config/swanctl-conf.js';
import type { LabSettings, Side } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import type { ExportOptions } from './types.js';

/** swanctl.conf of one lab gateway, exactly as the lab runs it (PSK masked unless revealSecrets). */
export function exportSwanctl(settings: LabSettings, side: Side, options: ExportOptions = {}): string {
  return renderSwanctlConf(validateSettings(settings), side, { revealSecrets: options.revealSecrets ?? false });
}
