import path from 'node:path';

import { evidenceWhere } from './evidence.js';
import { escapeXml as esc, maskText } from './template.js';
import type { CheckResult, TemplateResult, ValidateReport } from './types.js';

const secs = (ms: number) => (ms / 1000).toFixed(3);
// XML 1.0 cannot carry most control characters, even escaped.
const clean = (s: string) => esc(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?'));

function details(c: CheckResult): string {
  const lines: string[] = [];
  if (c.cause) {
    lines.push(`cause: ${c.cause.cause}: ${c.cause.summary}`);
    for (const f of c.cause.fix) lines.push(`fix: ${f}`);
    for (const e of c.cause.evidence) lines.push(`evidence ${evidenceWhere(e)}: ${e.text}`);
  }
  for (const l of c.config ?? []) lines.push(`config gw-${l.side} line ${l.line}: ${l.text} (${l.note})`);
  for (const f of c.facts) lines.push(f);
  return lines.join('\n');
}

function testcase(t: TemplateResult, c: CheckResult): string {
  const cls = `ipsec-lab.validate.${path.basename(t.template).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const open = `    <testcase classname="${clean(cls)}" name="${clean(`${c.id}: ${c.title}`)}" time="${secs(c.durationMs)}">`;
  const body: string[] = [];
  if (c.status === 'fail')
    body.push(
      `      <failure message="${clean(c.reason ?? 'failed')}" type="${clean(c.cause?.cause ?? 'check-failed')}">${clean(details(c))}</failure>`,
    );
  if (c.status === 'skipped') body.push(`      <skipped message="${clean(c.reason ?? 'skipped')}"/>`);
  const out = [...(c.status === 'fail' ? [] : c.facts), ...c.logs.map((l) => `${l.lab} ${l.side}#${l.seq} ${l.text}`)];
  if (out.length) body.push(`      <system-out>${clean(out.join('\n'))}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}

function suite(t: TemplateResult): string {
  const failures = t.checks.filter((c) => c.status === 'fail').length;
  const skipped = t.checks.filter((c) => c.status === 'skipped').length;
  const props = `    <properties><property name="lab" value="${clean(t.lab)}"/><property name="format" value="${clean(t.format ?? '')}"/></properties>`;
  if (t.error) {
    return [
      `  <testsuite name="${clean(t.template)}" tests="1" failures="0" errors="1" skipped="0" time="${secs(t.durationMs)}">`,
      props,
      `    <testcase classname="ipsec-lab.validate" name="load template" time="0"><error message="${clean(t.error)}" type="template-error"/></testcase>`,
      '  </testsuite>',
    ].join('\n');
  }
  // Weak cryptography is advice, not a failed test: the suite's own output carries it.
  const advice = t.advice?.length
    ? [`    <system-out>${clean(t.advice.map((a) => `weak crypto: ${a}`).join('\n'))}</system-out>`]
    : [];
  return [
    `  <testsuite name="${clean(t.template)}" tests="${t.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${secs(t.durationMs)}">`,
    props,
    ...t.checks.map((c) => testcase(t, c)),
    ...advice,
    '  </testsuite>',
  ].join('\n');
}

/** The report as JUnit XML (one testsuite per template, one testcase per check), secrets masked. */
export function reportJunit(report: ValidateReport, secrets: string[]): string {
  const errors = report.templates.filter((t) => t.error).length;
  const tests = report.templates.reduce((n, t) => n + (t.error ? 1 : t.checks.length), 0);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ipsec-lab validate" tests="${tests}" failures="${report.totals.fail}" errors="${errors}" skipped="${report.totals.skipped}" time="${secs(report.durationMs)}">
${report.templates.map(suite).join('\n')}
</testsuites>
`;
  return maskText(xml, secrets);
}
