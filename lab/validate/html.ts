import { evidenceWhere } from './evidence.js';
import { escapeXml as esc, maskText } from './template.js';
import type { CheckResult, CounterPoint, CounterSnapshot, TemplateResult, ValidateReport } from './types.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2329;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:0}
.summary{color:#57606a}
.check{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:10px 14px}
.check.fail{border-left:6px solid #cf222e}.check.pass{border-left:6px solid #1a7f37}.check.skipped{border-left:6px solid #8c959f}
.badge{display:inline-block;font-size:12px;font-weight:600;border-radius:10px;padding:1px 8px;margin-right:8px;color:#fff}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.skipped{background:#8c959f}
.reason{margin:6px 0}.cause{background:#fff8f0;border:1px solid #f0c8a0;border-radius:4px;padding:6px 10px;margin:6px 0}
pre{background:#f6f8fa;border:1px solid #d8dee4;border-radius:4px;padding:6px 8px;overflow-x:auto;font-size:12px;margin:6px 0}
table{border-collapse:collapse;font-size:12px;margin:6px 0}td,th{border:1px solid #d8dee4;padding:2px 6px;text-align:left}
ul{margin:4px 0 4px 18px;padding:0}.muted{color:#57606a;font-size:12px}
.advice{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:6px 10px;margin:6px 0}
.config{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:6px 10px;margin:6px 0}
svg text{font:10px sans-serif;fill:#57606a}
`;

const COLORS = { 'left-in': '#0969da', 'left-out': '#54aeff', 'right-in': '#bf3989', 'right-out': '#f778ba' } as const;

/**
 * A small line chart of the cumulative CHILD_SA packet counters of both gateways during a check
 * (inline SVG: the report has no external resources).
 */
export function counterChart(series: CounterPoint[], width = 520, height = 150): string {
  if (series.length < 2) return '<p class="muted">no counter samples during this check</p>';
  const t0 = Math.min(...series.map((p) => p.t));
  const t1 = Math.max(...series.map((p) => p.t));
  const lines = (['left', 'right'] as const).flatMap((side) =>
    (['in', 'out'] as const).map((dir) => {
      const pts = series.filter((p) => p.side === side);
      const base = pts[0] ? (dir === 'in' ? pts[0].packetsIn : pts[0].packetsOut) : 0;
      return {
        key: `${side}-${dir}` as keyof typeof COLORS,
        pts: pts.map((p) => ({ t: p.t, v: (dir === 'in' ? p.packetsIn : p.packetsOut) - base })),
      };
    }),
  );
  const vmax = Math.max(1, ...lines.flatMap((l) => l.pts.map((p) => p.v)));
  const [l, r, t, b] = [44, 110, 8, 22];
  const x = (tt: number) => l + ((tt - t0) / Math.max(1, t1 - t0)) * (width - l - r);
  const y = (v: number) => height - b - (v / vmax) * (height - t - b);
  const paths = lines
    .filter((ln) => ln.pts.length > 1)
    .map(
      (ln) =>
        `<polyline fill="none" stroke="${COLORS[ln.key]}" stroke-width="1.6" points="${ln.pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`,
    );
  const legend = Object.entries(COLORS).map(
    ([k, c], i) =>
      `<rect x="${width - r + 10}" y="${t + i * 16}" width="10" height="3" fill="${c}"/><text x="${width - r + 24}" y="${t + i * 16 + 5}">gw-${k.replace('-', ' ')}</text>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="CHILD_SA packet counters">` +
    `<line x1="${l}" y1="${height - b}" x2="${width - r}" y2="${height - b}" stroke="#8c959f"/><line x1="${l}" y1="${t}" x2="${l}" y2="${height - b}" stroke="#8c959f"/>` +
    `<text x="${l - 4}" y="${t + 8}" text-anchor="end">${vmax}</text><text x="${l - 4}" y="${height - b}" text-anchor="end">0</text>` +
    `<text x="${l}" y="${height - 6}">0 s</text><text x="${width - r}" y="${height - 6}" text-anchor="end">${((t1 - t0) / 1000).toFixed(1)} s</text>` +
    `<text x="${(l + width - r) / 2}" y="${height - 6}" text-anchor="middle">packets since the check began</text>` +
    paths.join('') +
    legend.join('') +
    '</svg>'
  );
}

function countersTable(before: CounterSnapshot[], after: CounterSnapshot[]): string {
  if (!before.length && !after.length) return '';
  const row = (when: string, c: CounterSnapshot) =>
    `<tr><td>${when}</td><td>gw-${c.side}${c.lab ? '' : ''}</td><td>${esc(c.ike)}</td><td>${esc(c.child)}</td><td>${esc(c.spiIn ?? '')}</td><td>${esc(c.spiOut ?? '')}</td><td>${c.packetsIn}</td><td>${c.packetsOut}</td><td>${c.bytesIn}</td><td>${c.bytesOut}</td></tr>`;
  return (
    '<table><thead><tr><th>when</th><th>gateway</th><th>IKE</th><th>CHILD</th><th>SPI in</th><th>SPI out</th><th>pkts in</th><th>pkts out</th><th>bytes in</th><th>bytes out</th></tr></thead><tbody>' +
    before.map((c) => row('before', c)).join('') +
    after.map((c) => row('after', c)).join('') +
    '</tbody></table>'
  );
}

function checkHtml(c: CheckResult): string {
  const parts = [
    `<div class="check ${c.status}" id="check-${esc(c.id)}" data-check="${esc(c.id)}" data-status="${c.status}">`,
    `<h3><span class="badge ${c.status}">${c.status.toUpperCase()}</span>${esc(c.title)} <span class="muted">${(c.durationMs / 1000).toFixed(1)} s</span></h3>`,
  ];
  if (c.reason) parts.push(`<p class="reason">${c.status === 'skipped' ? 'Skipped: ' : ''}${esc(c.reason)}</p>`);
  if (c.cause) {
    parts.push(
      `<div class="cause" data-cause="${esc(c.cause.cause)}"><strong>Cause: ${esc(c.cause.cause)}</strong> — ${esc(c.cause.summary)}` +
        (c.cause.fix.length ? `<ul>${c.cause.fix.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : '') +
        (c.cause.evidence.length
          ? `<pre>${c.cause.evidence.map((e) => `${esc(evidenceWhere(e))}  ${esc(e.text)}`).join('\n')}</pre>`
          : '') +
        '</div>',
    );
  }
  if (c.config?.length)
    parts.push(
      `<div class="config"><strong>Configuration lines behind it</strong><pre>${c.config.map((l) => `gw-${l.side} line ${l.line}  ${esc(l.text)}\n    ${esc(l.note)}`).join('\n')}</pre></div>`,
    );
  if (c.facts.length) parts.push(`<ul>${c.facts.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`);
  if (c.status !== 'skipped') {
    parts.push(counterChart(c.series));
    parts.push(countersTable(c.counters.before, c.counters.after));
    if (c.logs.length)
      parts.push(
        `<pre class="logs">${c.logs.map((l) => `${esc(l.lab)} ${l.side}#${l.seq}  ${esc(l.text)}`).join('\n')}</pre>`,
      );
  }
  parts.push('</div>');
  return parts.join('\n');
}

function templateHtml(t: TemplateResult, i: number): string {
  const counts = { pass: 0, fail: 0, skipped: 0 };
  for (const c of t.checks) counts[c.status] += 1;
  const parts = [
    `<section class="template" id="template-${i}" data-template="${esc(t.template)}" data-ok="${t.ok}">`,
    `<h2>${t.ok ? '✔' : '✘'} ${esc(t.template)}</h2>`,
    `<p class="summary">${t.format ? `format ${esc(t.format)}, ` : ''}lab "${esc(t.lab)}", ${(t.durationMs / 1000).toFixed(0)} s: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped</p>`,
  ];
  if (t.error) parts.push(`<div class="check fail"><p class="reason">Template not loaded: ${esc(t.error)}</p></div>`);
  if (t.importNotes.length)
    parts.push(
      `<details><summary>import notes (${t.importNotes.length})</summary><ul>${t.importNotes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></details>`,
    );
  if (t.advice?.length)
    parts.push(
      `<div class="advice"><strong>Cryptography below the vendors' current recommendation</strong> (advice: it does not fail the template)<ul>${t.advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul></div>`,
    );
  parts.push(...t.checks.map(checkHtml));
  if (t.settings)
    parts.push(
      `<details><summary>settings under test (pre-shared keys masked)</summary><pre>${esc(JSON.stringify(t.settings, null, 2))}</pre></details>`,
    );
  parts.push('</section>');
  return parts.join('\n');
}

/** The whole report as one self-contained HTML file (inline CSS and SVG, no scripts, no links out). */
export function reportHtml(report: ValidateReport, secrets: string[]): string {
  const { pass, fail, skipped } = report.totals;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>IPsec Lab validation: ${report.ok ? 'passed' : 'FAILED'}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>IPsec Lab validation: ${report.ok ? 'passed' : 'FAILED'}</h1>
<p class="summary" id="totals" data-pass="${pass}" data-fail="${fail}" data-skipped="${skipped}">${report.templates.length} template${report.templates.length === 1 ? '' : 's'}, ${pass} checks passed, ${fail} failed, ${skipped} skipped; started ${esc(report.startedAt)}, ${(report.durationMs / 1000).toFixed(0)} s, up to ${report.options.concurrency} lab${report.options.concurrency === 1 ? '' : 's'} at once${report.options.quick ? ', --quick' : ''}. Real strongSwan gateways in Docker; log lines are cited as lab side#line.</p>
${report.templates.map(templateHtml).join('\n')}
</body>
</html>
`;
  return maskText(html, secrets);
}
