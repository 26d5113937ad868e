/**
 * Files that hold a pre-shared key are written as new owner-only files that replace the target:
 * an existing world-readable file does not keep its mode, a symlink at the target (or where a
 * temporary file would go) is never followed, and nothing is left half-written. For every writer:
 * the common helper, `settings` files (saveSettingsFile, `import --out`), `export --out`.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { writeFileAtomic } from '../../lab/common/safe-write.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { saveSettingsFile } from '../../lab/settings/io.js';

const PSK = 'tr0ub4dor-and-3-secret-key';
const mode = (p: string) => statSync(p).mode & 0o777;
const dir = () => mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-secret-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ipsec-lab.js', ...args], { encoding: 'utf8', timeout: 60_000 });

function settingsFile(d: string): string {
  const s = defaultSettings();
  s.left.gateway.psk = PSK;
  s.right.gateway.psk = PSK;
  const f = path.join(d, 'lab.json');
  writeFileSync(f, JSON.stringify(s));
  return f;
}

/** A target that exists world-readable, hard-linked elsewhere; and one that is a symlink to a victim. */
function traps(d: string) {
  const loose = path.join(d, 'loose.out');
  writeFileSync(loose, 'old\n', { mode: 0o644 });
  const otherLink = path.join(d, 'other-link');
  linkSync(loose, otherLink);
  const victim = path.join(d, 'victim.txt');
  writeFileSync(victim, 'untouched\n', { mode: 0o644 });
  const link = path.join(d, 'link.out');
  symlinkSync(victim, link);
  return { loose, otherLink, victim, link, inode: statSync(loose).ino };
}

function expectSafe(t: ReturnType<typeof traps>, content: (p: string) => void) {
  // A new owner-only file, not the old inode: the other hard link still has the old bytes.
  expect(mode(t.loose)).toBe(0o600);
  expect(statSync(t.loose).ino).not.toBe(t.inode);
  expect(readFileSync(t.otherLink, 'utf8')).toBe('old\n');
  content(t.loose);
  // The symlink itself was replaced by a regular file; its target never saw a byte.
  expect(lstatSync(t.link).isSymbolicLink()).toBe(false);
  expect(mode(t.link)).toBe(0o600);
  content(t.link);
  expect(readFileSync(t.victim, 'utf8')).toBe('untouched\n');
  // No temporary file left behind.
  expect(readdirSync(path.dirname(t.loose)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('writeFileAtomic', () => {
  it('replaces a loose file and a symlink by a new 0600 file, whatever the umask', async () => {
    const d = dir();
    const t = traps(d);
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(t.loose, `psk ${PSK}\n`);
      await writeFileAtomic(t.link, `psk ${PSK}\n`);
    } finally {
      process.umask(old);
    }
    expectSafe(t, (p) => expect(readFileSync(p, 'utf8')).toBe(`psk ${PSK}\n`));
  });

  it('writes the mode asked for, and says which file it could not write (leaving nothing behind)', async () => {
    const d = dir();
    await writeFileAtomic(path.join(d, 'report.html'), '<p>masked</p>', { mode: 0o644 });
    expect(mode(path.join(d, 'report.html'))).toBe(0o644);
    mkdirSync(path.join(d, 'a-directory'));
    await expect(writeFileAtomic(path.join(d, 'a-directory'), 'x')).rejects.toThrow(/a-directory: cannot write/);
    await expect(writeFileAtomic(path.join(d, 'missing', 'x.json'), 'x')).rejects.toThrow(/cannot write \(ENOENT\)/);
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('settings files (saveSettingsFile, the app and `import --out`)', () => {
  it('never writes through a symlink planted where a temporary file would go', async () => {
    const d = dir();
    const file = path.join(d, 'lab.json');
    const victim = path.join(d, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    // The names a predictable temporary file could take (pid-based), each a trap.
    for (const name of [`${file}.${process.pid}.tmp`, `${file}.tmp`]) symlinkSync(victim, name);
    const s = defaultSettings();
    s.left.gateway.psk = PSK;
    s.right.gateway.psk = PSK;
    await saveSettingsFile(file, s);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).left.gateway.psk).toBe(PSK);
  });

  it('replaces a loose file and a symlink', async () => {
    const d = dir();
    const t = traps(d);
    const s = defaultSettings();
    s.left.gateway.psk = PSK;
    s.right.gateway.psk = PSK;
    await saveSettingsFile(t.loose, s);
    await saveSettingsFile(t.link, s);
    expectSafe(t, (p) => expect(JSON.parse(readFileSync(p, 'utf8')).right.gateway.psk).toBe(PSK));
  });

  it('`import --out` does the same', () => {
    const d = dir();
    const t = traps(d);
    const input = settingsFile(d);
    for (const out of [t.loose, t.link]) {
      const r = cli('import', input, '--out', out);
      expect(r.status, r.stderr).toBe(0);
    }
    expectSafe(t, (p) => expect(readFileSync(p, 'utf8')).toContain(PSK));
  });
});

describe('`export --reveal-secrets --out`', () => {
  it('writes a new 0600 file, never through a symlink, for both formats', () => {
    for (const format of ['swanctl', 'asa']) {
      const d = dir();
      const t = traps(d);
      const input = settingsFile(d);
      for (const out of [t.loose, t.link]) {
        const r = cli('export', '--settings', input, '--format', format, '--reveal-secrets', '--out', out);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).not.toContain(PSK);
      }
      expectSafe(t, (p) => expect(readFileSync(p, 'utf8')).toContain(PSK));
      expect(existsSync(t.victim)).toBe(true);
    }
  });
});
