/**
 * One template validated end to end by the CLI (`ipsec-lab validate`, every check), as a user
 * runs it: the wall time, and each check's own time from the report. Target (issue #12): <= 45 s.
 * `npm run bench -- validate`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { defaultSettings } from '../lab/settings/defaults.js';
import type { ValidateReport } from '../lab/validate/types.js';
import { cli, type Figure, freshCli } from './support.js';

const TARGET_S = 45;

export async function benchValidate(): Promise<Figure[]> {
  await freshCli();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-bench-validate-'));
  try {
    const template = path.join(dir, 'branch.json');
    writeFileSync(template, JSON.stringify(defaultSettings(), null, 2), { mode: 0o600 });
    const run = await cli(['validate', template, '--json']);
    if (!run.stdout.trim()) throw new Error(`validate printed no report (exit ${run.code}): ${run.stderr.trim()}`);
    const report = JSON.parse(run.stdout) as ValidateReport;
    const t = report.templates[0];
    const checks = t.checks
      .filter((c) => c.status !== 'skipped')
      .map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(1)}`)
      .join(', ');
    return [
      {
        name: 'validate: one template, every check (CLI wall)',
        value: run.seconds,
        unit: 's',
        note: `${t.ok ? 'passed' : 'FAILED'}; target <= ${TARGET_S} s: ${run.seconds <= TARGET_S ? 'met' : 'NOT met'}; checks (s): ${checks}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
