import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { diagnose, type DiagnoseInput } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { type Shape, SHAPES } from '../fixtures/diagnosis/shapes.js';
import { FIXTURES, isFault } from './helpers.js';

/**
 * The corpus recorded through the full lab (test/fixtures/diagnosis/record-lab.ts): every catalogue
 * fault on IKEv2 and IKEv1 plus healthy runs. Each case is diagnosed from both gateways' logs and
 * SA listings only (no settings, no knowledge of the fault), as a customer's files would be.
 */
const LAB = path.join(FIXTURES, 'lab');
const SHAPES_LAB = path.join(FIXTURES, 'shapes', 'lab');

interface LabMeta {
  expect: string;
  /** Verdicts the evidence cannot tell from `expect`; `why` says why. */
  acceptable?: string[];
  why?: string;
  /** An advisory finding that must be listed (e.g. lifetime-mismatch: never the verdict). */
  advisory?: string;
  fault: string | null;
  ikeVersion: number;
  release: string;
  /**
   * Shapes that drop the lines the verdict rests on (`swanctl --log` streams levels 0-1 only, so no
   * load-conn dump): what the evidence left in that shape supports, and why.
   */
  shapes?: Partial<Record<Shape, { expect: string; acceptable?: string[]; why: string }>>;
}

const cases = existsSync(LAB)
  ? readdirSync(LAB)
      .filter((d) => existsSync(path.join(LAB, d, 'meta.json')))
      .sort()
  : [];
const metaOf = (name: string) => JSON.parse(readFileSync(path.join(LAB, name, 'meta.json'), 'utf8')) as LabMeta;

/** Both sides' SA listings, the one before the pings first (a series shows counter growth). */
function sasInputs(name: string): NonNullable<DiagnoseInput['sasText']> {
  const out: NonNullable<DiagnoseInput['sasText']> = [];
  for (const side of ['left', 'right'] as const) {
    for (const file of [`${side}.sas.before.txt`, `${side}.sas.txt`]) {
      const p = path.join(LAB, name, file);
      if (existsSync(p)) out.push({ source: `${name}/${file}`, side, lines: createReadStream(p) });
    }
  }
  return out;
}

async function diagnoseCase(name: string, shape?: Shape): Promise<DiagnosisResult> {
  const logs: NonNullable<DiagnoseInput['logs']> = (['left', 'right'] as const).map((side) => {
    const file = shape ? path.join(SHAPES_LAB, name, `${side}.${shape}.log`) : path.join(LAB, name, `${side}.log`);
    return { source: path.relative(shape ? SHAPES_LAB : LAB, file), side, lines: createReadStream(file) };
  });
  return diagnose({ logs, sasText: sasInputs(name) });
}

const fileLines = new Map<string, string[]>();

/**
 * Every evidence line exists verbatim at its line number in the input it names: the case's SA
 * listings, or its logs (the rewritten ones for a shape). Only settings-derived evidence has no line.
 */
function expectEvidenceInInput(r: DiagnosisResult, shape?: Shape): void {
  // One finding per cause: a second "healthy" (or any repeat) is noise beside the first.
  expect(new Set(r.findings.map((f) => f.cause)).size, r.findings.map((f) => f.cause).join(', ')).toBe(
    r.findings.length,
  );
  for (const f of r.findings) {
    expect(f.evidence.length, `${f.cause} has evidence`).toBeGreaterThan(0);
    for (const e of f.evidence) {
      expect(e.line, `${f.cause}: evidence ${e.source} cites a line`).toBeGreaterThan(0);
      const file = path.join(shape && e.source.endsWith('.log') ? SHAPES_LAB : LAB, e.source);
      let lines = fileLines.get(file);
      if (!lines) fileLines.set(file, (lines = readFileSync(file, 'utf8').split('\n')));
      expect(lines[e.line - 1], `${f.cause}: ${e.source}:${e.line}`).toBe(e.text);
    }
  }
}

function expectVerdict(r: DiagnosisResult, m: LabMeta, label: string): void {
  const causes = r.findings.map((f) => f.cause);
  if (m.acceptable?.length) {
    expect(m.why, `${label}: meta.json lists acceptable verdicts without saying why`).toBeTruthy();
    expect([m.expect, ...m.acceptable], `${label}: verdict ${r.verdict} (findings ${causes.join(', ')})`).toContain(
      r.verdict,
    );
    // The evidence cannot separate them: the expected cause must still be ranked.
    expect(causes, `${label}: ${m.expect} is ranked`).toContain(m.expect);
  } else {
    expect(r.verdict, `${label}: findings ${causes.join(', ')}`).toBe(m.expect);
  }
  if (m.expect === 'healthy' || m.expect === 'unknown') {
    // False alarms are defects: a healthy tunnel gives no fault finding at all.
    expect(
      r.findings.filter((f) => isFault(f.cause)).map((f) => f.cause),
      label,
    ).toEqual([]);
  }
  if (m.advisory) expect(causes, `${label}: advisory ${m.advisory} listed`).toContain(m.advisory);
}

describe("lab corpus: the verdict from both gateways' logs and SA listings", () => {
  it('has every catalogue fault recorded (IKEv2 and IKEv1 where it applies) and healthy runs', async () => {
    const { FAULTS } = await import('../../lab/faults/catalogue.js');
    const want = FAULTS.flatMap((f) => f.ikeVersions.map((v) => `${f.id}-v${v}`));
    expect(cases).toEqual(expect.arrayContaining([...want, 'healthy-v2-trixie', 'healthy-v1-trixie']));
  });

  for (const name of cases) {
    const m = metaOf(name);
    it(`${name} -> ${[m.expect, ...(m.acceptable ?? [])].join(' | ')}`, async () => {
      const r = await diagnoseCase(name);
      expectVerdict(r, m, name);
      expectEvidenceInInput(r);
    });
  }
});

describe('lab corpus in every pasted shape: the same verdict', () => {
  for (const name of cases) {
    const m = metaOf(name);
    it(`${name} as ${SHAPES.join(', ')}`, async () => {
      for (const shape of SHAPES) {
        expect(
          existsSync(path.join(SHAPES_LAB, name, `left.${shape}.log`)),
          `${name} rewritten as ${shape} (run shapes.ts)`,
        ).toBe(true);
        const r = await diagnoseCase(name, shape);
        const lost = m.shapes?.[shape];
        if (lost) expect(lost.why, `${name}: meta.json shapes.${shape} says why`).toBeTruthy();
        expectVerdict(r, lost ? { ...m, ...lost, acceptable: lost.acceptable } : m, `${name} as ${shape}`);
        expectEvidenceInInput(r, shape);
      }
    });
  }
});
