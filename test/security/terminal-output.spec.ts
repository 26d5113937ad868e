/**
 * Text from input files reaches the user's terminal (diagnose, import, logs, errors) and reports
 * (HTML, JUnit XML). Its control characters must be shown, never obeyed: an OSC sequence retitles
 * the terminal or writes the clipboard, CSI clears the screen or hides text, CR overwrites a line,
 * a bidi override makes a line read as something else. And markup from input stays text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { terminalSafe } from '../../lab/common/terminal.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { reportHtml, reportJunit, type ValidateReport } from '../../lab/validate/index.js';

/** OSC title + BEL, clear screen, CR, DEL, C1 CSI, a right-to-left override. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\r\u007f\u009b31m\u202eevil';
/** Any of these raw in output means the terminal would act on it. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-term-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ipsec-lab.js', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('terminalSafe', () => {
  it('escapes every control character but tab and newline, visibly and as JSON reads it back', () => {
    const out = terminalSafe(`a\tb\n${HOSTILE}`);
    expect(out).not.toMatch(RAW);
    expect(out.startsWith('a\tb\n')).toBe(true);
    expect(out).toContain('\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u007f\\u009b31m\\u202eevil');
    // The escape is JSON's own: inside a JSON string it reads back as the original text.
    expect(JSON.parse(`"${terminalSafe(HOSTILE)}"`)).toBe(HOSTILE);
    expect(terminalSafe('plain ASCII, UTF-8 ✔ ü and emoji 🙂')).toBe('plain ASCII, UTF-8 ✔ ü and emoji 🙂');
  });

  it('every character: escaped exactly when it is a control or bidi character', () => {
    for (let c = 0; c < 0x3000; c++) {
      const ch = String.fromCharCode(c);
      const dangerous = (RAW.test(ch) || /[\u061c\u200e\u200f\u2028\u2029]/.test(ch)) && ch !== '\t' && ch !== '\n';
      expect(terminalSafe(ch) !== ch, `U+${c.toString(16)}`).toBe(dangerous);
    }
  });
});

describe('CLI output of input files', () => {
  const logs = () => {
    const d = dir();
    for (const side of ['left', 'right']) {
      const text = readFileSync(`test/fixtures/diagnosis/lab/psk-mismatch-v2/${side}.log`, 'utf8');
      writeFileSync(path.join(d, `${side}.log`), text.replace(/\n/g, ` ${HOSTILE}\n`));
    }
    return d;
  };

  it('diagnose shows the cited lines with their control characters escaped (human and JSON)', () => {
    const d = logs();
    const human = cli('diagnose', '--left', path.join(d, 'left.log'), '--right', path.join(d, 'right.log'));
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toContain('psk-mismatch');
    // The evidence quotes the hostile lines: shown, escaped.
    expect(human.stdout).toContain('MAC mismatched \\u001b]0;owned\\u0007');
    expect(human.stdout).not.toMatch(RAW);
    const json = cli('diagnose', '--json', '--left', path.join(d, 'left.log'), '--right', path.join(d, 'right.log'));
    expect(json.stdout).not.toMatch(RAW);
    const parsed = JSON.parse(json.stdout) as { findings: { evidence: { text: string }[] }[] };
    // Still valid JSON that reads back as the original line.
    expect(parsed.findings[0].evidence.some((e) => e.text.endsWith(HOSTILE))).toBe(true);
  });

  it('import lists a line it did not import with its control characters escaped', () => {
    const d = dir();
    const file = path.join(d, 'asa.txt');
    writeFileSync(
      file,
      readFileSync('test/fixtures/configs/asa-ikev2-gcm.txt', 'utf8') + `banner motd ${HOSTILE} hello\n`,
    );
    const r = cli('import', file, '--out', path.join(d, 'out.json'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not imported: banner motd \\u001b\]0;owned\\u0007/);
    expect(r.stderr + r.stdout).not.toMatch(RAW);
  });

  it('an error quoting the input shows its control characters escaped', () => {
    const d = dir();
    const file = path.join(d, 'settings.json');
    const s = defaultSettings();
    s.left.gateway.ikeProposals = [`aes256-sha256-${HOSTILE}`];
    writeFileSync(file, JSON.stringify(s));
    const r = cli('compare', '--settings', file);
    expect(r.status).not.toBe(0);
    // The message names the field and quotes the value: escaped, C1 and bidi included.
    expect(r.stderr).toContain('left.gateway.ikeProposals[0]: "aes256-sha256-\\u001b]0;owned');
    expect(r.stderr).toContain('\\u202eevil');
    expect(r.stderr).not.toMatch(RAW);
  });
});

function hostileReport(): ValidateReport {
  const check = {
    id: 'establish' as const,
    title: 'Tunnel establishes',
    status: 'fail' as const,
    durationMs: 1000,
    reason: `<script>alert(1)</script> ${HOSTILE}`,
    facts: [`fact <b>bold</b> ${HOSTILE}`],
    logs: [{ side: 'left' as const, lab: 'l', seq: 1, time: 'now', text: `<img src=x onerror=alert(1)> ${HOSTILE}` }],
    counters: { before: [], after: [] },
    series: [],
    cause: {
      cause: 'psk-mismatch',
      summary: `summary </td><script>x()</script> ${HOSTILE}`,
      fix: ['fix & "quote"'],
      source: 'logs' as const,
      evidence: [{ source: `file<"${HOSTILE}">.log`, line: 3, text: `evidence ${HOSTILE}` }],
    },
  };
  return {
    tool: 'ipsec-lab validate',
    startedAt: new Date(0).toISOString(),
    durationMs: 1000,
    options: { concurrency: 1, quick: true },
    templates: [
      {
        template: `tmpl<script>${HOSTILE}.json`,
        lab: 'l',
        importNotes: [`note <i>${HOSTILE}</i>`],
        checks: [check],
        durationMs: 1000,
        ok: false,
      },
    ],
    totals: { pass: 0, fail: 1, skipped: 0 },
    ok: false,
  };
}

describe('reports (HTML and JUnit XML) and the app', () => {
  it('the HTML report escapes markup and control characters from logs and templates', () => {
    const html = reportHtml(hostileReport(), []);
    expect(html).not.toMatch(/<script>alert|<script>x\(|<img src=x|<b>bold|<i>\\u/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(RAW);
    expect(html).toContain('\\u001b]0;owned\\u0007');
  });

  it('the JUnit XML stays well-formed XML with the same text escaped', () => {
    const xml = reportJunit(hostileReport(), []);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(RAW);
    expect(xml).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('the app renders text only through React (which escapes): no raw-HTML sink anywhere in renderer/src', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = path.join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f)) files.push(p);
      }
    };
    walk('renderer/src');
    expect(files.length).toBeGreaterThan(10);
    const sinks =
      /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|createContextualFragment|\beval\(|new Function\(/;
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toMatch(sinks);
  });
});
