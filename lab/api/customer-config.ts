/**
 * A customer's configs in the app (issue 15): one config imported on the side the user chose with
 * the other gateway its mirror image, or two configs as the two ends, each from its own; every
 * line not imported listed with its number and reason (pre-shared keys masked by the importers);
 * the pairs both gateways must agree on compared before anything runs, citing the configs' lines.
 */
import { LabError } from '../docker/errors.js';
import { exportAsa } from '../exporters/asa.js';
import { exportSwanctl } from '../exporters/swanctl.js';
import { importConfig,type ImportResult } from '../importers/index.js';
import { compareGateways, type FieldSource } from '../settings/compare.js';
import type { LabSettings, Side } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import type { CustomerImportInfo, CustomerImportRequest, ExportFormatInfo, ImportedEndInfo } from './contract.js';
import type { UploadStore } from './customer-uploads.js';

/** A device config is kilobytes; a few MB is already a whole firewall's running config. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

const other = (side: Side): Side => (side === 'left' ? 'right' : 'left');

export async function importConfigs(uploads: UploadStore, request: CustomerImportRequest): Promise<CustomerImportInfo> {
  const { configs } = request;
  if (configs.length === 2 && configs[0].side === configs[1].side)
    throw new LabError(
      'invalid-request',
      `both configs are for the ${configs[0].side} gateway: two configs are the two ends, one left and one right`,
    );
  const imported: { result: ImportResult; end: ImportedEndInfo }[] = [];
  for (const c of configs) {
    const up = uploads.get(c.upload).info;
    const text = await uploads.text(c.upload, MAX_CONFIG_BYTES, 'a device config');
    let result: ImportResult;
    try {
      result = importConfig(text, { side: c.side, entry: c.tunnel || undefined });
    } catch (e) {
      // Which of the two files is at fault, with the importer's own line and reason.
      if (e instanceof Error) e.message = `${up.name}: ${e.message}`;
      throw e;
    }
    imported.push({ result, end: endInfo(result, c.upload, up.name, up.lines) });
  }
  if (imported.length === 1) {
    const [{ result, end }] = imported;
    return {
      settings: result.settings,
      ends: [end],
      mirrored: other(end.side),
      pairs: compareGateways(result.settings, provenanceOf(result, end.side)),
    };
  }
  const left = imported.find((i) => i.end.side === 'left')!;
  const right = imported.find((i) => i.end.side === 'right')!;
  // Each end as its own config states it: a mismatch between the two devices is what the user came to see.
  const settings = validateSettings({
    schema: 1,
    left: left.result.settings.left,
    right: right.result.settings.right,
    realisticTimers: left.result.settings.realisticTimers,
  });
  const provenance = { ...provenanceOf(left.result, 'left'), ...provenanceOf(right.result, 'right') };
  return { settings, ends: [left.end, right.end], pairs: compareGateways(settings, provenance) };
}

function endInfo(r: ImportResult, upload: string, name: string, lines: number): ImportedEndInfo {
  return {
    side: r.side,
    upload,
    name,
    format: r.format,
    entry: r.entry,
    lines,
    unsupported: r.unsupported,
    warnings: r.warnings,
    placeholders: r.placeholders,
    tunnels: r.tunnels,
    routeBased: !!r.routeBased,
    peerAddress: r.peerAddress,
    localAddress: r.localAddress,
  };
}

/** The import's field -> line map, for the fields of the side it imported (the mirror has no lines of its own). */
function provenanceOf(r: ImportResult, side: Side): Record<string, FieldSource> {
  const out: Record<string, FieldSource> = {};
  for (const [field, p] of Object.entries(r.provenance ?? {}))
    if (field.startsWith(`${side}.`)) out[field] = { line: p.line, text: p.text, more: p.more };
  return out;
}

const FILE_NAMES: Record<ExportFormatInfo, (side: Side) => string> = {
  swanctl: (side) => `gw-${side}.swanctl.conf`,
  asa: (side) => `gw-${side}-asa.txt`,
  paloalto: (side) => `gw-${side}-paloalto.set`,
};

/** One gateway's config for a device; the exporters refuse (ExportError) what the format cannot express. */
export function exportConfig(
  settings: LabSettings,
  side: Side,
  format: ExportFormatInfo,
  opts: { revealSecrets?: boolean },
): { text: string; side: Side; format: ExportFormatInfo; fileName: string } {
  const s = validateSettings(settings);
  const reveal = { revealSecrets: !!opts.revealSecrets };
  let text: string;
  switch (format) {
    case 'asa':
      text = exportAsa(s, side, reveal);
      break;
    case 'swanctl':
      text = exportSwanctl(s, side, reveal);
      break;
    case 'paloalto':
      throw new LabError('unsupported', 'Palo Alto export is not part of this build yet: export as ASA or swanctl');
  }
  return { text, side, format, fileName: FILE_NAMES[format](side) };
}
