import { type Command } from 'commander';

import { writeFileAtomic } from '../common/safe-write.js';
import { CHECK_IDS, type CheckId, type ValidateReport } from '../validate/types.js';

/** The engines of --engine, each answering (loaded only when asked for). */
async function resolveEngines(values: string[], concurrency?: number) {
  return (await import('../validate/engines.js')).resolveValidationEngines(values, concurrency);
}

function table(report: ValidateReport): string {
  const lines: string[] = [];
  const pad = ' '.repeat(26);
  for (const t of report.templates) {
    const where = t.engine ? `lab ${t.lab} on ${t.engine}` : `lab ${t.lab}`;
    lines.push(`${t.ok ? '✔ PASS' : '✘ FAIL'}  ${t.template}  (${where}, ${(t.durationMs / 1000).toFixed(0)} s)`);
    if (t.error) lines.push(`        ${t.error}`);
    for (const c of t.checks) {
      const mark = c.status === 'pass' ? '✔' : c.status === 'fail' ? '✘' : '-';
      const took = c.status === 'skipped' ? '      ' : `${(c.durationMs / 1000).toFixed(1).padStart(4)} s`;
      lines.push(`   ${mark} ${c.id.padEnd(13)} ${c.status.padEnd(7)} ${took}  ${c.reason ?? c.facts[0] ?? ''}`);
      if (c.cause) lines.push(`${pad}diagnosed cause: ${c.cause.cause}: ${c.cause.summary}`);
      // The customer's own lines behind a failure, as the device has them.
      for (const l of c.config ?? []) lines.push(`${pad}gw-${l.side} line ${l.line}: ${l.text.trim()}  (${l.note})`);
    }
    for (const a of t.advice ?? []) lines.push(`   ⚠ weak crypto: ${a}`);
  }
  lines.push(
    `${report.totals.pass} passed, ${report.totals.fail} failed, ${report.totals.skipped} skipped in ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  return lines.join('\n');
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'validate VPN templates on real labs: establish, traffic, rekeys, peer restart (DPD), loss, latency, NAT, cross-release interop',
    )
    .argument('<template...>', 'lab settings JSON, or a config `import` reads (Cisco ASA, swanctl.conf, ipsec.conf)')
    .option('--report <file>', 'write an HTML report (each check with log excerpts and a counters chart)')
    .option('--junit <file>', 'write JUnit XML for CI pipelines')
    .option('--json', 'print the report as JSON on stdout')
    .option('--concurrency <n>', 'labs at a time (default: one per two CPU cores; with --engine: per engine)')
    .option(
      '--engine <engine>',
      'spread the templates over this Docker engine too: a context name or a URL (unix://, tcp://, ssh://user@host), NAME=N for N labs at a time there; repeat, or separate with commas',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option('--only <checks>', `comma-separated checks to run (${CHECK_IDS.join(', ')})`)
    .option('--quick', 'skip the checks that need a second lab (interop)')
    .action(async (files: string[], opts) => {
      // The validation engine (and with it the lab engine) loads only when validating.
      const { activeLabs, loadTemplate, maskText, reportHtml, reportJson, reportJunit, runSecrets, validateTemplates } =
        await import('../validate/index.js');
      // Bad input first, before any lab starts: which file, which line or field.
      const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)) {
        console.error(
          `ipsec-lab validate: --concurrency: expected a whole number from 1 to 16, got "${opts.concurrency}"`,
        );
        process.exitCode = 2;
        return;
      }
      const only = opts.only
        ? String(opts.only)
            .split(',')
            .map((s) => s.trim())
        : undefined;
      const unknown = only?.filter((c) => !CHECK_IDS.includes(c as CheckId));
      if (unknown?.length) {
        console.error(
          `ipsec-lab validate: --only: unknown check ${unknown.join(', ')}; expected ${CHECK_IDS.join(', ')}`,
        );
        process.exitCode = 2;
        return;
      }
      for (const f of files) {
        try {
          await loadTemplate(f);
        } catch (e) {
          console.error(`ipsec-lab validate: ${(e as Error).message}`);
          process.exitCode = 2;
          return;
        }
      }
      let engines: Awaited<ReturnType<typeof resolveEngines>> | undefined;
      if (opts.engine?.length) {
        try {
          engines = await resolveEngines(opts.engine as string[], concurrency);
        } catch (e) {
          console.error(`ipsec-lab validate: ${(e as Error).message}`);
          process.exitCode = 2;
          return;
        }
        for (const e of engines) console.error(`engine ${e.label}: ${e.concurrency} lab(s) at a time`);
      }
      const interrupt = () => {
        console.error('interrupted: removing the validation labs...');
        void Promise.allSettled([...activeLabs].map((l) => l.down())).finally(() => process.exit(130));
      };
      process.once('SIGINT', interrupt);
      try {
        const report = await validateTemplates(files, {
          concurrency,
          engines,
          only: only as CheckId[] | undefined,
          quick: !!opts.quick,
          onProgress: (l) => console.error(l),
        });
        const secrets = await runSecrets(files);
        // Reports mask every key (not secret): readable by others, but written as new files, never through a symlink.
        if (opts.report) await writeFileAtomic(opts.report, reportHtml(report, secrets), { mode: 0o644 });
        if (opts.junit) await writeFileAtomic(opts.junit, reportJunit(report, secrets), { mode: 0o644 });
        console.log(opts.json ? reportJson(report, secrets) : maskText(table(report), secrets));
        process.exitCode = report.ok ? 0 : 1;
      } finally {
        process.off('SIGINT', interrupt);
      }
    });
}
