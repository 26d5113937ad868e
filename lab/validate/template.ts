import { readFile } from 'node:fs/promises';

import { terminalSafe } from '../common/terminal.js';
import { importConfig } from '../importers/index.js';
import type { FieldSource } from '../settings/compare.js';
import type { LabSettings } from '../settings/types.js';
import { secretsInText } from './secrets.js';

export const MASK = '********';

export interface LoadedTemplate {
  file: string;
  settings: LabSettings;
  format: string;
  notes: string[];
  /** Imported configs: settings field -> the device line it came from. */
  provenance?: Record<string, FieldSource>;
  /** Every pre-shared key in the file (all its tunnels'), for masking reports. */
  secrets: string[];
}

/** A template is a lab settings file or anything `import` reads (ASA CLI, swanctl.conf, ipsec.conf). */
export async function loadTemplate(file: string): Promise<LoadedTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  try {
    const r = importConfig(text);
    // A line number 0 means the input as a whole: no line to cite.
    const at = (line: number) => (line > 0 ? `line ${line} ` : '');
    const others = r.tunnels.filter((t) => !t.selected);
    const notes = [
      // What the template was validated with instead of its template variables and masked values.
      ...r.placeholders.map((p) => `${at(p.line)}placeholder ${p.text} (${p.field}) replaced by ${p.replacement}`),
      ...(others.length
        ? [
            `validated tunnel ${r.entry}; not validated, the file's other tunnel${others.length === 1 ? '' : 's'}: ${others
              .map((t) => `${t.name} (${at(t.line)}peer ${t.peer || '?'})`)
              .join(', ')} (validate one with \`ipsec-lab import FILE --tunnel NAME --out t.json\`, then t.json)`,
          ]
        : []),
      ...r.warnings.map((w) => `warning${w.line > 0 ? ` (line ${w.line})` : ''}: ${w.message}`),
      ...r.unsupported.map((u) => `${at(u.line)}not imported: ${u.text.trim()} (${u.reason})`),
    ];
    const secrets = [...new Set([...secretsInText(text), ...secretsOf(r.settings)])];
    return { file, settings: r.settings, format: r.format, notes, provenance: r.provenance, secrets };
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The settings with both pre-shared keys replaced by a mask. */
export function maskSettings(s: LabSettings): LabSettings {
  const m = structuredClone(s);
  m.left.gateway.psk = MASK;
  m.right.gateway.psk = MASK;
  return m;
}

/** Every secret of these settings, for masking free text (log lines, messages). */
export function secretsOf(s: LabSettings): string[] {
  return [...new Set([s.left.gateway.psk, s.right.gateway.psk].filter((p) => p.length > 0))];
}

/**
 * Replaces every occurrence of a secret in a text. Longer secrets first, so a key that contains
 * another is masked whole. Applied to every report before it is written.
 */
export function maskText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  // A key can also show JSON-escaped or XML/HTML-escaped in a serialized report.
  for (const s of secrets) {
    for (const variant of [JSON.stringify(s).slice(1, -1), escapeXml(s)])
      if (variant !== s) out = out.split(variant).join(MASK);
  }
  return out;
}

export function escapeXml(s: string): string {
  // Control characters from logs are invalid in XML and would be obeyed by a terminal showing the file.
  return terminalSafe(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
