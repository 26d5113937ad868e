import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { diagnose, type LogInput } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { FIXTURES, isFault } from './helpers.js';

/**
 * The public corpus (test/fixtures/diagnosis/public/<case>/): logs, listings and device outputs
 * that people published, each with the cause the source itself gives (`expect`, and `acceptable`
 * where the excerpt cannot tell them apart). Each case is diagnosed from its files alone, the way
 * `ipsec-lab diagnose FILE` or `--left/--right` would: input.txt without a side, left.txt/right.txt
 * as the two gateways.
 */
const PUBLIC = path.join(FIXTURES, 'public');

interface PublicMeta {
  source: string;
  device?: string;
  shape?: string;
  residue?: string[];
  expect: string;
  acceptable?: string[];
  why: string;
  decidingLines?: string[];
}

const cases = existsSync(PUBLIC)
  ? readdirSync(PUBLIC)
      .filter((d) => existsSync(path.join(PUBLIC, d, 'meta.json')))
      .sort()
  : [];

function metaOf(name: string): PublicMeta {
  const file = path.join(PUBLIC, name, 'meta.json');
  let m: PublicMeta;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as PublicMeta;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof m.expect !== 'string' || !m.expect) throw new Error(`${file}: "expect" must name a cause`);
  if (m.acceptable !== undefined && !Array.isArray(m.acceptable))
    throw new Error(`${file}: "acceptable" must be a list`);
  return m;
}

const FILES: [string, LogInput['side']][] = [
  ['input.txt', 'unknown'],
  ['left.txt', 'left'],
  ['right.txt', 'right'],
];

async function diagnoseCase(name: string): Promise<DiagnosisResult> {
  const logs: LogInput[] = FILES.filter(([f]) => existsSync(path.join(PUBLIC, name, f))).map(([f, side]) => ({
    source: `${name}/${f}`,
    side,
    lines: createReadStream(path.join(PUBLIC, name, f)),
  }));
  if (!logs.length) throw new Error(`${name}: no input.txt, left.txt or right.txt`);
  return diagnose({ logs });
}

const right = (m: PublicMeta, verdict: string) => verdict === m.expect || (m.acceptable ?? []).includes(verdict);

/** Lines of the corpus files, for the evidence check (split as the reader splits: on LF only). */
const lines = new Map<string, string[]>();
function lineOf(source: string, n: number): string | undefined {
  let all = lines.get(source);
  if (!all) lines.set(source, (all = readFileSync(path.join(PUBLIC, source), 'utf8').split('\n')));
  return all[n - 1];
}

const results = new Map<string, DiagnosisResult>();

describe('public corpus: each published case', () => {
  beforeAll(async () => {
    for (const name of cases) results.set(name, await diagnoseCase(name));
  });

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    const m = metaOf(name);
    it(`${name} (${m.shape ?? '?'}) -> ${[m.expect, ...(m.acceptable ?? [])].join(' | ')}`, () => {
      const r = results.get(name)!;
      // A miss may only be an honest "unknown": never another cause, never a fault on a healthy case.
      if (!right(m, r.verdict)) expect(r.verdict, `${name}: ${m.why}`).toBe('unknown');
      if (m.expect === 'healthy') expect(isFault(r.verdict), `${name}: fault verdict on a healthy case`).toBe(false);
      for (const f of r.findings)
        for (const e of f.evidence) {
          if (e.line === 0) continue;
          expect(lineOf(e.source, e.line), `${f.cause} cites ${e.source}:${e.line}`).toBe(e.text);
        }
      // What was read and what not is reported per input.
      expect(r.inputs?.length).toBeGreaterThan(0);
      for (const i of r.inputs!) expect(i.unrecognised === 0 || typeof i.looksLike === 'string').toBe(true);
    });
  }
});

describe('public corpus: overall', () => {
  beforeAll(async () => {
    for (const name of cases) if (!results.has(name)) results.set(name, await diagnoseCase(name));
  });

  it('gets at least 90% of the published verdicts right', () => {
    const wrong = cases.filter((c) => !right(metaOf(c), results.get(c)!.verdict));
    const share = (cases.length - wrong.length) / cases.length;
    expect(
      share,
      `missed: ${wrong.map((c) => `${c} -> ${results.get(c)!.verdict}`).join(', ')}`,
    ).toBeGreaterThanOrEqual(0.9);
  });

  it('gives no fault verdict on any healthy case', () => {
    const alarms = cases
      .filter((c) => metaOf(c).expect === 'healthy' && isFault(results.get(c)!.verdict))
      .map((c) => `${c} -> ${results.get(c)!.verdict}`);
    expect(alarms).toEqual([]);
  });

  it('reads the deciding lines the source names (they are not counted as not recognised)', () => {
    const unread: string[] = [];
    for (const c of cases) {
      const r = results.get(c)!;
      for (const input of r.inputs ?? []) {
        const first = input.firstUnrecognised?.text;
        for (const d of metaOf(c).decidingLines ?? []) if (first?.includes(d)) unread.push(`${c}: ${d}`);
      }
    }
    expect(unread).toEqual([]);
  });
});

/** Every shape and residue the corpus names has its own test: all its cases read and right. */
describe('public corpus: per shape', () => {
  const byShape = new Map<string, string[]>();
  for (const c of cases) {
    const m = metaOf(c);
    for (const s of [m.shape ?? 'unnamed', ...(m.residue ?? []).map((r) => `residue:${r}`)])
      byShape.set(s, [...(byShape.get(s) ?? []), c]);
  }
  beforeAll(async () => {
    for (const name of cases) if (!results.has(name)) results.set(name, await diagnoseCase(name));
  });
  for (const [shape, names] of [...byShape].sort()) {
    it(`${shape}: ${names.length} case(s) read, verdicts right or honestly unknown`, () => {
      for (const c of names) {
        const r = results.get(c)!;
        const m = metaOf(c);
        const read = (r.inputs ?? []).reduce((n, i) => n + i.lines - i.unrecognised, 0);
        expect(read, `${c}: nothing read`).toBeGreaterThan(0);
        expect(right(m, r.verdict) || r.verdict === 'unknown', `${c} -> ${r.verdict}`).toBe(true);
      }
      // A shape is only "read" when most of its cases come out right.
      const ok = names.filter((c) => right(metaOf(c), results.get(c)!.verdict)).length;
      expect(ok / names.length, `${shape}`).toBeGreaterThanOrEqual(names.length > 2 ? 0.66 : 0.5);
    });
  }
});
