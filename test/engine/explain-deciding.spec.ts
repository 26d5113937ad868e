import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { type Side } from '../../lab/settings/types.js';
import { gatewayRole } from '../../lab/topology/plan.js';
import { skipWithoutDocker } from '../support/docker-available.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface JsonFinding {
  cause: string;
  summary: string;
  checked?: { ran: string; saw: string }[];
}

/**
 * `ipsec-lab explain` runs the lab's deciding checks as the live view does: faults whose logs look
 * the same (a silent peer: black-holed route or UDP 500 dropped; pings into the tunnel with nothing
 * back: ESP dropped or no return route) are told apart on the real lab, and the finding says what
 * ran and what it saw.
 */
describe.skipIf(skipWithoutDocker('explain with deciding checks'))('explain runs the deciding checks', () => {
  const name = `hc-explain-${process.pid.toString(36)}`;
  const engine = LabEngine.connect(name);
  const faults = new FaultService(engine);

  beforeAll(async () => {
    expect((await engine.up(defaultSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
  }, 120_000);
  afterEach(async () => {
    if ((await faults.state()).active.length) await faults.revert();
    await engine.waitForTunnel(30_000);
  }, 60_000);
  afterAll(async () => {
    await engine.down();
  }, 60_000);

  /** The CLI itself, as a user runs it. */
  async function explain(...args: string[]): Promise<{ verdict: string; findings: JsonFinding[] }> {
    const { stdout } = await run(
      process.execPath,
      [path.join(ROOT, 'bin/ipsec-lab.js'), 'explain', '--lab', name, '--json', ...args],
      { cwd: ROOT, timeout: 120_000 },
    );
    return JSON.parse(stdout) as { verdict: string; findings: JsonFinding[] };
  }

  /** Waits until a gateway's log since `sinceS` (unix seconds) has a line matching `re`. */
  async function logShows(side: Side, re: RegExp, sinceS: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const buf = (await engine.docker
        .getContainer(engine.container(gatewayRole(side)))
        .logs({ stdout: true, stderr: true, since: sinceS, follow: false })) as unknown as Buffer;
      if (re.test(buf.toString('utf8'))) return;
      if (Date.now() > deadline) throw new Error(`no ${side} log line matching ${re} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async function breakIt(id: string): Promise<number> {
    const since = Math.floor(Date.now() / 1000) - 1;
    await faults.apply([id]);
    return since;
  }

  const top = (r: { verdict: string; findings: JsonFinding[] }) => {
    const f = r.findings.find((x) => x.cause === r.verdict);
    expect(f, `a finding for the verdict ${r.verdict}`).toBeDefined();
    return f!;
  };
  const describeRun = (r: { verdict: string; findings: JsonFinding[] }) =>
    `${r.verdict}: ${r.findings.map((f) => `${f.cause} (${f.summary})`).join(' | ')}`;

  it('peer-unreachable: the router route lookup finds the black hole, where the logs alone say "UDP 500 blocked"', async () => {
    const since = await breakIt('peer-unreachable');
    await logShows('left', /retransmit 2 of request/, since);
    const r = await explain('--no-traffic');
    expect(r.verdict, describeRun(r)).toBe('peer-unreachable');
    const f = top(r);
    expect(
      f.checked?.some((c) => /ip route get 203\.0\.113\.\d+.* in router/.test(c.ran) && /blackhole/.test(c.saw)),
    ).toBe(true);
    expect(f.summary).toMatch(/The lab checked: .*no usable route/);
    expect(r.findings.map((x) => x.cause)).not.toContain('ike-port-blocked');
  }, 150_000);

  it('ike-port-blocked: the peer answers ping and no IKE packet reaches it', async () => {
    const since = await breakIt('ike-port-blocked');
    await logShows('left', /retransmit 1 of request/, since);
    const r = await explain('--no-traffic');
    expect(r.verdict, describeRun(r)).toBe('ike-port-blocked');
    const f = top(r);
    expect(f.checked?.some((c) => /ping -c 2 203\.0\.113\.\d+/.test(c.ran) && /2 of 2 answered/.test(c.saw))).toBe(
      true,
    );
    // The human text shows the same checks, each command with what it saw.
    const { stdout } = await run(
      process.execPath,
      [path.join(ROOT, 'bin/ipsec-lab.js'), 'explain', '--lab', name, '--no-traffic'],
      { cwd: ROOT, timeout: 120_000 },
    );
    expect(stdout).toMatch(/^Verdict: ike-port-blocked$/m);
    expect(stdout).toMatch(/The lab checked:\n\s+- `docker inspect` gw-right: running/);
    expect(stdout).toMatch(/- `ping -c 2 203\.0\.113\.\d+` on gw-left: 2 of 2 answered/);
  }, 180_000);

  it('esp-blocked and no-return-traffic: the capture on the far gateway tells them apart', async () => {
    await breakIt('esp-blocked');
    const esp = await explain();
    expect(esp.verdict, describeRun(esp)).toBe('esp-blocked');
    expect(
      top(esp).checked?.some((c) => /tcpdump 'esp or .*'` on gw-right/.test(c.ran) && c.saw === 'nothing arrived'),
      JSON.stringify(top(esp).checked),
    ).toBe(true);
    await faults.revert();
    await engine.waitForTunnel(30_000);

    await breakIt('no-return-traffic');
    const ret = await explain();
    expect(ret.verdict, describeRun(ret)).toBe('no-return-traffic');
    const checks = top(ret).checked ?? [];
    // The capture really listens (tcpdump in a box without CAP_SETUID must not drop privileges).
    expect(
      checks.some((c) => /tcpdump .* on gw-right/.test(c.ran) && /^a packet arrived: /.test(c.saw)),
      JSON.stringify(checks),
    ).toBe(true);
    expect(checks.some((c) => /ip route get 10\.1\.0\.10.* on host-right/.test(c.ran))).toBe(true);
    expect(top(ret).summary).toMatch(/no route back to 10\.1\.0\.10/);
  }, 240_000);
});
