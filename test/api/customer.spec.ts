// The app's customer desk at the service level (issues 14 and 15), on published material: texts
// arrive in pieces and are shown again line by line as the diagnosis numbers them; a diagnosis
// cites lines that are really in the texts; configs import with every line not imported listed
// and keys masked, two configs as the two ends with their mismatch shown; exports for a device.
// No lab is needed (reproducing runs in test/e2e/customer.spec.ts on a real one).
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiEventMessage, CustomerProgressInfo, CustomerSide } from '../../lab/api/contract.js';
import { MAX_CHUNK_CHARS } from '../../lab/api/customer-uploads.js';
import { LabService } from '../../lab/api/service.js';
import { diagnose, type LogInput } from '../../lab/diagnosis/diagnose.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { exportAsa } from '../../lab/exporters/asa.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { testLabName } from '../support/lab-names.js';

const PUBLIC = 'test/fixtures/diagnosis/public';
const CONFIGS = 'test/fixtures/configs/public';
const read = (p: string) => readFileSync(p, 'utf8');

describe('customer material through the service', () => {
  let service: LabService;
  const events: ApiEventMessage[] = [];

  beforeAll(() => {
    service = new LabService(LabEngine.connect(testLabName('cust')));
    service.onEvent((m) => events.push(m));
  });
  afterAll(() => service.dispose());

  /** Sends a text in pieces of `size` characters, as the UI does. */
  async function put(name: string, text: string, size = MAX_CHUNK_CHARS) {
    const u = await service.customerOpen({ name, size: Buffer.byteLength(text) });
    let seq = 0;
    for (let i = 0; i < text.length; i += size) await service.customerAppend(u.id, seq++, text.slice(i, i + size));
    return service.customerFinish(u.id);
  }

  async function allLines(id: string, total: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < total) out.push(...(await service.customerLines(id, out.length + 1, 500)).lines);
    return out;
  }

  it('takes a text in pieces (split anywhere, multibyte characters included) and gives its lines back', async () => {
    const text = read(path.join(PUBLIC, 'sw-psk-mismatch-vyos-syslog-1/left.txt')) + 'München – ünïcödé ✓\r\nlast';
    const up = await put('left.txt', text, 7);
    const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
    expect(up).toMatchObject({ name: 'left.txt', bytes: Buffer.byteLength(text), lines: expected.length, done: true });
    expect(await allLines(up.id, up.lines)).toEqual(expected);
    // Past the end: nothing, and the total says how many there are.
    expect(await service.customerLines(up.id, up.lines + 1, 10)).toEqual({
      total: up.lines,
      from: up.lines + 1,
      lines: [],
    });
  });

  it('refuses pieces out of order, after the end, and texts larger than the limit', async () => {
    const u = await service.customerOpen({ name: 'x.log' });
    await service.customerAppend(u.id, 0, 'a\n');
    await expect(service.customerAppend(u.id, 2, 'c\n')).rejects.toThrow(/piece 2 arrived, piece 1 was expected/);
    await expect(service.customerAppend(u.id, 0, 'a\n')).rejects.toThrow(/piece 0 arrived/);
    await expect(service.customerDiagnose([{ upload: u.id, side: 'left' }])).rejects.toThrow(/still arriving/);
    await service.customerFinish(u.id);
    await expect(service.customerAppend(u.id, 1, 'b\n')).rejects.toThrow(/complete/);
    await expect(service.customerOpen({ name: 'huge.log', size: 5 * 1024 ** 3 })).rejects.toThrow(/at most 1024 MB/);
    expect(await service.customerDiscard(u.id)).toEqual({ discarded: true });
    await expect(service.customerLines(u.id, 1, 1)).rejects.toThrow(/no text .* on the host/);
    const viaCall = await service.call('customerLines', [u.id, 1, 1]);
    expect(viaCall).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  /** A published case's texts through the desk, and the same files straight into the engine (as the CLI reads them). */
  async function diagnoseCase(id: string) {
    const dir = path.join(PUBLIC, id);
    const inputs: { upload: string; side: CustomerSide }[] = [];
    const direct: LogInput[] = [];
    for (const [file, side] of [
      ['left.txt', 'left'],
      ['right.txt', 'right'],
      ['input.txt', 'unknown'],
    ] as const) {
      let text: string;
      try {
        text = read(path.join(dir, file));
      } catch {
        continue;
      }
      inputs.push({ upload: (await put(file, text, 1000)).id, side });
      direct.push({ source: file, side, lines: createReadStream(path.join(dir, file)) });
    }
    return { result: await service.customerDiagnose(inputs), engine: await diagnose({ logs: direct }) };
  }

  it.each([
    'sw-psk-mismatch-vyos-syslog-1',
    'asa-recv-errors-proxy-mismatch-1',
    'asa-encaps-no-decaps-1',
    'asa-mm-wait-msg4-wrong-peer-ip-1',
    'pan-psk-mismatch-ikemgr-1',
    'pan-phase1-timeout-system-log-1',
    'sw-peer-unreachable-logcat-1',
  ])('diagnoses the published case %s as the CLI does, every evidence line that line of the text', async (id) => {
    const { result, engine } = await diagnoseCase(id);
    // Pieces, the host's copy and the names change nothing: the engine's own verdict and evidence.
    expect(result.verdict).toBe(engine.verdict);
    expect(result.findings.map((f) => [f.cause, f.evidence])).toEqual(
      engine.findings.map((f) => [f.cause, f.evidence]),
    );
    expect(result.inputs).toEqual(engine.inputs);
    expect(result.inputs?.length).toBe(result.sources.length);
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings)
      for (const e of f.evidence) {
        const src = result.sources.find((s) => s.source === e.source);
        expect(src, `evidence source ${e.source}`).toBeDefined();
        const [line] = (await service.customerLines(src!.upload, e.line, 1)).lines;
        expect(line).toContain(e.text.trim().slice(0, 40));
      }
  });

  it('says what it could not read, and offers no reproduction without a cause', async () => {
    // A device config is no log: every line of it is "not recognised".
    const cfg = read(path.join(CONFIGS, 'asa-azure-docs-ikev2-crypto-map/config.txt'));
    const up = await put('running-config.txt', cfg);
    const r = await service.customerDiagnose([{ upload: up.id, side: 'left' }]);
    expect(r.verdict).toBe('unknown');
    expect(r.inputs![0].unrecognised).toBeGreaterThan(r.inputs![0].lines / 2);
    expect(r.reproduce).toEqual({ unavailable: expect.stringMatching(/no cause/) });
    expect(r.notes.join(' ')).toMatch(/Only one side/);
  });

  it('keeps two texts with the same name apart', async () => {
    const left = read(path.join(PUBLIC, 'sw-psk-mismatch-vyos-syslog-1/left.txt'));
    const right = read(path.join(PUBLIC, 'sw-psk-mismatch-vyos-syslog-1/right.txt'));
    const a = await put('pasted text', left);
    const b = await put('pasted text', right);
    const r = await service.customerDiagnose([
      { upload: a.id, side: 'left' },
      { upload: b.id, side: 'right' },
    ]);
    expect(r.sources.map((s) => s.source)).toEqual(['pasted text', 'pasted text (2)']);
    expect(r.verdict).toBe('psk-mismatch');
    expect(r.reproduce).toEqual({ fault: 'psk-mismatch', title: expect.any(String) });
  });

  it('a 40 MB log: pieces in, progress told, the cited lines found again deep in the text', async () => {
    // Routine lines around the published PSK mismatch (the right gateway's lines at the very end).
    const filler = Array.from(
      { length: 400_000 },
      (_, i) =>
        `Jun 23 08:0${i % 10}:00 charon[2436]: 05[NET] <PEER|1> sending packet: from 192.168.0.1[500] to 192.168.1.2[500] (${i} bytes)`,
    ).join('\n');
    const tail = read(path.join(PUBLIC, 'sw-psk-mismatch-vyos-syslog-1/right.txt'));
    const text = `${filler}\n${tail}`;
    const mb = Buffer.byteLength(text) / 1024 / 1024;
    expect(mb).toBeGreaterThan(40);
    events.length = 0;
    let t = Date.now();
    const up = await put('big.log', text);
    const uploadMs = Date.now() - t;
    t = Date.now();
    const r = await service.customerDiagnose([{ upload: up.id, side: 'right' }]);
    const diagnoseMs = Date.now() - t;
    console.log(`40 MB customer log: ${mb.toFixed(1)} MB in ${uploadMs} ms, diagnosed in ${diagnoseMs} ms`);
    expect(up.lines).toBe(400_000 + tail.split('\n').filter((l, i, a) => l || i < a.length - 1).length);
    const progress = events.filter((e) => e.event === 'customer').map((e) => e.payload as CustomerProgressInfo);
    expect(progress.at(-1)).toEqual({ task: 'diagnose', done: up.bytes, total: up.bytes });
    const mac = r.findings.flatMap((f) => f.evidence).find((e) => /MAC mismatched/.test(e.text));
    expect(mac?.line).toBe(400_001);
    expect((await service.customerLines(up.id, mac!.line, 1)).lines[0]).toContain('MAC mismatched');
    expect((await service.customerLines(up.id, 123_457, 1)).lines[0]).toContain('(123456 bytes)');
  }, 120_000);

  it('imports a published ASA config: lines not imported with numbers and reasons, the other side mirrored', async () => {
    const up = await put('asa.txt', read(path.join(CONFIGS, 'asa-azure-docs-ikev2-crypto-map/config.txt')));
    const r = await service.customerImport({ configs: [{ upload: up.id, side: 'left' }] });
    expect(r.mirrored).toBe('right');
    expect(r.ends).toHaveLength(1);
    expect(r.ends[0]).toMatchObject({ side: 'left', format: 'asa', name: 'asa.txt', lines: up.lines });
    expect(r.ends[0].unsupported.length).toBeGreaterThan(0);
    for (const u of r.ends[0].unsupported) {
      expect(u.line).toBeGreaterThan(0);
      expect(u.reason).not.toBe('');
      expect((await service.customerLines(up.id, u.line, 1)).lines[0].trimEnd()).toBe(u.text);
    }
    expect(r.settings.left.gateway.ikeVersion).toBe(2);
    expect(r.settings.right.gateway.localTs).toEqual(r.settings.left.gateway.remoteTs);
    // Before anything runs: the pairs, citing the config's own lines.
    expect(r.pairs.find((p) => p.left === 'left.gateway.espProposals')?.lines?.length).toBeGreaterThan(0);
  });

  it("never shows another tunnel's pre-shared key", async () => {
    // The published active-active config with the second tunnel's key changed (its two lines, 113 and 114).
    const lines = read(path.join(CONFIGS, 'asa-azure-lab-ikev2-vti-bgp-active-active/config.txt')).split('\n');
    for (const n of [113, 114]) {
      expect(lines[n - 1]).toContain('Msft123Msft123');
      lines[n - 1] = lines[n - 1].replace('Msft123Msft123', 'SecondTunnelKey42');
    }
    const up = await put('asa-aa.txt', lines.join('\n'));
    const r = await service.customerImport({ configs: [{ upload: up.id, side: 'right' }] });
    expect(r.ends[0].tunnels.length).toBe(2);
    expect(JSON.stringify(r)).not.toContain('SecondTunnelKey42');
    // The imported tunnel's own key runs the lab, but the screen's pairs say only whether the keys agree.
    const { settings, ...shown } = r;
    expect(settings.right.gateway.psk).toBe('Msft123Msft123');
    expect(JSON.stringify(shown)).not.toContain('Msft123Msft123');
    expect(r.pairs.find((p) => p.left === 'left.gateway.psk')).toMatchObject({ ok: true, leftValue: '********' });
    // The config itself, shown line by line, shows neither key once imported.
    const shownText = (await allLines(up.id, up.lines)).join('\n');
    expect(shownText).not.toMatch(/SecondTunnelKey42|Msft123Msft123/);
    expect(shownText.split('\n')[112]).toMatch(/pre-shared-key \*{8}/);
  });

  it('imports two configs as the two ends: the mismatch is shown before anything runs, with each line', async () => {
    const s = defaultSettings();
    const leftAsa = exportAsa(s, 'left', { revealSecrets: true });
    // The right device was configured by someone else: AES-128 for ESP where the left offers AES-256.
    const rightAsa = exportAsa(s, 'right', { revealSecrets: true }).replace(
      /(crypto ipsec ikev2 ipsec-proposal \S+\n\s+protocol esp encryption )aes-256/,
      '$1aes',
    );
    expect(rightAsa).not.toBe(exportAsa(s, 'right', { revealSecrets: true }));
    const l = await put('left-asa.txt', leftAsa);
    const r = await put('right-asa.txt', rightAsa);
    const both = await service.customerImport({
      configs: [
        { upload: l.id, side: 'left' },
        { upload: r.id, side: 'right' },
      ],
    });
    expect(both.mirrored).toBeUndefined();
    expect(both.ends.map((e) => e.side)).toEqual(['left', 'right']);
    const esp = both.pairs.find((p) => p.left === 'left.gateway.espProposals')!;
    expect(esp.ok).toBe(false);
    expect(esp.lines?.some((x) => /ipsec-proposal|protocol esp/.test(x.text))).toBe(true);
    expect(both.pairs.filter((p) => !p.ok).map((p) => p.left)).toEqual(['left.gateway.espProposals']);
    await expect(
      service.customerImport({
        configs: [
          { upload: l.id, side: 'left' },
          { upload: r.id, side: 'left' },
        ],
      }),
    ).rejects.toThrow(/two ends, one left and one right/);
  });

  it('names the file and the line when a config cannot be read', async () => {
    const up = await put('notes.txt', 'hello\nthis is not a config\n');
    const r = await service.call('customerImport', [{ configs: [{ upload: up.id, side: 'left' }] }]);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid-config', message: expect.stringMatching(/^notes\.txt: unknown format/) },
    });
  });

  it("exports the peer's config for a device, the key masked unless revealed", async () => {
    const s = defaultSettings();
    const asa = await service.customerExport(s, 'right', 'asa');
    expect(asa.fileName).toBe('gw-right-asa.txt');
    expect(asa.text).toMatch(/crypto map/);
    expect(asa.text).not.toContain(s.right.gateway.psk);
    const pan = await service.customerExport(s, 'right', 'paloalto');
    expect(pan.fileName).toBe('gw-right-paloalto.set');
    expect(pan.text).toMatch(/^set network ike gateway /m);
    expect(pan.text).not.toContain(s.right.gateway.psk);
    const swan = await service.customerExport(s, 'right', 'swanctl', { revealSecrets: true });
    expect(swan.text).toMatch(/connections\s*\{/);
    expect(swan.text).toContain(s.right.gateway.psk);
    const bad = await service.call('customerExport', [{ schema: 1 }, 'right', 'asa']);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-settings' } });
  });
});
