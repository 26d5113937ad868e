import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'vitest';

import { diagnose, type DiagnoseInput } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/diagnosis');

export interface FixtureMeta {
  expect: string;
  release: string;
  ikeVersion: number;
  sides: string[];
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(FIXTURES, d.name, 'meta.json')))
    .map((d) => d.name)
    .sort();
}

export function meta(name: string): FixtureMeta {
  return JSON.parse(readFileSync(path.join(FIXTURES, name, 'meta.json'), 'utf8')) as FixtureMeta;
}

/** Diagnoses a fixture from files, sources named relative to the fixtures folder. */
export async function diagnoseFixture(
  name: string,
  opts: { sides?: ('left' | 'right')[]; sas?: boolean } = {},
): Promise<DiagnosisResult> {
  const sides = (opts.sides ?? ['left', 'right']).filter((s) => existsSync(path.join(FIXTURES, name, `${s}.log`)));
  const input: DiagnoseInput = {
    logs: sides.map((s) => ({
      source: `${name}/${s}.log`,
      side: s,
      lines: createReadStream(path.join(FIXTURES, name, `${s}.log`)),
    })),
    sasText:
      (opts.sas ?? true)
        ? sides
            .filter((s) => existsSync(path.join(FIXTURES, name, `${s}.sas.txt`)))
            .map((s) => ({
              source: `${name}/${s}.sas.txt`,
              side: s,
              lines: createReadStream(path.join(FIXTURES, name, `${s}.sas.txt`)),
            }))
        : [],
  };
  return diagnose(input);
}

const fileLines = new Map<string, string[]>();

/** Every evidence line must exist verbatim at its line number in its source (relative to root). */
export function expectEvidenceVerbatim(result: DiagnosisResult, root = FIXTURES): void {
  for (const f of result.findings) {
    expect(f.evidence.length, `${f.cause} has evidence`).toBeGreaterThan(0);
    for (const e of f.evidence) {
      if (e.line === 0) continue; // settings-derived evidence has no line
      const file = path.join(root, e.source);
      let lines = fileLines.get(file);
      if (!lines) fileLines.set(file, (lines = readFileSync(file, 'utf8').split('\n')));
      expect(lines[e.line - 1], `${e.source}:${e.line}`).toBe(e.text);
    }
  }
}

export const isFault = (cause: string) =>
  cause !== 'healthy' && cause !== 'dh-group-retry' && cause !== 'lifetime-mismatch';
