import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCli } from '../../bin/build-cli.js';
import { FIXTURES } from './helpers.js';

/**
 * `ipsec-lab diagnose` as a user runs it: the built CLI in a child process, fed through standard
 * input, a named pipe, or files whose kind it must tell by content.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const PUBLIC = path.join(FIXTURES, 'public');

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

function cli(args: string[], stdin?: string): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/ipsec-lab.js'), 'diagnose', ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err, ms: Date.now() - t0 }));
    if (stdin !== undefined) p.stdin.end(stdin);
  });
}

let tmp = '';

describe('diagnose reads standard input, named pipes and files of any kind', () => {
  beforeAll(async () => {
    await buildCli();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-diag-'));
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('`diagnose -` reads a pipe (journalctl ... | ipsec-lab diagnose -)', async () => {
    const log = readFileSync(path.join(PUBLIC, 'sw-peer-unreachable-logcat-1', 'input.txt'), 'utf8');
    const r = await cli(['--json', '-'], log);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.verdict).toBe('peer-unreachable');
    expect(doc.inputs[0]).toMatchObject({ source: 'stdin', lines: log.split('\n').filter(Boolean).length });
    expect(doc.findings[0].evidence[0].source).toBe('stdin');
  });

  it('a named pipe without a writer says it is waiting, and --timeout gives up with a clear error', async () => {
    const fifo = path.join(tmp, 'nobody-writes');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
    const r = await cli(['--timeout', '1.5', fifo]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/waiting for a writer on the named pipe .*nobody-writes/);
    expect(r.err).toMatch(/nothing arrived on the named pipe .* within 1\.5 s/);
    expect(r.out).toBe('');
    expect(r.ms).toBeLessThan(20_000);
  });

  it('a named pipe with a writer is read like a file', async () => {
    const fifo = path.join(tmp, 'someone-writes');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
    const text = readFileSync(path.join(PUBLIC, 'sw-psk-mismatch-vyos-syslog-1', 'right.txt'));
    const writer = new Promise<void>((resolve) => setTimeout(() => (writeFileSync(fifo, text), resolve()), 300));
    const r = await cli(['--json', fifo]);
    await writer;
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('psk-mismatch');
  });

  it('recognises an SA listing given as a positional FILE by its content', async () => {
    const r = await cli(['--json', path.join(PUBLIC, 'sw-healthy-list-sas-docs-1', 'input.txt')]);
    const doc = JSON.parse(r.out);
    expect(doc.verdict).toBe('healthy');
    expect(doc.inputs[0].read['swanctl-list-sas']).toBeGreaterThan(5);
  });

  it('says plainly what it could not read, per input, and gives no analysis of it', async () => {
    const conf = path.join(tmp, 'asa.cfg');
    writeFileSync(
      conf,
      'crypto ikev1 policy 10\n authentication pre-share\ncrypto map outside_map 10 match address VPN\ncrypto map outside_map 10 set peer 192.0.2.1\ntunnel-group 192.0.2.1 type ipsec-l2l\n',
    );
    const text = await cli([conf]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Verdict: none \(nothing in the input was read\)/);
    expect(text.out).toMatch(/5 of 5 line\(s\) not recognised; this looks like a Cisco ASA configuration/);
    expect(text.out).not.toMatch(/^\d+\. /m);
    const json = JSON.parse((await cli(['--json', conf])).out);
    expect(json).toMatchObject({ verdict: 'unknown', unread: true, findings: [] });
    expect(json.inputs[0]).toMatchObject({ lines: 5, unrecognised: 5, recognised: 0 });
    expect(json.inputs[0].summary).toMatch(/5 of 5 line\(s\) not recognised/);
  });

  it('reports the lines it did not read beside a diagnosis of the ones it did', async () => {
    const r = await cli(['--json', path.join(PUBLIC, 'asa-recv-errors-proxy-mismatch-1', 'input.txt')]);
    const doc = JSON.parse(r.out);
    expect(doc.unread).toBe(false);
    expect(doc.inputs[0].read).toMatchObject({ 'asa-show-crypto-ipsec-sa': expect.any(Number), 'asa-syslog': 1 });
  });

  it('rejects standard input twice, and configs from standard input', async () => {
    expect((await cli(['-', '--left', '-'], '')).code).toBe(2);
    expect((await cli(['--left-conf', '-'], '')).code).toBe(2);
    expect((await cli(['--timeout', '0', 'x'])).err).toMatch(/--timeout needs a number of seconds/);
  });
});
