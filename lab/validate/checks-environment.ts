import { LabEngine } from '../engine/lab-engine.js';
import { type Release, type Side, SIDES } from '../settings/types.js';
import { describeTunnel, pingBoth, rekeyNow, restore, starterOf, waitUp } from './check-helpers.js';
import { type CheckRun, fail, skip, type TemplateContext } from './check-run.js';
import { establishOrDiagnose } from './checks-tunnel.js';
import { activeIke, LabRecorder } from './evidence.js';

// ---------------------------------------------------------------- (f) NAT
export async function checkNat(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const entry = (await ctx.faults.catalogue()).find((e) => e.fault.id === 'left-behind-nat');
  if (entry?.unavailable) throw skip(`left-behind-nat cannot be applied to this template: ${entry.unavailable}`);
  run.defer(() => restore(ctx));
  run.defer(() => ctx.faults.revert());
  await ctx.faults.apply(['left-behind-nat']);
  run.facts.push(
    "the router masquerades the left site (fault left-behind-nat); gw-right expects gw-left at the router's address",
  );
  const st = await waitUp(ctx.engine, await ctx.engine.settings(), 30_000);
  if (!st.up) throw fail(`the tunnel did not establish behind NAT within 30 s: ${describeTunnel(st)}`);
  const l = activeIke(st.sas.left?.ikeSas);
  const r = activeIke(st.sas.right?.ikeSas);
  run.facts.push(
    `gw-left IKE_SA ${l?.localHost}[${l?.localPort}] -> ${l?.remoteHost}[${l?.remotePort}], NAT: local ${l?.natLocal ? 'yes' : 'no'}, remote ${l?.natRemote ? 'yes' : 'no'}; gw-right sees the peer at ${r?.remoteHost}[${r?.remotePort}]`,
  );
  const problems: string[] = [];
  if (!l?.natLocal && !l?.natAny) problems.push('gw-left did not detect the NAT in front of it');
  if (l?.remotePort !== 4500) problems.push(`IKE did not float to UDP 4500 (remote port ${l?.remotePort})`);
  const got = await pingBoth(ctx.engine, 5, run.facts);
  if (got.left < 5) problems.push(`host-left -> host-right behind NAT: ${got.left}/5`);
  if (got.right < 5) problems.push(`host-right -> host-left behind NAT: ${got.right}/5`);
  if (problems.length) throw fail(problems.join('; '));
}

// ---------------------------------------------------------------- (g) interop
const SERIES: Record<Release, string> = { trixie: '6.0', bookworm: '5.9' };

/** The version charon itself reports over VICI (`version`: daemon, version, sysname...). */
async function charonVersion(engine: LabEngine, side: Side): Promise<{ version?: string; error?: string }> {
  try {
    const v = await (await engine.viciOf(side)).request('version');
    const version = typeof v.version === 'string' ? v.version : undefined;
    return version ? { version } : { error: 'VICI "version" answered without a version' };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export async function checkInterop(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const other = (r: Release): Release => (r === 'trixie' ? 'bookworm' : 'trixie');
  const peerRelease = ctx.peerRelease ?? other(ctx.baseline.left.gateway.release);
  const label = (r: Release) => (r === 'trixie' ? 'strongSwan 6.0 (trixie)' : 'strongSwan 5.9 (bookworm)');
  if (ctx.quick) throw skip(`--quick: the interop check needs a second lab with ${label(peerRelease)} on gw-right`);
  const s = structuredClone(ctx.baseline);
  s.right.gateway.release = peerRelease;
  if (s.left.gateway.release === s.right.gateway.release)
    throw skip(
      `both gateways would run ${label(peerRelease)}: nothing to interoperate with (pass --peer-release ${other(peerRelease)})`,
    );
  const engine = LabEngine.connect(ctx.secondLab);
  const rec = new LabRecorder(engine);
  run.useEvidenceFrom({ engine, rec });
  ctx.track(engine, true);
  run.defer(async () => {
    rec.stop();
    await engine.down();
    ctx.track(engine, false);
  });
  run.facts.push(
    `second lab "${engine.name}": gw-left ${label(s.left.gateway.release)}, gw-right ${label(s.right.gateway.release)}`,
  );
  const r = await establishOrDiagnose(engine, rec, s);
  if (!r.status.up) throw fail(`mixed releases did not establish: ${r.reason ?? describeTunnel(r.status)}`);
  await rec.settle(400, 2000);
  // What the gateways really run, asked from charon: a label is not evidence of interop.
  const problems: string[] = [];
  const versions: string[] = [];
  for (const side of SIDES) {
    const v = await charonVersion(engine, side);
    const want = SERIES[s[side].gateway.release];
    if (!v.version) problems.push(`could not read gw-${side}'s strongSwan version (${v.error}): interop unverified`);
    else if (!v.version.startsWith(`${want}.`))
      problems.push(`gw-${side} runs strongSwan ${v.version}, not the ${want} series its release should have`);
    versions.push(`gw-${side} ${v.version ?? 'unknown'}`);
  }
  run.facts.push(`charon versions (VICI version): ${versions.join(', ')}`);
  const got = await pingBoth(engine, 5, run.facts);
  if (got.left < 5 || got.right < 5)
    problems.push(`pings across mixed releases lost: left->right ${got.left}/5, right->left ${got.right}/5`);
  const rk = await rekeyNow(engine, starterOf(s), 15_000);
  run.facts.push(`CHILD_SA rekey across releases: ${rk.detail}`);
  if (!rk.ok) problems.push(`rekey across releases failed: ${rk.detail}`);
  if (problems.length) throw fail(problems.join('; '));
}
