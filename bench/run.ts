// `npm run bench [-- SUITE...]`: every figure is measured in this one run and printed beside its
// floor; targets are ratios, so a busy machine moves both sides alike.
import { benchCli } from './cli-bench.js';
import { benchDiagnosisThroughput } from './diagnosis-throughput.js';
import { benchFirstScreen } from './first-screen.js';
import { benchImage, benchLab } from './lab-bench.js';
import { benchLogView } from './log-view.js';
import type { Figure } from './support.js';
import { benchValidate } from './validate-bench.js';
import { benchVerdicts } from './verdicts.js';

const only = process.argv.slice(2);
const suites: Record<string, () => Promise<Figure[]>> = {
  cli: () => benchCli(),
  lab: () => benchLab(),
  'log-view': () => benchLogView(),
  'first-screen': () => benchFirstScreen(),
  diagnosis: () => benchDiagnosisThroughput(),
  validate: () => benchValidate(),
  verdicts: () => benchVerdicts(),
  image: () => benchImage(),
};
// Minutes of a cold image build on a shared machine: only when asked for by name.
const ON_REQUEST = new Set(['image']);
const unknown = only.filter((s) => !(s in suites));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(', ')}; expected ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const rows: Figure[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (only.length ? !only.includes(name) : ON_REQUEST.has(name)) continue;
  console.error(`bench: ${name}...`);
  try {
    rows.push(...(await run()));
  } catch (e) {
    rows.push({ name: `${name}: FAILED`, value: NaN, unit: '', note: (e as Error).message });
  }
}
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\n${'figure'.padEnd(width)}  value`);
for (const r of rows)
  console.log(
    `${r.name.padEnd(width)}  ${Number.isNaN(r.value) ? '-' : r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}${r.note ? `   (${r.note})` : ''}`,
  );
if (rows.some((r) => Number.isNaN(r.value))) process.exitCode = 1;
