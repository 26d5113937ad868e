import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import { configDir, SettingsKeeper } from '../../lab/settings/persist.js';

describe("the user's settings kept per lab", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-persist-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in IPSEC_LAB_CONFIG_DIR, else XDG_CONFIG_HOME/ipsec-lab, else ~/.config/ipsec-lab', () => {
    expect(configDir({ IPSEC_LAB_CONFIG_DIR: dir, XDG_CONFIG_HOME: '/x' })).toBe(dir);
    expect(configDir({ XDG_CONFIG_HOME: '/x/conf' })).toBe('/x/conf/ipsec-lab');
    // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
    expect(configDir({ XDG_CONFIG_HOME: 'rel' })).toBe(path.join(os.homedir(), '.config', 'ipsec-lab'));
  });

  it('saves owner-only and loads back what was saved, per lab name', async () => {
    const keeper = new SettingsKeeper(dir);
    const s = defaultSettings();
    s.left.gateway.psk = 'typed-in-the-app';
    s.right.lan = '192.168.10.0/24';
    const saved = await keeper.save('alpha', s);
    expect(saved.file).toBe(path.join(dir, 'labs', 'alpha.json'));
    expect(statSync(saved.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'labs')).mode & 0o777).toBe(0o700);
    const back = await keeper.load('alpha');
    expect(back?.settings).toEqual(s);
    expect(back?.savedAt).toBe(saved.savedAt);
    expect(await keeper.load('beta')).toBeUndefined();
  });

  it('refuses invalid settings and names the field; a broken file is reported with its name', async () => {
    const keeper = new SettingsKeeper(dir);
    const s = defaultSettings();
    s.left.lan = '10.1.0.0/33';
    await expect(keeper.save('alpha', s)).rejects.toThrow(/left\.lan/);
    const good = await keeper.save('alpha', defaultSettings());
    writeFileSync(good.file, JSON.stringify({ savedAt: 1, settings: { ...defaultSettings(), schema: 9 } }));
    await expect(keeper.load('alpha')).rejects.toThrow(new RegExp(`${good.file}.*schema`));
    writeFileSync(good.file, '{ "savedAt": 1,');
    await expect(keeper.load('alpha')).rejects.toThrow(new RegExp(`${good.file}.*not valid JSON`));
  });

  it('never turns a name that is not a lab name into a path', () => {
    expect(() => new SettingsKeeper(dir).fileOf('../../etc/passwd')).toThrow(/not a lab name/);
  });
});
