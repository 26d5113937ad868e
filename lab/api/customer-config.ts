/**
 * A customer's configs in the app (issue 15): one config imported on the side the user chose with
 * the other gateway its mirror image, or two configs as the two ends, each from its own; every
 * line not imported listed with its number and reason (pre-shared keys masked by the importers);
 * the pairs both gateways must agree on compared before anything runs, citing the configs' lines.
 */
import { LabError } from '../docker/errors.js';
import { exportAsa } from '../exporters/asa.js';
import { exportPaloAlto } from '../exporters/paloalto.js';
import { exportSwanctl } from '../exporters/swanctl.js';
import { importConfig, importPair, type ImportResult, SECRET_MASK } from '../importers/index.js';
import { compareGateways, type FieldSource, type SettingsPair } from '../settings/compare.js';
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
  const read: { c: (typeof configs)[number]; name: string; lines: number; text: string; alone: ImportResult }[] = [];
  for (const c of configs) {
    const up = uploads.get(c.upload).info;
    const text = await uploads.text(c.upload, MAX_CONFIG_BYTES, 'a device config');
    let alone: ImportResult;
    try {
      alone = importConfig(text, { side: c.side, entry: c.tunnel || undefined });
    } catch (e) {
      // Which of the two files is at fault, with the importer's own line and reason.
      if (e instanceof Error) e.message = `${up.name}: ${e.message}`;
      throw e;
    }
    // The text view shows the config as written, but never its keys: every one the importer masked, and the imported tunnel's.
    uploads.mask(c.upload, [...maskedIn(text, alone), alone.settings[c.side].gateway.psk]);
    read.push({ c, name: up.name, lines: up.lines, text, alone });
  }
  if (read.length === 1) {
    const [{ c, name, lines, alone }] = read;
    return {
      settings: alone.settings,
      ends: [endInfo(alone, c.upload, name, lines)],
      mirrored: other(c.side),
      pairs: masked(compareGateways(alone.settings, provenanceOf(alone, c.side))),
    };
  }
  // Each end as its own device is configured (lab/importers/pair.ts): a mismatch between them is what the user came to see.
  const [l, r] = (['left', 'right'] as const).map((side) => read.find((x) => x.c.side === side)!);
  const pair = importPair(
    { text: l.text, options: { entry: l.c.tunnel || undefined } },
    { text: r.text, options: { entry: r.c.tunnel || undefined } },
  );
  return {
    settings: pair.settings,
    ends: [endInfo(pair.left, l.c.upload, l.name, l.lines), endInfo(pair.right, r.c.upload, r.name, r.lines)],
    pairs: masked(compareGateways(pair.settings, pair.provenance)),
  };
}

/** The pairs as the screen shows them: whether the keys agree, never the keys (they end up in screenshots and tickets). */
function masked(pairs: SettingsPair[]): SettingsPair[] {
  return pairs.map((p) =>
    /\.psk$/.test(p.left)
      ? { ...p, leftValue: SECRET_MASK, rightValue: p.ok ? SECRET_MASK : `${SECRET_MASK} (differs)` }
      : p,
  );
}

/**
 * The secrets the importer masked where it quotes a line (lines not imported, provenance): what
 * stands in the written line where the quote has the mask.
 */
function maskedIn(text: string, r: ImportResult): string[] {
  const lines = text.split(/\r?\n/);
  const quotes = [...r.unsupported, ...Object.values(r.provenance ?? {}).flatMap((p) => [p, ...(p.more ?? [])])];
  const out: string[] = [];
  for (const q of quotes) {
    if (!q.text.includes(SECRET_MASK)) continue;
    const raw = lines[q.line - 1] ?? '';
    const parts = q.text.split(SECRET_MASK);
    let pos = raw.indexOf(parts[0]);
    if (pos < 0) continue;
    pos += parts[0].length;
    for (let i = 1; i < parts.length; i++) {
      const end = parts[i] ? raw.indexOf(parts[i], pos) : raw.trimEnd().length;
      if (end <= pos) break;
      out.push(raw.slice(pos, end));
      pos = end + parts[i].length;
    }
  }
  return out;
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
      text = exportPaloAlto(s, side, reveal);
      break;
  }
  return { text, side, format, fileName: FILE_NAMES[format](side) };
}
