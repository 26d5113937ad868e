import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { diagnoseCommand } from '../../lab/cli/diagnose-command.js';
import { main } from '../../lab/cli/main.js';
import { FIXTURES } from './helpers.js';

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  return { out: () => out, err: () => err };
}

const fx = (name: string, file: string) => path.join(FIXTURES, name, file);

describe('ipsec-lab diagnose', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--json prints exactly one JSON object with verdict, ranked findings and stats', async () => {
    const io = capture();
    const code = await diagnoseCommand([
      '--json',
      '--left',
      fx('ts-mismatch-v2-trixie', 'left.log'),
      '--right',
      fx('ts-mismatch-v2-trixie', 'right.log'),
      '--left-sas',
      fx('ts-mismatch-v2-trixie', 'left.sas.txt'),
      '--right-sas',
      fx('ts-mismatch-v2-trixie', 'right.sas.txt'),
    ]);
    expect(code).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]);
    expect(doc.verdict).toBe('ts-mismatch');
    expect(doc.findings[0]).toMatchObject({ cause: 'ts-mismatch', phase: 'child', side: 'both' });
    expect(Object.keys(doc.findings[0])).toEqual(
      expect.arrayContaining(['cause', 'phase', 'confidence', 'side', 'summary', 'evidence', 'fix', 'vendor']),
    );
    expect(doc.stats.lines).toBeGreaterThan(100);
    expect(doc.stats.unparsed).toBe(0);
  });

  it('takes files without a side and prints a human report', async () => {
    const io = capture();
    expect(await diagnoseCommand([fx('psk-mismatch-v1-bookworm', 'right.log')])).toBe(0);
    expect(io.out()).toMatch(/^Verdict: psk-mismatch/);
    expect(io.out()).toMatch(/Evidence:/);
    // The log is the responder's (it could not verify MM5): the ASA note puts it in the responder's place.
    expect(io.out()).toMatch(
      /Cisco ASA:\n {5}IKEv1, .*As responder \(the logging gateway's place here\): `MM_WAIT_MSG5`/,
    );
  });

  it('compares both swanctl.conf files before anything runs', async () => {
    for (const [name, cause] of [
      ['healthy-v2-trixie', 'unknown'],
      ['ts-mismatch-v2-trixie', 'ts-mismatch'],
      ['id-mismatch-v2-trixie', 'id-mismatch'],
      ['peer-address-mismatch-v2-trixie', 'peer-address-mismatch'],
      ['pfs-mismatch-v1-trixie', 'pfs-mismatch'],
      ['ike-version-mismatch-trixie', 'ike-version-mismatch'],
    ]) {
      const io = capture();
      expect(
        await diagnoseCommand([
          '--json',
          '--left-conf',
          fx(name, 'left.swanctl.conf'),
          '--right-conf',
          fx(name, 'right.swanctl.conf'),
        ]),
      ).toBe(0);
      expect(JSON.parse(io.out()).verdict, name).toBe(cause);
      vi.restoreAllMocks();
    }
  });

  it('says so when only one swanctl.conf is given', async () => {
    const io = capture();
    expect(await diagnoseCommand(['--json', '--left-conf', fx('healthy-v2-trixie', 'left.swanctl.conf')])).toBe(0);
    expect(JSON.parse(io.out()).notes.join(' ')).toMatch(/needs both --left-conf and --right-conf/);
  });

  it('fails with a one-line message for unreadable input', async () => {
    const io = capture();
    expect(await diagnoseCommand(['--left', '/nonexistent/left.log'])).not.toBe(0);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/cannot read \/nonexistent\/left\.log/);
    expect(await diagnoseCommand(['--json', FIXTURES])).not.toBe(0);
    expect(io.out()).toBe('');
  });

  it('rejects unknown options', async () => {
    capture();
    expect(await diagnoseCommand(['--bogus'])).toBe(2);
  });

  it('answers the same through main with or without commander (global options anywhere)', async () => {
    const file = fx('psk-mismatch-v1-bookworm', 'right.log');
    const outputs: string[] = [];
    for (const argv of [
      ['diagnose', '--json', file],
      ['--lab', 'x', 'diagnose', '--json', file],
      ['diagnose', '--lab', 'x', '--json', file],
      ['diagnose', '--', '--json', file],
    ]) {
      const io = capture();
      expect(await main(argv)).toBe(0);
      outputs.push(io.out());
      vi.restoreAllMocks();
    }
    expect(JSON.parse(outputs[0]).verdict).toBe('psk-mismatch');
    expect(new Set(outputs).size).toBe(1);
    const io = capture();
    expect(await main(['diagnose', '--bogus'])).toBe(2);
    expect(io.err()).toMatch(/unknown option --bogus/);
  });
});
