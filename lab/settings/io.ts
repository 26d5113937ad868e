import { readFile } from 'node:fs/promises';

import { writeFileAtomic } from '../common/safe-write.js';
import { jsonErrorLine } from './json-error.js';
import type { LabSettings } from './types.js';
import { SettingsError, validateSettings } from './validate.js';

/** Reads and validates a settings JSON file; errors name the file, and the line for bad JSON. */
export async function loadSettingsFile(file: string): Promise<LabSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SettingsError(
      [{ field: '(file)', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }],
      file,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const line = jsonErrorLine(text, e as Error);
    throw new SettingsError(
      [{ field: line ? `line ${line}` : '(file)', message: `not valid JSON: ${(e as Error).message}` }],
      file,
    );
  }
  return validateSettings(doc, file);
}

/**
 * Writes settings as JSON, owner-only (the file holds pre-shared keys): a new file replaces the old
 * one (its mode and a symlink in its place are not kept).
 */
export async function saveSettingsFile(file: string, settings: LabSettings): Promise<void> {
  validateSettings(settings);
  await writeFileAtomic(file, JSON.stringify(settings, null, 2) + '\n');
}
